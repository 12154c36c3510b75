/// Cuts a byte stream into frames, refusing anything it does not expect.
///
/// A pure value: bytes go in with `append`, frames come out of `next()`, and
/// `finish()` says whether the stream may end here. No I/O, so every hostile
/// input is tested directly. The length is checked against `maximumLength`
/// before anything is buffered for it, so a lying length costs nothing.
public struct FrameDecoder: Sendable {
    /// The largest `length` field accepted.
    public let maximumLength: Int
    /// Whether frames must come from a worker (the supervisor's decoder) or
    /// from the supervisor (the worker's).
    public let expectsWorkerFrames: Bool
    private var buffer: [UInt8] = []
    private var start = 0

    public init(maximumLength: Int, expectsWorkerFrames: Bool) {
        self.maximumLength = maximumLength
        self.expectsWorkerFrames = expectsWorkerFrames
    }

    /// Bytes received and not yet returned as frames.
    public var bufferedCount: Int { buffer.count - start }

    public mutating func append(_ bytes: UnsafeRawBufferPointer) {
        if start > 0 && start == buffer.count {
            buffer.removeAll(keepingCapacity: true)
            start = 0
        }
        buffer.append(contentsOf: bytes)
    }

    public mutating func append(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { append($0) }
    }

    /// The next complete frame, nil if more bytes are needed. After an error
    /// the decoder is not to be used again.
    public mutating func next() throws(FrameError) -> Frame? {
        let available = buffer.count - start
        guard available >= 4 else { return nil }
        let length = UInt32(buffer[start]) | UInt32(buffer[start + 1]) << 8
            | UInt32(buffer[start + 2]) << 16 | UInt32(buffer[start + 3]) << 24
        guard length >= 2 else { throw .lengthTooSmall(length) }
        guard Int(length) <= maximumLength else { throw .oversized(length: length, limit: maximumLength) }
        if available >= 5, buffer[start + 4] != Frame.version { throw .unsupportedVersion(buffer[start + 4]) }
        if available >= 6 { try checkType(buffer[start + 5]) }
        guard available >= 4 + Int(length) else { return nil }
        let type = FrameType(rawValue: buffer[start + 5])!
        let payload = Array(buffer[(start + 6)..<(start + 4 + Int(length))])
        start += 4 + Int(length)
        if start == buffer.count {
            buffer.removeAll(keepingCapacity: true)
            start = 0
        } else if start > 1 << 20 {
            buffer.removeFirst(start)
            start = 0
        }
        return Frame(type: type, payload: payload)
    }

    /// Call when the stream ends: an error if it ended inside a frame.
    public func finish() throws(FrameError) {
        if bufferedCount > 0 { throw .truncated(buffered: bufferedCount) }
    }

    private func checkType(_ raw: UInt8) throws(FrameError) {
        guard let type = FrameType(rawValue: raw) else { throw .unknownType(raw) }
        guard type.isFromWorker == expectsWorkerFrames else { throw .wrongDirection(raw) }
    }
}
