/// What the caller tells the risk engine about a deployment's account at the
/// moment of a check.
///
/// A protocol rather than a struct of dictionaries so the trading kernel can
/// answer from its own portfolio without copying anything per order; the
/// engine is generic over it, so calls are direct after specialization.
/// Quantities and prices are in the instrument's lots and ticks.
public protocol RiskAccount {
    /// Now, in nanoseconds since the Unix epoch (UTC), from the injected
    /// clock: the backtest's bar time in live-equivalent units, never the wall
    /// clock in a backtest. Drives the trading window, the order-rate bucket
    /// and the UTC-day session.
    var nowNanoseconds: Int64 { get }
    /// The signed position (negative: short); zero when flat.
    func position(_ symbol: String) -> Quantity
    /// The remaining (unfilled) quantity of the open orders on one side.
    func openQuantity(_ symbol: String, side: Side) -> Quantity
    /// Open orders of the deployment, all symbols.
    var openOrderCount: Int { get }
    /// The last traded (or mark) price, nil if none seen yet.
    func lastPrice(_ symbol: String) -> Price?
    /// Sum over symbols of |position| × mark.
    var grossExposure: Money { get }
    /// Realized P&L since the deployment started, net of fees. Cumulative:
    /// the engine keeps the session baseline itself.
    var realizedPnL: Money { get }
    /// Unrealized P&L of the open positions at current marks.
    var unrealizedPnL: Money { get }
}

/// A plain-value `RiskAccount`, for tests, tools and callers without a
/// portfolio of their own.
public struct RiskSnapshot: RiskAccount, Sendable, Equatable {
    public var nowNanoseconds: Int64
    public var positions: [String: Quantity]
    public var openBuyQuantity: [String: Quantity]
    public var openSellQuantity: [String: Quantity]
    public var openOrderCount: Int
    public var lastPrices: [String: Price]
    public var grossExposure: Money
    public var realizedPnL: Money
    public var unrealizedPnL: Money

    public init(
        nowNanoseconds: Int64, positions: [String: Quantity] = [:], openBuyQuantity: [String: Quantity] = [:],
        openSellQuantity: [String: Quantity] = [:], openOrderCount: Int = 0, lastPrices: [String: Price] = [:],
        grossExposure: Money = .zero, realizedPnL: Money = .zero, unrealizedPnL: Money = .zero
    ) {
        self.nowNanoseconds = nowNanoseconds
        self.positions = positions
        self.openBuyQuantity = openBuyQuantity
        self.openSellQuantity = openSellQuantity
        self.openOrderCount = openOrderCount
        self.lastPrices = lastPrices
        self.grossExposure = grossExposure
        self.realizedPnL = realizedPnL
        self.unrealizedPnL = unrealizedPnL
    }

    public func position(_ symbol: String) -> Quantity { positions[symbol] ?? .zero }

    public func openQuantity(_ symbol: String, side: Side) -> Quantity {
        (side == .buy ? openBuyQuantity[symbol] : openSellQuantity[symbol]) ?? .zero
    }

    public func lastPrice(_ symbol: String) -> Price? { lastPrices[symbol] }
}
