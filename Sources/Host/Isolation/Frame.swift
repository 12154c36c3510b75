/// One message on a supervisor–worker socket: a type tag and its payload.
///
/// On the wire (all integers little-endian):
///
///     +-----------+---------+------+-------------------+
///     | length u32| version | type | payload           |
///     |           |   u8    |  u8  | length − 2 bytes  |
///     +-----------+---------+------+-------------------+
///
/// `length` counts the version and type bytes and the payload. The framing
/// is the only thing a supervisor trusts about a worker's bytes, and it
/// trusts nothing past it: see `FrameDecoder`.
public struct Frame: Sendable, Equatable {
    public var type: FrameType
    public var payload: [UInt8]

    public init(type: FrameType, payload: [UInt8] = []) {
        self.type = type
        self.payload = payload
    }

    /// The protocol version both ends speak; a frame with another is refused.
    public static let version: UInt8 = 1
    /// Bytes before the payload: length, version, type.
    public static let headerBytes = 6

    /// The frame as it goes on the wire.
    public func encoded() -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(Self.headerBytes + payload.count)
        let length = UInt32(payload.count + 2)
        withUnsafeBytes(of: length.littleEndian) { bytes.append(contentsOf: $0) }
        bytes.append(Self.version)
        bytes.append(type.rawValue)
        bytes.append(contentsOf: payload)
        return bytes
    }
}

/// What a frame carries. Values below 64 go from supervisor to worker, the
/// others back; a frame travelling the wrong way is malformed.
public enum FrameType: UInt8, Sendable {
    // Supervisor → worker.
    case deploy = 1
    case events = 2
    case stop = 3
    case backtest = 4
    case shutdown = 5
    /// Test hooks, honoured only by a worker started with them enabled.
    case testCrash = 6
    case testStall = 7
    case testGarbage = 8
    case killSwitch = 9
    /// Recent bars for the indicators of the deployments restored next.
    case warmUp = 10
    /// An owner's manual command for one deployment.
    case manual = 11
    /// A one-off job: compile a script and read its declaration.
    case inspect = 12
    // Worker → supervisor.
    case deployed = 64
    case batchDone = 65
    case stopped = 66
    case backtestDone = 67
    case manualDone = 68
    case inspectDone = 69

    public var isFromWorker: Bool { rawValue >= 64 }
}

/// Why bytes from the other end were not a frame. Any of these means the
/// peer is broken or hostile: the supervisor kills a worker that sends one.
public enum FrameError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The length field is below the two header bytes it must count.
    case lengthTooSmall(UInt32)
    /// The length field is above the configured maximum.
    case oversized(length: UInt32, limit: Int)
    case unsupportedVersion(UInt8)
    case unknownType(UInt8)
    /// A known type, sent in the wrong direction.
    case wrongDirection(UInt8)
    /// The stream ended inside a frame.
    case truncated(buffered: Int)
    /// The frame was well formed but its payload was not.
    case malformedPayload(type: UInt8, reason: String)

    /// A stable machine code.
    public var code: String {
        switch self {
        case .lengthTooSmall: "frameLengthTooSmall"
        case .oversized: "frameOversized"
        case .unsupportedVersion: "frameVersion"
        case .unknownType: "frameUnknownType"
        case .wrongDirection: "frameWrongDirection"
        case .truncated: "frameTruncated"
        case .malformedPayload: "framePayload"
        }
    }

    public var description: String {
        switch self {
        case .lengthTooSmall(let length): "frame length \(length) is below the 2 header bytes"
        case .oversized(let length, let limit): "frame length \(length) exceeds the limit of \(limit) bytes"
        case .unsupportedVersion(let version): "frame version \(version) is not \(Frame.version)"
        case .unknownType(let type): "unknown frame type \(type)"
        case .wrongDirection(let type): "frame type \(type) sent in the wrong direction"
        case .truncated(let buffered): "stream ended inside a frame (\(buffered) bytes buffered)"
        case .malformedPayload(let type, let reason): "malformed payload in frame type \(type): \(reason)"
        }
    }
}
