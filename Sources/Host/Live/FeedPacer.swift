import Foundation

/// Paces a live feed at `speed` × real time against a fixed schedule: event
/// time `t` is due `(t − t₀) / speed` seconds after the first event. Sleeping
/// the gap after each batch instead would add the time spent publishing (and
/// fanning events out to WebSocket clients) to every step: with 1,000 clients
/// market time ran at 64–80% of the requested speed (docs/benchmarks.md,
/// "WebSocket fan-out"). A feed that falls more than `maximumLag` behind
/// (an overloaded machine, a suspended process) starts a new schedule rather
/// than flood the deployments with the backlog at once.
struct FeedPacer {
    let speed: Double
    var maximumLag: Double = 1
    /// Monotonic nanoseconds, and a sleep of some nanoseconds: injected by tests.
    var now: () -> UInt64 = { DispatchTime.now().uptimeNanoseconds }
    var sleep: (UInt64) -> Void = { Thread.sleep(forTimeInterval: Double($0) / 1e9) }
    private var origin: (wall: UInt64, market: Int64)?

    init(speed: Double) { self.speed = speed }

    /// Waits until market time `time` is due.
    mutating func wait(until time: Int64) {
        let current = now()
        guard speed > 0, let origin else {
            origin = (current, time)
            return
        }
        let due = origin.wall &+ UInt64(max(0, Double(time - origin.market) / speed * 1e9))
        if due > current {
            sleep(due - current)
        } else if Double(current - due) / 1e9 > maximumLag {
            self.origin = (current, time)
        }
    }
}
