/// The indicator caches of every symbol a strategy trades: what the Lua bridge
/// calls. Owned by the strategy's shard like the strategy itself (a value type;
/// no locking).
///
/// A symbol gets its series on `addSymbol` or its first `append`. Requests go
/// either by symbol (a dictionary lookup, skipped when it is the symbol asked
/// about last) or by a `SeriesID` fetched once.
public struct IndicatorSet: Sendable {
    /// A symbol's position in this set. Valid only for the set that issued it.
    public struct SeriesID: Hashable, Sendable {
        public let index: Int
    }

    /// Bars kept per symbol.
    public let capacity: Int
    /// Distinct indicator states allowed per symbol.
    public let maximumIndicatorsPerSymbol: Int
    /// Symbols in the order they were added.
    public private(set) var symbols: [String] = []

    private var caches: [IndicatorCache] = []
    private var idsBySymbol: [String: SeriesID] = [:]
    /// The symbol looked up last: strategies ask about one symbol many times
    /// per bar, and comparing a short string costs far less than hashing it.
    private var lastSymbol = ""
    private var lastID: SeriesID?

    public init(
        capacity: Int = PriceSeries.defaultCapacity,
        maximumIndicatorsPerSymbol: Int = IndicatorCache.defaultMaximumIndicators
    ) {
        precondition(capacity >= 2, "an IndicatorSet needs a capacity of at least 2, got \(capacity)")
        self.capacity = capacity
        self.maximumIndicatorsPerSymbol = maximumIndicatorsPerSymbol
    }

    /// The ID of `symbol`'s series, creating an empty one if needed.
    @discardableResult
    public mutating func addSymbol(_ symbol: String) -> SeriesID {
        if let id = remembered(symbol) { return id }
        let id = SeriesID(index: caches.count)
        caches.append(IndicatorCache(capacity: capacity, maximumIndicators: maximumIndicatorsPerSymbol))
        symbols.append(symbol)
        idsBySymbol[symbol] = id
        return id
    }

    /// The ID of `symbol`'s series, or nil if it has none.
    public func id(for symbol: String) -> SeriesID? { idsBySymbol[symbol] }

    /// Appends a bar to `symbol`'s series (creating it on first use).
    public mutating func append(
        symbol: String, time: Double, open: Double, high: Double, low: Double, close: Double, volume: Double
    ) {
        let id = addSymbol(symbol)
        append(to: id, time: time, open: open, high: high, low: low, close: close, volume: volume)
    }

    /// Appends a bar to the series `id` names.
    public mutating func append(
        to id: SeriesID, time: Double, open: Double, high: Double, low: Double, close: Double, volume: Double
    ) {
        caches[id.index].append(time: time, open: open, high: high, low: low, close: close, volume: volume)
    }

    /// `request` on `symbol`'s current bar: nil until enough history, throws
    /// for an unknown symbol or an invalid parameter.
    public mutating func value(_ request: IndicatorRequest, symbol: String) throws(IndicatorError) -> IndicatorValue? {
        guard let id = remembered(symbol) else { throw .unknownSymbol(symbol) }
        return try caches[id.index].value(request)
    }

    /// `request` on the current bar of the series `id` names.
    public mutating func value(_ request: IndicatorRequest, series id: SeriesID) throws(IndicatorError) -> IndicatorValue? {
        try caches[id.index].value(request)
    }

    /// Runs `body` on the cache `id` names, in place, for typed queries:
    /// `try set.withCache(id) { try $0.macd() }`. (A mutable subscript would
    /// read better, but across modules its accessor allocates on every call.)
    public mutating func withCache<Result, Failure: Error>(
        _ id: SeriesID, _ body: (inout IndicatorCache) throws(Failure) -> Result
    ) throws(Failure) -> Result {
        try body(&caches[id.index])
    }

    /// A copy of `symbol`'s cache, for reading.
    public subscript(symbol: String) -> IndicatorCache? {
        idsBySymbol[symbol].map { caches[$0.index] }
    }

    /// A copy of the cache `id` names, for reading.
    public subscript(id: SeriesID) -> IndicatorCache { caches[id.index] }

    /// The bars held for `symbol`, or nil if it has none.
    public func series(for symbol: String) -> PriceSeries? {
        idsBySymbol[symbol].map { caches[$0.index].series }
    }

    /// `symbol`'s ID, trying the last symbol looked up before the dictionary.
    @inline(__always)
    private mutating func remembered(_ symbol: String) -> SeriesID? {
        if let lastID, symbol == lastSymbol { return lastID }
        guard let id = idsBySymbol[symbol] else { return nil }
        lastSymbol = symbol
        lastID = id
        return id
    }
}
