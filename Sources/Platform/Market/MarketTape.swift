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
