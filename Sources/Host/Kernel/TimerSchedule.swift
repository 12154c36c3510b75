import Sandbox

/// The timers a strategy set (`ctx.timer`), as a plain value: adding,
/// canceling, taking the next one due, and the checkpoint form. The kernel
/// owns one and runs `on_timer` for what `takeNext(dueBy:)` hands it, so the
/// scheduling rules are tested here without a Lua state.
///
/// Timers are kept in the order they were set (a checkpoint's bytes follow
/// it); which fires first never depends on that order: earliest due first,
/// ties by name.
struct TimerSchedule: Sendable, Equatable {
    /// A timer a strategy set.
    struct Timer: Sendable, Equatable {
        var name: String
        /// When it fires next, in seconds since the epoch.
        var due: Int64
        /// The period of a repeating timer; nil fires once.
        var interval: Int64?
    }

    /// At most this many timers per deployment: each is scanned per event.
    static let limit = 100

    private(set) var timers: [Timer] = []

    /// An empty schedule.
    init() {}

    /// The timers of a checkpoint, in its order.
    init(records: [TimerRecord]) {
        timers = records.map { Timer(name: $0.name, due: $0.due, interval: $0.interval) }
    }

    /// The checkpoint form, in the order the timers were set.
    var records: [TimerRecord] {
        timers.map { TimerRecord(name: $0.name, due: $0.due, interval: $0.interval) }
    }

    /// One load per event on the usual path (no timers).
    var isEmpty: Bool { timers.isEmpty }

    /// Sets (or replaces) the timer `name` to fire `seconds` after `now`,
    /// rounded up to whole seconds; `repeating` fires it every period after.
    /// The errors are the strategy's (`ctx.timer` argument 2, the limit).
    mutating func add(name: String, seconds: Double, repeating: Bool, now: Int64) throws(HostCallError) {
        guard seconds.isFinite, seconds >= 1, seconds <= 366 * 86_400 else {
            throw .badArgument(position: 2, reason: "seconds must be between 1 and 31,622,400")
        }
        let interval = Int64(seconds.rounded(.up))
        timers.removeAll { $0.name == name }
        guard timers.count < Self.limit else { throw .failed("at most \(Self.limit) timers") }
        timers.append(Timer(name: name, due: now + interval, interval: repeating ? interval : nil))
    }

    /// Removes the timer `name`; false if there was none.
    mutating func cancel(name: String) -> Bool {
        let before = timers.count
        timers.removeAll { $0.name == name }
        return timers.count != before
    }

    /// Removes or reschedules the earliest timer due at or before `time`
    /// (ties by name) and returns it as it was due; nil when none is. A
    /// repeating timer fires once per call even if it missed several periods
    /// (a gap in the data), then is due again after `time`, on its period's grid.
    mutating func takeNext(dueBy time: Int64) -> Timer? {
        guard let next = timers.indices.filter({ timers[$0].due <= time })
            .min(by: { (timers[$0].due, timers[$0].name) < (timers[$1].due, timers[$1].name) }) else { return nil }
        let timer = timers[next]
        if let interval = timer.interval {
            var due = timer.due + interval
            if due <= time { due = time + interval - (time - timer.due) % interval }
            timers[next].due = due
        } else {
            timers.remove(at: next)
        }
        return timer
    }
}
