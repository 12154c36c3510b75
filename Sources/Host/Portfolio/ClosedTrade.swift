/// One round trip in one instrument: from the fill that took the position
/// off zero to the fill that brought it back to zero (or flipped it).
///
/// Scaling in and out stays inside one trade; prices are volume-weighted
/// averages. A flipping fill closes this trade and opens the next, and its
/// notional and fee are split between the two by lots (half to even, the
/// remainder to the new trade), so trades add up exactly to the portfolio.
public struct ClosedTrade: Sendable, Equatable, Codable {
    public var symbol: String
    /// `.buy` for a long trade, `.sell` for a short one.
    public var side: Side
    /// All lots entered (the sum of the entry fills).
    public var quantity: Quantity
    public var entryTime: Int64
    public var exitTime: Int64
    /// Average entry price on the tick grid (half to even).
    public var entryPrice: Price
    /// Average exit price on the tick grid (half to even).
    public var exitPrice: Price
    /// Realized P&L before fees: exactly exit proceeds − entry cost.
    public var pnl: Money
    /// Commissions of the entry and exit fills (their share of a flipping fill).
    public var fees: Money

    public init(symbol: String, side: Side, quantity: Quantity, entryTime: Int64, exitTime: Int64,
                entryPrice: Price, exitPrice: Price, pnl: Money, fees: Money) {
        self.symbol = symbol
        self.side = side
        self.quantity = quantity
        self.entryTime = entryTime
        self.exitTime = exitTime
        self.entryPrice = entryPrice
        self.exitPrice = exitPrice
        self.pnl = pnl
        self.fees = fees
    }

    /// P&L after fees; what win rate and profit factor count.
    public var netPnL: Money { pnl - fees }
}

/// The running totals of the trade a position is in. Plain integers so that
/// updating it on every fill costs nothing and allocates nothing.
struct OpenTrade: Sendable, Equatable, Codable {
    var side: Side = .buy
    var entryTime: Int64 = 0
    var entryLots: Int64 = 0
    var entryNotional: Money = .zero
    var exitLots: Int64 = 0
    var exitNotional: Money = .zero
    var pnl: Money = .zero
    var fees: Money = .zero

    func closed(symbol: String, exitTime: Int64, instrument: Instrument) -> ClosedTrade {
        ClosedTrade(
            symbol: symbol, side: side, quantity: Quantity(lots: entryLots),
            entryTime: entryTime, exitTime: exitTime,
            entryPrice: ExactDivision.averagePrice(notional: entryNotional, lots: entryLots, instrument: instrument) ?? .zero,
            exitPrice: ExactDivision.averagePrice(notional: exitNotional, lots: exitLots, instrument: instrument) ?? .zero,
            pnl: pnl, fees: fees)
    }
}
