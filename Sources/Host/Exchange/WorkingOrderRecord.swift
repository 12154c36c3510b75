/// A working order with the matching state the exchange keeps beside it: the
/// exchange's part of a `DeploymentCheckpoint` (`PaperExchange.workingOrderRecords`).
public struct WorkingOrderRecord: Sendable, Codable, Equatable {
    /// The order as it stands (fills so far, status, reason).
    public var order: Order
    /// 0 plain, 1 bracket entry, 2 take-profit leg, 3 stop-loss leg.
    public var role: UInt8
    /// False for a bracket leg still dormant until its entry first fills.
    public var armed: Bool
    /// The order matches only events numbered after this one (it never
    /// fills on the event it was submitted, replaced or armed during).
    public var armedSequence: UInt64
    /// The order fills only at prices printed at or after this time.
    public var eligibleFrom: Int64
}
