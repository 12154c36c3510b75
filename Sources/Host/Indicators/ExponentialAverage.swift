/// The EMA recursion shared by `ema` and `macd`.
///
/// Seeding: the first `period` values fed are summed (in order) and their mean
/// is the first output; every later value x updates `value += alpha * (x - value)`
/// with `alpha = 2 / (period + 1)`. A state fed the same values in the same
/// order produces bit-identical results, which is what makes a late first
/// request agree with an early one (see `IndicatorCache`).
struct ExponentialAverage: Sendable {
    let period: Int
    private let length: Double
    private let alpha: Double
    /// Values fed so far, saturating at `period`.
    private var fed = 0
    private var seedSum = 0.0
    private var value = 0.0

    init(period: Int) {
        self.period = period
        length = Double(period)
        alpha = 2 / (Double(period) + 1)
    }

    @inline(__always)
    mutating func feed(_ x: Double) {
        if fed == period {
            value += alpha * (x - value)
        } else {
            seedSum += x
            fed += 1
            if fed == period { value = seedSum / length }
        }
    }

    /// The average, or nil before `period` values were fed.
    @inline(__always)
    var current: Double? { fed == period ? value : nil }
}

/// `ema(period, field)`: an `ExponentialAverage` of one bar field.
struct EMAState: Sendable {
    let field: PriceField
    private(set) var average: ExponentialAverage

    /// Seeds from every bar `history` holds, oldest first.
    init(field: PriceField, period: Int, history: PriceSeries) {
        self.field = field
        average = ExponentialAverage(period: period)
        for barsAgo in stride(from: history.count - 1, through: 0, by: -1) {
            average.feed(history[field, barsAgo])
        }
    }

    @inline(__always)
    mutating func feed(_ bar: BarSample) { average.feed(bar[field]) }
}

/// `macd(fast, slow, signal)` on closes.
///
/// Fast and slow EMAs start on the same bar. The MACD line (fast - slow)
/// exists once the slow EMA is seeded (`slow` bars); the signal line is an
/// EMA of the MACD line, seeded with the mean of its first `signal` values,
/// so the first full answer comes after `slow + signal - 1` bars.
struct MACDState: Sendable {
    private var fast: ExponentialAverage
    private var slow: ExponentialAverage
    private var signal: ExponentialAverage
    private var line = 0.0

    init(fast: Int, slow: Int, signal: Int, history: PriceSeries) {
        self.fast = ExponentialAverage(period: fast)
        self.slow = ExponentialAverage(period: slow)
        self.signal = ExponentialAverage(period: signal)
        for barsAgo in stride(from: history.count - 1, through: 0, by: -1) {
            feed(close: history[.close, barsAgo])
        }
    }

    @inline(__always)
    mutating func feed(_ bar: BarSample) { feed(close: bar.close) }

    @inline(__always)
    private mutating func feed(close: Double) {
        fast.feed(close)
        slow.feed(close)
        // fast < slow, so the fast EMA is seeded whenever the slow one is.
        if let slowValue = slow.current, let fastValue = fast.current {
            line = fastValue - slowValue
            signal.feed(line)
        }
    }

    var current: (macd: Double, signal: Double, histogram: Double)? {
        guard let signalValue = signal.current else { return nil }
        return (line, signalValue, line - signalValue)
    }
}
