/// What is held in one instrument: a signed quantity and its exact cost.
///
/// `costBasis` is signed like `quantity`: what a long cost (positive) or what
/// a short raised (negative). Adding to a position adds the fill's notional;
/// reducing takes the proportional share of the cost out (half to even) and
/// leaves the remainder, so a position that returns to zero has a cost basis
/// of exactly zero and its round trip realized exactly proceeds − cost.
public struct Position: Sendable, Equatable, Codable {
    public let symbol: String
    /// Lots held; negative when short.
    public internal(set) var quantity: Quantity
    /// Signed cost of the lots held, in 10^-8 quote units.
    public internal(set) var costBasis: Money
    /// Realized P&L over the position's life, before fees.
    public internal(set) var realizedPnL: Money
    /// Commissions paid over the position's life.
    public internal(set) var fees: Money

    public init(symbol: String, quantity: Quantity = .zero, costBasis: Money = .zero,
                realizedPnL: Money = .zero, fees: Money = .zero) {
        self.symbol = symbol
        self.quantity = quantity
        self.costBasis = costBasis
        self.realizedPnL = realizedPnL
        self.fees = fees
    }

    public var isFlat: Bool { quantity.lots == 0 }

    /// `.buy` for a long position, `.sell` for a short one, nil when flat.
    public var side: Side? { quantity.lots > 0 ? .buy : quantity.lots < 0 ? .sell : nil }

    /// Cost basis ÷ quantity on the tick grid (half to even); nil when flat.
    /// Derived for display and limits; accounting never uses it.
    public func averagePrice(_ instrument: Instrument) -> Price? {
        ExactDivision.averagePrice(notional: costBasis, lots: quantity.lots, instrument: instrument)
    }

    /// The unrounded average price as a Double, for display only.
    public func averagePriceValue(_ instrument: Instrument) -> Double? {
        guard quantity.lots != 0 else { return nil }
        return costBasis.doubleValue / instrument.double(quantity)
    }

    /// Signed value at `mark`: negative for a short.
    public func marketValue(mark: Price, instrument: Instrument) -> Money {
        quantity.lots == 0 ? .zero : instrument.notional(mark, quantity)
    }

    /// Mark value − cost basis: what closing at `mark` would realize (before fees).
    public func unrealizedPnL(mark: Price, instrument: Instrument) -> Money {
        marketValue(mark: mark, instrument: instrument) - costBasis
    }
}
