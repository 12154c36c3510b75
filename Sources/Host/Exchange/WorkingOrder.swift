/// The exchange's state for one order it holds: the order as the caller sees
/// it plus what only matching needs.
///
/// The per-event checks on it live on `PaperExchange` and read single fields
/// through `working[instrument][index]`: calling a method on the element
/// copies the whole value (an `Order` with its strings), which cost more
/// than the matching itself.
struct WorkingOrder: Sendable {
    /// Where the order sits in a bracket.
    enum Role: Sendable, Equatable {
        case plain
        /// A bracket entry; its legs carry `parentID == order.id`.
        case entry
        /// A bracket's take-profit leg (a limit).
        case takeProfit
        /// A bracket's stop-loss leg (a stop or stop-limit).
        case stopLoss

        var isLeg: Bool { self == .takeProfit || self == .stopLoss }
    }

    var order: Order
    var role: Role
    /// A bracket leg is dormant until its entry first fills.
    var armed: Bool
    /// The order is matched only against events numbered after this one, so
    /// an order never fills on the event during which it was submitted,
    /// replaced or armed.
    var armedSequence: UInt64
    /// Submission (or replace, or arming) time: the order fills only at
    /// prices printed at or after it (a bar's opening time, a trade's or a
    /// book's time).
    var eligibleFrom: Int64

    /// The UTC day number of a time in seconds since the epoch (floor division).
    @inline(__always)
    static func utcDay(_ time: Int64) -> Int64 { time >= 0 ? time / 86_400 : (time - 86_399) / 86_400 }
}
