/// An instruction from a deployment's owner (the REST API), carried out on
/// the deployment's paper account between market events, through the same
/// risk gate and exchange as the strategy's own orders. The strategy sees
/// the resulting order updates and fills in `on_order` / `on_fill`, tagged
/// `manual` unless the owner gave a tag. docs/api.md ("Manual trading").
public enum ManualCommand: Codable, Sendable, Equatable {
    /// One order, with take-profit and stop-loss exits when given (a bracket).
    case place(ManualOrder)
    /// Several orders, validated together before any is sent: one leg that
    /// fails the grid or the risk gate refuses them all.
    case bulk([ManualOrder])
    /// New quantity, limit price or trigger for a working order.
    case modify(id: OrderID, quantity: Double?, price: Double?, trigger: Double?)
    case cancel(id: OrderID)
    /// A reduce-only market order for the whole position in `symbol`.
    case close(symbol: String)
    /// Cancels every working order, then closes every position.
    case squareOff
}

/// One manual order, in the units the owner typed (the instrument's grid is
/// applied by the kernel, as for a strategy's order).
public struct ManualOrder: Codable, Sendable, Equatable {
    public var symbol: String
    public var side: Side
    public var type: OrderRequest.Kind
    /// Exactly one of `quantity` and `notional`.
    public var quantity: Double?
    public var notional: Double?
    /// Limit price (limit, stop-limit).
    public var price: Double?
    /// Trigger price (stop, stop-limit).
    public var trigger: Double?
    public var timeInForce: TimeInForce
    public var reduceOnly: Bool
    public var tag: String?
    /// Exit prices of a bracket: a reduce-only limit and a reduce-only stop
    /// for the entry's quantity, canceling each other once one fills.
    public var takeProfit: Double?
    public var stopLoss: Double?

    public init(symbol: String, side: Side, type: OrderRequest.Kind = .market, quantity: Double? = nil,
                notional: Double? = nil, price: Double? = nil, trigger: Double? = nil, timeInForce: TimeInForce = .gtc,
                reduceOnly: Bool = false, tag: String? = nil, takeProfit: Double? = nil, stopLoss: Double? = nil) {
        self.symbol = symbol
        self.side = side
        self.type = type
        self.quantity = quantity
        self.notional = notional
        self.price = price
        self.trigger = trigger
        self.timeInForce = timeInForce
        self.reduceOnly = reduceOnly
        self.tag = tag
        self.takeProfit = takeProfit
        self.stopLoss = stopLoss
    }

    public static let defaultTag = "manual"

    var isBracket: Bool { takeProfit != nil || stopLoss != nil }

    /// The request the kernel places (the gateway validated the sizes: a
    /// missing size becomes zero, which the grid refuses with a reason).
    var request: OrderRequest {
        let size: OrderRequest.Size = notional.map(OrderRequest.Size.notional) ?? .quantity(quantity ?? 0)
        return OrderRequest(symbol: symbol, side: side, kind: type, size: size, price: price, trigger: trigger,
                            timeInForce: timeInForce, tag: tag ?? Self.defaultTag, reduceOnly: reduceOnly)
    }
}

extension OrderRequest.Kind: Codable {}

/// What a manual command did.
public struct ManualCommandOutcome: Codable, Sendable, Equatable {
    /// The orders the command created or changed, as they stand after it:
    /// working, canceled, or rejected with their reason.
    public var orders: [Order]
    /// Why the command did not go through, when it did not: the first
    /// rejected order's reason, a refused bulk leg, an unknown order, an
    /// invalid change, or nothing to close.
    public var rejection: OrderReason?

    public init(orders: [Order], rejection: OrderReason?) {
        self.orders = orders
        self.rejection = rejection
    }
}

/// Why a manual command could not be carried out at all.
public enum ManualCommandError: Error, Sendable, Equatable, Codable, CustomStringConvertible {
    /// The host runs no deployment with this id.
    case unknownDeployment(String)
    /// The deployment exists but does not trade (stopped or faulted).
    case notTrading(id: String, status: String)
    /// The worker process ended before answering; the command was not applied.
    case hostUnavailable(String)

    public var description: String {
        switch self {
        case .unknownDeployment(let id): "deployment \(id) is not running in this host"
        case .notTrading(let id, let status): "deployment \(id) does not trade now (\(status))"
        case .hostUnavailable(let reason): "the command was not applied: \(reason)"
        }
    }
}
