/// Cash, positions and P&L of one account, kept exactly (docs/numeric-model.md).
///
/// Cash is the exact sum of fill deltas (buy: −notional − fee; sell:
/// +notional − fee). Each position keeps a signed quantity and an exact
/// signed cost basis, so at every moment
///
///     equity = initial cash + realized P&L − fees + unrealized P&L
///
/// holds to the last 10^-8 unit, however many fills came before.
///
/// Storage is an array indexed by a small per-instrument index; the symbol
/// dictionary serves lookups by name only. Equity, gross exposure and
/// unrealized P&L are running totals, so reading them is O(1), and `apply`
/// and `mark` neither allocate nor scan (appending a finished round trip to
/// `closedTrades` is the one amortized growth, once per trade, and can be
/// switched off with `recordsTrades`).
public struct Portfolio: Sendable, Equatable, Codable {
    /// Everything the portfolio knows about one instrument, kept together for
    /// locality: one array access per fill or mark.
    struct Slot: Sendable, Equatable, Codable {
        var instrument: Instrument
        var position: Position
        /// The last mark (or the first fill's price until a mark arrives).
        var mark: Price
        var hasMark: Bool
        /// `notional(mark, quantity)`, signed; cached so totals update in O(1).
        var markValue: Money
        var trade: OpenTrade
    }

    /// The cash the account started with.
    public let initialCash: Money
    public internal(set) var cash: Money
    /// Realized P&L of all fills, before fees.
    public internal(set) var realizedPnL: Money
    /// Commissions of all fills.
    public internal(set) var fees: Money
    /// How many positions are not flat (for exposure: "was anything held?").
    public internal(set) var openPositionCount: Int
    /// Round trips finished so far, in the order they closed.
    public internal(set) var closedTrades: [ClosedTrade]
    /// Whether `apply` appends finished round trips to `closedTrades`.
    public var recordsTrades: Bool

    var slots: [Slot]
    var indexBySymbol: [String: Int]
    var markValueTotal: Money
    var grossExposureTotal: Money
    var costBasisTotal: Money
    /// UTC day (days since the epoch) of the latest fill, and its totals.
    var day: Int64
    var dayRealizedPnL: Money
    var dayFees: Money

    public init(cash: Money, instruments: [Instrument], recordsTrades: Bool = true) {
        self.initialCash = cash
        self.cash = cash
        self.realizedPnL = .zero
        self.fees = .zero
        self.openPositionCount = 0
        self.closedTrades = []
        self.recordsTrades = recordsTrades
        self.slots = []
        self.indexBySymbol = [:]
        self.markValueTotal = .zero
        self.grossExposureTotal = .zero
        self.costBasisTotal = .zero
        self.day = Int64.min
        self.dayRealizedPnL = .zero
        self.dayFees = .zero
        slots.reserveCapacity(instruments.count)
        for instrument in instruments { add(instrument) }
    }

    /// Registers an instrument and returns its index; an instrument already
    /// known keeps its index (and its original definition).
    @discardableResult
    public mutating func add(_ instrument: Instrument) -> Int {
        if let index = indexBySymbol[instrument.symbol] { return index }
        let index = slots.count
        slots.append(Slot(instrument: instrument, position: Position(symbol: instrument.symbol),
                          mark: .zero, hasMark: false, markValue: .zero, trade: OpenTrade()))
        indexBySymbol[instrument.symbol] = index
        return index
    }

    // MARK: - Lookups

    /// The index `apply(_:at:)` and `mark(at:price:)` take, for the hot path.
    public func index(of symbol: String) -> Int? { indexBySymbol[symbol] }

    public var instruments: [Instrument] { slots.map(\.instrument) }

    public func instrument(at index: Int) -> Instrument { slots[index].instrument }

    /// The position in `symbol` (flat if nothing is held), nil if the symbol is unknown.
    public func position(_ symbol: String) -> Position? {
        indexBySymbol[symbol].map { slots[$0].position }
    }

    public func position(at index: Int) -> Position { slots[index].position }

    /// Every instrument's position, in registration order, flat ones included.
    public var positions: [Position] { slots.map(\.position) }

    /// The positions that are not flat, in registration order.
    public var openPositions: [Position] { slots.compactMap { $0.position.isFlat ? nil : $0.position } }

    /// The price positions in `symbol` are valued at; nil before any mark or fill.
    public func mark(of symbol: String) -> Price? {
        guard let index = indexBySymbol[symbol], slots[index].hasMark else { return nil }
        return slots[index].mark
    }

    public func mark(at index: Int) -> Price? { slots[index].hasMark ? slots[index].mark : nil }

    // MARK: - Marks

    /// Values positions in `symbol` at `price` from now on. Unknown symbols are ignored.
    public mutating func mark(symbol: String, price: Price) {
        guard let index = indexBySymbol[symbol] else { return }
        mark(at: index, price: price)
    }

    /// Values the position at `index` at `price` from now on.
    @inline(__always)
    public mutating func mark(at index: Int, price: Price) {
        slots[index].mark = price
        slots[index].hasMark = true
        revalue(at: index)
    }

    /// Recomputes the cached mark value of one slot and moves the totals by the difference.
    @inline(__always)
    mutating func revalue(at index: Int) {
        let old = slots[index].markValue
        let quantity = slots[index].position.quantity
        let new = quantity.lots == 0 ? Money.zero : slots[index].instrument.notional(slots[index].mark, quantity)
        slots[index].markValue = new
        markValueTotal += new - old
        grossExposureTotal.units += abs(new.units) - abs(old.units)
    }

    // MARK: - Totals

    /// Cash + the signed mark value of every position.
    public var equity: Money { cash + markValueTotal }

    /// Σ |quantity| × mark over all positions.
    public var grossExposure: Money { grossExposureTotal }

    /// Σ signed mark value (long − short).
    public var netExposure: Money { markValueTotal }

    /// Σ (mark value − cost basis): what closing everything at the marks would realize.
    public var unrealizedPnL: Money { markValueTotal - costBasisTotal }

    /// Realized P&L after fees (what the risk engine's `RiskAccount` calls realized).
    public var netRealizedPnL: Money { realizedPnL - fees }

    /// Whether any position is open.
    public var hasOpenPosition: Bool { openPositionCount > 0 }

    /// Realized P&L and fees of the UTC day containing `time` (seconds since
    /// the epoch). Only the day of the latest fill is kept: a later day reads
    /// zero until its first fill, and earlier days are not retained.
    public func daily(at time: Int64) -> DailyPnL {
        let requested = DailyPnL.utcDay(of: time)
        guard requested == day else { return DailyPnL(day: requested, realizedPnL: .zero, fees: .zero) }
        return DailyPnL(day: day, realizedPnL: dayRealizedPnL, fees: dayFees)
    }
}

/// Realized P&L and fees of one UTC day, for the risk engine's daily loss.
public struct DailyPnL: Sendable, Equatable, Codable {
    /// Days since 1970-01-01 (UTC).
    public var day: Int64
    public var realizedPnL: Money
    public var fees: Money
    /// Realized P&L after fees.
    public var net: Money { realizedPnL - fees }

    public init(day: Int64, realizedPnL: Money, fees: Money) {
        self.day = day
        self.realizedPnL = realizedPnL
        self.fees = fees
    }

    /// Days since the epoch of the UTC day containing `time`, rounding down
    /// for times before 1970 as well.
    @inline(__always)
    public static func utcDay(of time: Int64) -> Int64 {
        time >= 0 ? time / 86_400 : -((-time + 86_399) / 86_400)
    }
}
