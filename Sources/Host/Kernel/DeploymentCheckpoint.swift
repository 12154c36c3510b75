import Sandbox

/// Everything a fresh kernel needs to carry on where another left off,
/// taken between events: the account (exact portfolio), the working orders
/// with their matching state, the next order id, `ctx.state`, timers,
/// subscriptions and status. A supervisor keeps the latest one of every
/// deployment as its authoritative copy.
///
/// Not captured (docs/isolation.md, "Limits"): Lua locals outside
/// `ctx.state` (the script's main chunk runs again), the `math.random`
/// sequence (restarts from the seed), order-rate token buckets (refilled)
/// and indicator history (refilled from the bars the supervisor replays).
public struct DeploymentCheckpoint: Sendable, Codable, Equatable {
    public var id: String
    public var status: CheckpointStatus
    /// The kernel's clock when the checkpoint was taken.
    public var time: Int64
    public var nextOrderID: OrderID
    public var portfolio: Portfolio
    public var workingOrders: [WorkingOrderRecord]
    public var exchangeSequence: UInt64
    public var state: LuaValue?
    public var timers: [TimerRecord]
    /// Symbol → subscribed kinds, sorted for stable bytes.
    public var subscriptions: [String: [SubscriptionKind]]
    public var fillCount: Int

    /// The open orders as the strategy sees them.
    public var openOrders: [Order] { workingOrders.map(\.order) }
}

/// A `DeploymentStatus` in a form that can cross a process boundary.
public struct CheckpointStatus: Sendable, Codable, Equatable {
    public var kind: String
    public var reason: String?

    public init(_ status: DeploymentStatus) {
        switch status {
        case .ready: kind = "ready"
        case .running: kind = "running"
        case .halted(let reason): kind = "halted"; self.reason = reason
        case .faulted(let reason): kind = "faulted"; self.reason = reason
        case .stopped: kind = "stopped"
        }
    }

    /// Nil for a kind this build does not know (a malformed report).
    public var status: DeploymentStatus? {
        switch kind {
        case "ready": .ready
        case "running": .running
        case "halted": .halted(reason: reason ?? "")
        case "faulted": .faulted(reason: reason ?? "")
        case "stopped": .stopped
        default: nil
        }
    }
}

/// A strategy timer in a checkpoint.
public struct TimerRecord: Sendable, Codable, Equatable {
    public var name: String
    public var due: Int64
    public var interval: Int64?
}
