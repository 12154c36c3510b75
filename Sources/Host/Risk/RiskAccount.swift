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

    // Buying power (docs/risk.md). An account that reports no cash or no
    // equity (nil) skips the buying-power check.

    /// Cash now (may be negative in a margin account).
    var cash: Money? { get }
    /// Cash plus every position at its mark.
    var equity: Money? { get }
    /// The commission a first fill of `notional` pays (fixed fee included).
    func fee(on notional: Money) -> Money
    /// The gross exposure an order leads to, in 10^-8 units: for the
    /// order's symbol, |position + open orders on the order's side + the
    /// order| at `price` (only the side the order adds to: an order is never
    /// refused for exposure it does not add, so a reversal from a losing
    /// position passes); for every other symbol, the larger of
    /// |position + buys| and |position − sells| at its mark.
    func projectedGrossExposure(symbol: String, side: Side, quantity: Quantity, price: Price,
                                instrument: Instrument) -> Int128
    /// Notional plus fees of every open buy order (what a cash account has
    /// committed), in 10^-8 units.
    var openBuyCommitment: Int128 { get }
}

extension RiskAccount {
    public var cash: Money? { nil }
    public var equity: Money? { nil }
    public func fee(on notional: Money) -> Money { .zero }
    public var openBuyCommitment: Int128 { 0 }

    /// From the account's gross exposure, positions and open quantities of
    /// the order's symbol only (open orders of other symbols are not known
    /// here); the kernel answers across all symbols.
    public func projectedGrossExposure(symbol: String, side: Side, quantity: Quantity, price: Price,
                                       instrument: Instrument) -> Int128 {
        let position = Int128(self.position(symbol).lots)
        let adding = Int128(openQuantity(symbol, side: side).lots) + Int128(quantity.lots)
        let worst = (position + Int128(side.sign) * adding).magnitude
        let mark = lastPrice(symbol) ?? price
        let current = RiskMath.value(lots: position.magnitude, price: mark, instrument)
        let projected = RiskMath.value(lots: worst, price: price, instrument)
        return Int128(grossExposure.units) - current + projected
    }
}

/// Exact valuations for the buying-power check.
public enum RiskMath {
    /// lots × price in 10^-8 units (Int128, so no order size overflows it).
    @inline(__always)
    public static func value(lots: UInt128, price: Price, _ instrument: Instrument) -> Int128 {
        let raw = Int128(clamping: lots) * Int128(price.ticks)
        return FixedPoint.rescale(raw, from: instrument.priceDecimals + instrument.quantityDecimals, to: Money.decimals)
    }

    @inline(__always)
    public static func value(lots: UInt64, price: Price, _ instrument: Instrument) -> Int128 {
        value(lots: UInt128(lots), price: price, instrument)
    }
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
    public var cash: Money?
    public var equity: Money?

    public init(
        nowNanoseconds: Int64, positions: [String: Quantity] = [:], openBuyQuantity: [String: Quantity] = [:],
        openSellQuantity: [String: Quantity] = [:], openOrderCount: Int = 0, lastPrices: [String: Price] = [:],
        grossExposure: Money = .zero, realizedPnL: Money = .zero, unrealizedPnL: Money = .zero,
        cash: Money? = nil, equity: Money? = nil
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
        self.cash = cash
        self.equity = equity
    }

    public func position(_ symbol: String) -> Quantity { positions[symbol] ?? .zero }

    public func openQuantity(_ symbol: String, side: Side) -> Quantity {
        (side == .buy ? openBuyQuantity[symbol] : openSellQuantity[symbol]) ?? .zero
    }

    public func lastPrice(_ symbol: String) -> Price? { lastPrices[symbol] }
}
