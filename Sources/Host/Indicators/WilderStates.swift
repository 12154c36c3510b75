/// `rsi(period)`: Wilder's relative strength index of closes.
///
/// Each bar after the first gives a change c = close - previous close, a gain
/// max(c, 0) and a loss max(-c, 0). The first averages are the plain means of
/// the first `period` gains and losses; later ones use Wilder's smoothing
/// `avg = (avg * (period - 1) + x) / period`. RSI = 100 * avgGain / (avgGain +
/// avgLoss), which equals 100 - 100 / (1 + avgGain / avgLoss), is 100 when
/// there were no losses and 50 when prices did not move at all.
/// Warm-up: `period + 1` bars.
struct RelativeStrengthState: Sendable {
    private let period: Int
    private let length: Double
    private var previousClose = 0.0
    private var hasPrevious = false
    /// Changes seen so far, saturating at `period`.
    private var changes = 0
    private var averageGain = 0.0
    private var averageLoss = 0.0

    init(period: Int, history: PriceSeries) {
        self.period = period
        length = Double(period)
        for barsAgo in stride(from: history.count - 1, through: 0, by: -1) {
            feed(close: history[.close, barsAgo])
        }
    }

    @inline(__always)
    mutating func feed(_ bar: BarSample) { feed(close: bar.close) }

    @inline(__always)
    private mutating func feed(close: Double) {
        defer { previousClose = close }
        guard hasPrevious else {
            hasPrevious = true
            return
        }
        let change = close - previousClose
        let gain = change > 0 ? change : 0
        let loss = change < 0 ? -change : 0
        if changes == period {
            averageGain = (averageGain * (length - 1) + gain) / length
            averageLoss = (averageLoss * (length - 1) + loss) / length
        } else {
            // Sums until seeded, then divided once: the seed is the plain mean.
            averageGain += gain
            averageLoss += loss
            changes += 1
            if changes == period {
                averageGain /= length
                averageLoss /= length
            }
        }
    }

    var current: Double? {
        guard changes == period else { return nil }
        let total = averageGain + averageLoss
        return total > 0 ? 100 * averageGain / total : 50
    }
}

/// `atr(period)`: Wilder's average true range.
///
/// True range needs the previous close, so it starts on the second bar:
/// TR = max(high - low, |high - previous close|, |low - previous close|).
/// The first ATR is the mean of the first `period` true ranges, later ones
/// `atr = (atr * (period - 1) + TR) / period`. Warm-up: `period + 1` bars.
struct AverageTrueRangeState: Sendable {
    private let period: Int
    private let length: Double
    private var previousClose = 0.0
    private var hasPrevious = false
    /// True ranges seen so far, saturating at `period`.
    private var ranges = 0
    private var average = 0.0

    init(period: Int, history: PriceSeries) {
        self.period = period
        length = Double(period)
        for barsAgo in stride(from: history.count - 1, through: 0, by: -1) {
            feed(history.bar(barsAgo: barsAgo))
        }
    }

    @inline(__always)
    mutating func feed(_ bar: BarSample) {
        defer { previousClose = bar.close }
        guard hasPrevious else {
            hasPrevious = true
            return
        }
        let trueRange = max(bar.high - bar.low, abs(bar.high - previousClose), abs(bar.low - previousClose))
        if ranges == period {
            average = (average * (length - 1) + trueRange) / length
        } else {
            average += trueRange
            ranges += 1
            if ranges == period { average /= length }
        }
    }

    var current: Double? { ranges == period ? average : nil }
}
