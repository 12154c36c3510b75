import Marketplace
import Host
import Synchronization

/// The recent market as the feed published it: last trade, recent bars and
/// the latest book per symbol, for the market-data routes. Bounded: at most
/// `barLimit` bars per symbol.
public final class MarketTape: Sendable {
    /// What the tape holds of one symbol.
    public struct SymbolState: Sendable {
        public var lastPrice: Price?
        public var lastTime: Int64 = 0
        public var bars: [Bar] = []
        public var timeframe: Int64 = 0
        public var book: BookSnapshot?
        /// Closes over the tape's life, one a bar, thinned as it grows
        /// (`PriceHistory`): what a buy-and-hold benchmark is drawn from.
        public var history = PriceHistory()
    }

    public let instruments: [Instrument]
    /// Seconds per bar of the feed (what a deployment's timeframe is a multiple of).
    public let barSeconds: Int64
    let barLimit: Int
    private let state = Mutex<[String: SymbolState]>([:])
    private let observers = Mutex<[@Sendable ([MarketEvent]) -> Void]>([])

    public init(instruments: [Instrument], barSeconds: Int64 = 60, barLimit: Int = 500) {
        self.instruments = instruments
        self.barSeconds = barSeconds
        self.barLimit = barLimit
    }

    public func instrument(_ symbol: String) -> Instrument? { instruments.first { $0.symbol == symbol } }

    /// Records what the feed is about to publish.
    public func record(_ events: [MarketEvent]) {
        state.withLock { state in
            for event in events {
                var symbol = state[event.symbol] ?? SymbolState()
                symbol.lastTime = max(symbol.lastTime, event.time)
                switch event.payload {
                case .bar(let bar, let timeframe):
                    symbol.bars.append(bar)
                    if symbol.bars.count > barLimit { symbol.bars.removeFirst(symbol.bars.count - barLimit) }
                    symbol.timeframe = timeframe
                    symbol.lastPrice = bar.close
                    symbol.history.append(time: event.time, close: bar.close)
                case .trade(let trade): symbol.lastPrice = trade.price
                case .book(let book): symbol.book = book
                }
                state[event.symbol] = symbol
            }
        }
        for observer in observers.withLock({ $0 }) { observer(events) }
    }

    /// Called with every batch recorded (the WebSocket hub).
    public func addObserver(_ observer: @escaping @Sendable ([MarketEvent]) -> Void) {
        observers.withLock { $0.append(observer) }
    }

    public func snapshot(_ symbol: String) -> SymbolState? { state.withLock { $0[symbol] } }
}

extension MarketTape {
    /// The latest event time seen on any symbol (market time), nil before the first event.
    public var latestTime: Int64? {
        instruments.compactMap { snapshot($0.symbol)?.lastTime }.max()
    }
}

extension MarketTape {
    /// What a new deployment may choose from (`MarketplaceStore.deploy`).
    public var offer: FeedOffer { FeedOffer(symbols: instruments.map(\.symbol), timeframe: barSeconds) }
}

/// A symbol's closes since the server started, bounded: past `capacity`
/// points the older half is thinned to every other point, so recent prices
/// keep the bar's resolution and old ones a coarser one (in memory: a
/// restart begins it again).
public struct PriceHistory: Sendable {
    public static let capacity = 20_000
    public private(set) var times: [Int64] = []
    public private(set) var closes: [Price] = []

    public init() {}

    mutating func append(time: Int64, close: Price) {
        if let last = times.last, time <= last {
            if time == last { closes[closes.count - 1] = close }
            return
        }
        times.append(time)
        closes.append(close)
        guard times.count > Self.capacity else { return }
        let half = times.count / 2
        let keep = stride(from: 0, to: half, by: 2)
        times = keep.map { times[$0] } + times[half...]
        closes = keep.map { closes[$0] } + closes[half...]
    }

    /// The last close at or before each time (nil before the first).
    public func closes(at grid: [Int64]) -> [Price?] {
        var next = 0
        var current: Price?
        return grid.map { time in
            while next < times.count, times[next] <= time {
                current = closes[next]
                next += 1
            }
            return current
        }
    }
}
