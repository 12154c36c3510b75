import Glibc

/// One end of a supervisor–worker socket: writes whole frames, reads frames
/// through a `FrameDecoder`. Owns its file descriptor and closes it in
/// `deinit`; the socket calls are the choke point that turns `errno` into
/// `IsolationError`.
///
/// Confinement: `send` and `receive` may run on different threads (a socket
/// is full duplex), but each on one thread at a time.
final class FrameChannel: @unchecked Sendable {
    let descriptor: Int32
    private var decoder: FrameDecoder
    private var readBuffer = [UInt8](repeating: 0, count: 1 << 16)
    private var ended = false

    init(descriptor: Int32, maximumFrameBytes: Int, expectsWorkerFrames: Bool) {
        self.descriptor = descriptor
        self.decoder = FrameDecoder(maximumLength: maximumFrameBytes, expectsWorkerFrames: expectsWorkerFrames)
    }

    deinit { close(descriptor) }

    /// Writes every byte of `frame` (blocking). Never raises SIGPIPE: a dead
    /// peer is an error here, and its reader finds out why.
    func send(_ frame: Frame) throws(IsolationError) {
        try send(bytes: frame.encoded())
    }

    func send(bytes: [UInt8]) throws(IsolationError) {
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeBytes { buffer in
                Glibc.send(descriptor, buffer.baseAddress! + offset, buffer.count - offset, Int32(MSG_NOSIGNAL))
            }
            if written < 0 {
                if errno == EINTR { continue }
                throw .system(call: "send", errno: errno)
            }
            offset += written
        }
    }

    /// The next frame; nil at a clean end of stream. Throws `FrameError`
    /// wrapped in `IsolationError.frame` for bytes that are not a frame and
    /// for a stream that ends inside one.
    func receive() throws(IsolationError) -> Frame? {
        while true {
            do {
                if let frame = try decoder.next() { return frame }
                if ended {
                    try decoder.finish()
                    return nil
                }
            } catch {
                throw .frame(error)
            }
            let count = readBuffer.withUnsafeMutableBytes { Glibc.read(descriptor, $0.baseAddress!, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                // A reset connection is a dead peer, like an end of stream.
                if errno == ECONNRESET { ended = true; continue }
                throw .system(call: "read", errno: errno)
            }
            if count == 0 { ended = true; continue }
            readBuffer.withUnsafeBytes { decoder.append(UnsafeRawBufferPointer(rebasing: $0.prefix(count))) }
        }
    }
}
