import Foundation

/// Where the store reads the time (Unix seconds). Injected so tests control
/// suspensions and ordering.
public protocol WallClock: Sendable {
    var now: Int64 { get }
}

/// The system clock.
public struct SystemWallClock: WallClock {
    public init() {}
    public var now: Int64 { Int64(Date().timeIntervalSince1970) }
}
