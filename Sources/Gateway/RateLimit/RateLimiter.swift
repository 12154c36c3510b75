import Synchronization

/// A fixed-window counter per key (an IP for the auth tier, a user for the
/// API tier). Memory is bounded: once more than `maximumKeys` keys are
/// tracked, windows that have ended are dropped, and if that is not enough
/// the oldest windows go.
public final class RateLimiter: Sendable {
    /// What one request was told.
    struct Decision: Equatable {
        var allowed: Bool
        var limit: Int
        var remaining: Int
        /// Seconds until the window resets.
        var reset: Int
    }

    public let limit: Int
    public let windowSeconds: Int64
    let maximumKeys: Int
    private let windows = Mutex<[String: (start: Int64, count: Int)]>([:])

    public init(limit: Int, windowSeconds: Int64 = 60, maximumKeys: Int = 100_000) {
        self.limit = max(1, limit)
        self.windowSeconds = max(1, windowSeconds)
        self.maximumKeys = maximumKeys
    }

    /// Counts one request for `key` at `now` (Unix seconds).
    func take(_ key: String, now: Int64) -> Decision {
        let start = now - now % windowSeconds
        let reset = Int(start + windowSeconds - now)
        return windows.withLock { windows in
            if windows.count >= maximumKeys { Self.evict(&windows, before: start, keep: maximumKeys / 2) }
            var entry: (start: Int64, count: Int) = windows[key].flatMap { $0.start == start ? $0 : nil } ?? (start, 0)
            guard entry.count < limit else {
                return Decision(allowed: false, limit: limit, remaining: 0, reset: reset)
            }
            entry.count += 1
            windows[key] = entry
            return Decision(allowed: true, limit: limit, remaining: limit - entry.count, reset: reset)
        }
    }

    private static func evict(_ windows: inout [String: (start: Int64, count: Int)], before start: Int64, keep: Int) {
        windows = windows.filter { $0.value.start >= start }
        if windows.count > keep {
            let survivors = windows.sorted { $0.value.start > $1.value.start }.prefix(keep)
            windows = Dictionary(uniqueKeysWithValues: survivors.map { ($0.key, $0.value) })
        }
    }
}
