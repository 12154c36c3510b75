/// What the risk gate says about one order.
public enum RiskDecision: Sendable, Hashable {
    /// The order may go to the exchange.
    case accept
    /// The order is refused and never reaches the exchange.
    case deny(OrderReason)

    public var isAccepted: Bool { if case .accept = self { true } else { false } }

    /// The denial, or nil when accepted.
    public var reason: OrderReason? { if case .deny(let reason) = self { reason } else { nil } }
}

/// Something the caller must do because of the engine's state.
public enum RiskAction: Sendable, Hashable {
    /// The daily loss limit was breached: cancel every open order of the
    /// deployment. Reported once per breach.
    case halt(OrderReason)
}

/// What a deployment may do, NautilusTrader-style. The operator sets it; the
/// engine moves an active deployment to `reducing` when the daily loss limit
/// is breached.
public enum TradingState: String, Sendable, Codable, Comparable {
    /// Every order is checked normally.
    case active
    /// Only orders that reduce a position pass (and are still checked).
    case reducing
    /// No order passes.
    case halted

    private var severity: Int {
        switch self {
        case .active: 0
        case .reducing: 1
        case .halted: 2
        }
    }

    public static func < (lhs: TradingState, rhs: TradingState) -> Bool { lhs.severity < rhs.severity }
}

/// One refused order, kept in the engine's bounded history.
public struct RiskDenialRecord: Sendable, Hashable {
    /// When, in nanoseconds since the Unix epoch (the caller's clock).
    public var timeNanoseconds: Int64
    public var orderID: OrderID
    public var symbol: String
    public var reason: OrderReason

    public init(timeNanoseconds: Int64, orderID: OrderID, symbol: String, reason: OrderReason) {
        self.timeNanoseconds = timeNanoseconds
        self.orderID = orderID
        self.symbol = symbol
        self.reason = reason
    }
}
