/// Running moments of the last `period` values of one field: the state behind
/// `sma`, `stdev` and `bollinger` (which share it for the same field and period).
///
/// - The mean comes from a running sum of `x - shift`, where `shift` is a recent
///   value of the field, so the sum stays small and precise for large prices.
/// - The spread is M2 = Σ(x - mean)², updated with the sliding Welford identity
///   ΔM2 = (new - old) · (new - mean' + old - mean), whose rounding scales with
///   the variance itself. (The one-pass E[x²] - E[x]² would leave a residual of
///   about eps · (mean - shift)², which the square root turns into a spurious
///   deviation of about 1e-8 · |mean - shift|.)
/// - A window whose values are all equal is detected exactly (the run of equal
///   consecutive values), and answers its value and a deviation of exactly 0.
///
/// Every slide rounds a little; `recompute(from:)` rebuilds everything in two
/// passes from the buffer. `IndicatorCache` calls it on creation and whenever
/// `appendedCount` is a multiple of `IndicatorCache.recomputeInterval`, so error
/// never accumulates over more than that many appends.
struct RollingWindowSums: Sendable {
    let field: PriceField
    let period: Int
    private let length: Double
    /// Values in the window: `min(bars held, period)`.
    private var filled = 0
    private var shift = 0.0
    /// Σ(x - shift) over the window.
    private var sum = 0.0
    /// Σ(x - mean)² over the window.
    private var squaredDeviations = 0.0
    /// The newest value, and how many consecutive values up to it equal it (capped at `period`).
    private var lastValue = 0.0
    private var run = 0

    init(field: PriceField, period: Int, history: PriceSeries) {
        self.field = field
        self.period = period
        length = Double(period)
        recompute(from: history)
    }

    /// Rebuilds the state from the last `period` values held (two passes,
    /// shifted by the newest value). Depends only on the buffer, so states
    /// created at different times agree bit for bit after the same recompute.
    mutating func recompute(from series: PriceSeries) {
        filled = min(series.count, period)
        guard filled > 0 else {
            (shift, sum, squaredDeviations, lastValue, run) = (0, 0, 0, 0, 0)
            return
        }
        shift = series[field, 0]
        lastValue = shift
        run = 1
        while run < filled, series[field, run] == lastValue { run += 1 }
        var sum = 0.0
        for barsAgo in 0..<filled { sum += series[field, barsAgo] - shift }
        let mean = sum / Double(filled)
        var squaredDeviations = 0.0
        for barsAgo in 0..<filled {
            let deviation = series[field, barsAgo] - shift - mean
            squaredDeviations += deviation * deviation
        }
        self.sum = sum
        self.squaredDeviations = squaredDeviations
    }

    /// Moves the window onto `bar`. Called before the series stores `bar`,
    /// so the leaving value (`period - 1` bars ago) is still held even when
    /// `period` equals the capacity.
    @inline(__always)
    mutating func slide(to bar: BarSample, over series: PriceSeries) {
        let entering = bar[field]
        if filled > 0, entering == lastValue {
            if run < period { run += 1 }
        } else {
            run = 1
        }
        lastValue = entering
        if filled == period {
            let new = entering - shift
            let old = series[field, period - 1] - shift
            let oldMean = sum / length
            sum += new - old
            let newMean = sum / length
            squaredDeviations += (new - old) * ((new - newMean) + (old - oldMean))
        } else {
            if filled == 0 { shift = entering }
            let new = entering - shift
            let oldMean = filled > 0 ? sum / Double(filled) : 0
            filled += 1
            sum += new
            squaredDeviations += (new - oldMean) * (new - sum / Double(filled))
        }
    }

    /// The mean of the window, or nil before it is full.
    @inline(__always)
    var mean: Double? {
        guard filled == period else { return nil }
        return run == period ? lastValue : shift + sum / length
    }

    /// The population standard deviation (divisor `period`), or nil before
    /// the window is full. Clamped at 0 against rounding.
    @inline(__always)
    var standardDeviation: Double? {
        guard filled == period else { return nil }
        guard run < period, squaredDeviations > 0 else { return 0 }
        return (squaredDeviations / length).squareRoot()
    }
}
