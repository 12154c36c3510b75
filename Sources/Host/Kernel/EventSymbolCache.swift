import Sandbox

/// The last event's symbol with what the kernel looks up for it: its
/// instrument, its subscriptions as flags, its portfolio slot and its
/// indicator series. Most feeds repeat a symbol, and hashing a String per
/// lookup (or `Set.contains` per callback) adds up per bar, so the kernel
/// resolves a symbol once and reads these fields until the symbol changes.
///
/// One value rather than seven kernel properties: the kernel turns off the
/// runtime's exclusivity check per stored property, and these are read and
/// written together.
struct EventSymbolCache {
    /// The symbol the fields below are for; nil when nothing is cached (or
    /// the subscriptions changed, which invalidates the flags).
    var symbol: String?
    var instrument = Instrument(symbol: "")
    var wantsBars = false
    var wantsTrades = false
    var wantsBook = false
    /// The symbol's index in the portfolio's positions and marks.
    var portfolioIndex = 0
    /// The symbol's bar series, once it has one.
    var series: IndicatorSet.SeriesID?
    /// The symbol pinned in the sandbox (the events' `symbol` field).
    var symbolReference: LuaReference?

    /// Caches `symbol` with its instrument, subscribed kinds, portfolio index and series.
    mutating func point(at symbol: String, instrument: Instrument, kinds: Set<SubscriptionKind>, portfolioIndex: Int,
                        series: IndicatorSet.SeriesID?) {
        self.instrument = instrument
        wantsBars = kinds.contains(.bars)
        wantsTrades = kinds.contains(.trades)
        wantsBook = kinds.contains(.book)
        self.portfolioIndex = portfolioIndex
        self.series = series
        self.symbolReference = nil
        self.symbol = symbol
    }
}
