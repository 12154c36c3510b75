import Foundation

/// A seeded synthetic market: geometric Brownian motion per symbol, with a
/// trade and a top-of-book snapshot every step and a bar every `barSeconds`.
/// Same seed, same events: used for demos, live paper runs and load tests.
public struct SyntheticMarket: MarketDataSource {
    public struct Configuration: Sendable {
        public var symbols: [(symbol: String, startPrice: Double)]
        /// Seconds between steps (trades/books).
        public var stepSeconds: Int64
        /// Seconds per bar.
        public var barSeconds: Int64
        /// Annualised volatility and drift.
        public var volatility: Double
        public var drift: Double
        /// Half the bid-ask spread, in basis points.
        public var halfSpreadBasisPoints: Double
        /// Levels per side in each book snapshot.
        public var bookDepth: Int
        public var seed: UInt64
        public var startTime: Int64

        public init(symbols: [(symbol: String, startPrice: Double)] = [("BTCUSD", 30_000), ("ETHUSD", 2_000), ("SOLUSD", 25)],
                    stepSeconds: Int64 = 1, barSeconds: Int64 = 60, volatility: Double = 0.6, drift: Double = 0,
                    halfSpreadBasisPoints: Double = 2, bookDepth: Int = 5, seed: UInt64 = 42,
                    startTime: Int64 = 1_700_000_000) {
            self.symbols = symbols
            self.stepSeconds = stepSeconds
            self.barSeconds = barSeconds
            self.volatility = volatility
            self.drift = drift
            self.halfSpreadBasisPoints = halfSpreadBasisPoints
            self.bookDepth = bookDepth
            self.seed = seed
            self.startTime = startTime
        }
    }

    public let instruments: [Instrument]
    private let configuration: Configuration
    private var random: SeededRandom
    private var prices: [Double]
    private var building: [Bar?]
    private var time: Int64
    private var pending: [MarketEvent] = []
    private var pendingIndex = 0

    public init(configuration: Configuration = Configuration()) {
        self.configuration = configuration
        self.instruments = configuration.symbols.map { Instrument(symbol: $0.symbol, priceDecimals: 2, quantityDecimals: 6) }
        self.random = SeededRandom(seed: configuration.seed)
        self.prices = configuration.symbols.map(\.startPrice)
        self.building = Array(repeating: nil, count: configuration.symbols.count)
        self.time = configuration.startTime
    }

    /// Seconds of simulated time per event batch (one step).
    public var stepSeconds: Int64 { configuration.stepSeconds }

    public mutating func next() -> MarketEvent? {
        if pendingIndex == pending.count {
            pending.removeAll(keepingCapacity: true)
            pendingIndex = 0
            step()
        }
        defer { pendingIndex += 1 }
        return pending[pendingIndex]
    }

    /// Advances one step: every symbol moves, prints a trade and a book, and
    /// completes a bar at each bar boundary. Sorted by the documented tie-break.
    private mutating func step() {
        time += configuration.stepSeconds
        let years = Double(configuration.stepSeconds) / (365 * 24 * 3600)
        for index in configuration.symbols.indices {
            let instrument = instruments[index]
            let shock = random.normal() * configuration.volatility * years.squareRoot()
            prices[index] *= exp((configuration.drift - configuration.volatility * configuration.volatility / 2) * years + shock)
            let price = instrument.price(prices[index])
            let size = instrument.quantity(0.01 + random.uniform() * 0.5)
            let symbol = instrument.symbol
            pending.append(MarketEvent(time: time, symbol: symbol, payload: .trade(Trade(time: time, price: price, quantity: size))))
            pending.append(MarketEvent(time: time, symbol: symbol, payload: .book(book(around: prices[index], instrument: instrument))))
            var bar = building[index] ?? Bar(time: time - configuration.stepSeconds, open: price, high: price, low: price, close: price, volume: .zero)
            bar.high = max(bar.high, price)
            bar.low = min(bar.low, price)
            bar.close = price
            bar.volume += size
            if (time - configuration.startTime) % configuration.barSeconds == 0 {
                pending.append(MarketEvent(time: time, symbol: symbol, payload: .bar(bar, timeframe: configuration.barSeconds)))
                building[index] = nil
            } else {
                building[index] = bar
            }
        }
        pending.sort(by: MarketEvent.precedes)
    }

    private mutating func book(around mid: Double, instrument: Instrument) -> BookSnapshot {
        let half = mid * configuration.halfSpreadBasisPoints / 10_000
        var bids: [BookLevel] = []
        var asks: [BookLevel] = []
        for level in 0..<configuration.bookDepth {
            let offset = half + Double(level) * half
            bids.append(BookLevel(price: instrument.price(mid - offset), quantity: instrument.quantity(0.2 + random.uniform() * 2)))
            asks.append(BookLevel(price: instrument.price(mid + offset), quantity: instrument.quantity(0.2 + random.uniform() * 2)))
        }
        return BookSnapshot(time: time, bids: bids, asks: asks)
    }
}

/// A small, fast, seeded generator (SplitMix64) so synthetic data is the same
/// on every machine and Swift version (the standard library's generator is not
/// seedable).
public struct SeededRandom: Sendable, RandomNumberGenerator {
    private var state: UInt64

    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 { nextUInt64() }

    public mutating func nextUInt64() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Uniform in [0, 1).
    public mutating func uniform() -> Double { Double(nextUInt64() >> 11) / Double(1 << 53) }

    /// Standard normal (Box–Muller).
    public mutating func normal() -> Double {
        let u1 = max(uniform(), .leastNonzeroMagnitude)
        let u2 = uniform()
        return (-2 * log(u1)).squareRoot() * cos(2 * .pi * u2)
    }
}
