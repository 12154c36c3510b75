/// One market event for one symbol. Events are delivered in `time` order;
/// at equal times, in the order sources merge them (see `MarketEvent.precedes`).
public struct MarketEvent: Sendable, Equatable {
    public enum Payload: Sendable, Equatable {
        /// A completed bar; `timeframe` in seconds.
        case bar(Bar, timeframe: Int64)
        case trade(Trade)
        case book(BookSnapshot)
    }

    /// When the event is known: a bar's close time (open + timeframe), a
    /// trade's or a book's own time. A strategy never sees an event before it.
    public var time: Int64
    public var symbol: String
    public var payload: Payload

    public init(time: Int64, symbol: String, payload: Payload) {
        self.time = time
        self.symbol = symbol
        self.payload = payload
    }

    public static func bar(_ bar: Bar, symbol: String, timeframe: Int64) -> MarketEvent {
        MarketEvent(time: bar.time + timeframe, symbol: symbol, payload: .bar(bar, timeframe: timeframe))
    }

    public var kind: SubscriptionKind {
        switch payload {
        case .bar: .bars
        case .trade: .trades
        case .book: .book
        }
    }

    /// The documented tie-break for events at the same time: books, then
    /// trades, then bars (a bar summarises the trades before it), then by
    /// symbol. Deterministic, independent of hash order.
    public static func precedes(_ lhs: MarketEvent, _ rhs: MarketEvent) -> Bool {
        if lhs.time != rhs.time { return lhs.time < rhs.time }
        if lhs.kindRank != rhs.kindRank { return lhs.kindRank < rhs.kindRank }
        return lhs.symbol < rhs.symbol
    }

    private var kindRank: Int {
        switch payload {
        case .book: 0
        case .trade: 1
        case .bar: 2
        }
    }
}

/// A stream of market events in delivery order. Backtests read it as fast as
/// they can; live runs read it paced by a clock. A real exchange feed would
/// implement this protocol (connecting, decoding, reconnecting) and nothing
/// else in the host changes.
public protocol MarketDataSource {
    /// The instruments whose events this source produces.
    var instruments: [Instrument] { get }
    /// The next event, or nil when the source is exhausted.
    mutating func next() -> MarketEvent?
}

/// Replays bars already in memory (loaded from CSV), merged across symbols
/// in `MarketEvent.precedes` order. Each symbol's bars must be in time order
/// (`BarCSV` guarantees it). The merge is lazy: events are made one at a time,
/// so a long backtest never holds a second copy of its data as events.
public struct BarReplaySource: MarketDataSource {
    public let instruments: [Instrument]
    /// Symbols in ascending order: among bars closing at the same time, the
    /// first symbol found wins, which is `precedes`' tie-break for bars.
    private let symbols: [String]
    private let series: [[Bar]]
    private var positions: [Int]
    private let timeframe: Int64
    public let count: Int

    public init(bars: [String: [Bar]], instruments: [Instrument], timeframe: Int64) {
        self.instruments = instruments
        symbols = bars.keys.sorted()
        series = symbols.map { bars[$0]! }
        positions = Array(repeating: 0, count: symbols.count)
        self.timeframe = timeframe
        count = series.reduce(0) { $0 + $1.count }
    }

    public mutating func next() -> MarketEvent? {
        var chosen = -1
        var earliest = Int64.max
        for index in series.indices where positions[index] < series[index].count {
            let time = series[index][positions[index]].time
            if chosen < 0 || time < earliest {
                chosen = index
                earliest = time
            }
        }
        guard chosen >= 0 else { return nil }
        let bar = series[chosen][positions[chosen]]
        positions[chosen] += 1
        return MarketEvent.bar(bar, symbol: symbols[chosen], timeframe: timeframe)
    }
}

extension BarCSV {
    /// Infers the timeframe of a bar series: the most common spacing.
    public static func timeframe(of bars: [Bar]) -> Int64 {
        var counts: [Int64: Int] = [:]
        for index in bars.indices.dropFirst().prefix(1000) {
            counts[bars[index].time - bars[index - 1].time, default: 0] += 1
        }
        return counts.max { $0.value < $1.value || ($0.value == $1.value && $0.key > $1.key) }?.key ?? 60
    }
}
