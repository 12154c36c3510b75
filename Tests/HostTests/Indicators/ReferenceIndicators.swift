import Host

/// Straightforward implementations that recompute from the full history on
/// every call, written from the textbook formulas rather than from the
/// incremental code. `bars[0...t]` is all of history; `start` is the first bar
/// a recursive indicator's state saw (0 for a request made before the buffer
/// wrapped).
enum ReferenceIndicators {
    static func window(_ bars: [TestBar], _ t: Int, _ period: Int, _ field: PriceField) -> [Double]? {
        guard t + 1 >= period else { return nil }
        return bars[(t - period + 1)...t].map { $0[field] }
    }

    static func sma(_ bars: [TestBar], _ t: Int, _ period: Int, _ field: PriceField = .close) -> Double? {
        guard let values = window(bars, t, period, field) else { return nil }
        return values.reduce(0, +) / Double(period)
    }

    /// Two-pass population standard deviation.
    static func stdev(_ bars: [TestBar], _ t: Int, _ period: Int, _ field: PriceField = .close) -> Double? {
        window(bars, t, period, field).map(stdevOf)
    }

    static func stdevOf(_ values: [Double]) -> Double {
        let mean = values.reduce(0, +) / Double(values.count)
        return (values.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(values.count)).squareRoot()
    }

    static func highest(_ bars: [TestBar], _ t: Int, _ period: Int, _ field: PriceField = .high) -> Double? {
        window(bars, t, period, field)?.max()
    }

    static func lowest(_ bars: [TestBar], _ t: Int, _ period: Int, _ field: PriceField = .low) -> Double? {
        window(bars, t, period, field)?.min()
    }

    static func roc(_ bars: [TestBar], _ t: Int, _ period: Int, _ field: PriceField = .close) -> Double? {
        guard t >= period, bars[t - period][field] != 0 else { return nil }
        return 100 * (bars[t][field] - bars[t - period][field]) / bars[t - period][field]
    }

    /// EMA of `values` (seeded with the mean of the first `period`), value at the last element.
    static func ema(of values: [Double], _ period: Int) -> Double? {
        guard values.count >= period else { return nil }
        let alpha = 2 / (Double(period) + 1)
        var average = values[0..<period].reduce(0, +) / Double(period)
        for value in values[period...] { average = alpha * value + (1 - alpha) * average }
        return average
    }

    /// The EMA after each element of `values` (nil before `period` elements).
    static func emaSeries(_ values: [Double], _ period: Int) -> [Double?] {
        let alpha = 2 / (Double(period) + 1)
        var result: [Double?] = []
        var average = 0.0
        for (index, value) in values.enumerated() {
            if index + 1 < period {
                result.append(nil)
            } else if index + 1 == period {
                average = values[0..<period].reduce(0, +) / Double(period)
                result.append(average)
            } else {
                average = alpha * value + (1 - alpha) * average
                result.append(average)
            }
        }
        return result
    }

    static func ema(_ bars: [TestBar], _ t: Int, _ period: Int, _ field: PriceField = .close, start: Int = 0) -> Double? {
        ema(of: bars[start...t].map { $0[field] }, period)
    }

    /// Wilder's smoothing of `values`: mean of the first `period`, then avg = (avg*(n-1)+x)/n.
    static func wilder(_ values: [Double], _ period: Int) -> Double? {
        guard values.count >= period else { return nil }
        var average = values[0..<period].reduce(0, +) / Double(period)
        for value in values[period...] { average = (average * Double(period - 1) + value) / Double(period) }
        return average
    }

    static func rsi(_ bars: [TestBar], _ t: Int, _ period: Int, start: Int = 0) -> Double? {
        guard t - start >= period else { return nil }
        let changes = (start + 1...t).map { bars[$0].close - bars[$0 - 1].close }
        guard let gain = wilder(changes.map { max($0, 0) }, period),
            let loss = wilder(changes.map { max(-$0, 0) }, period)
        else { return nil }
        if loss == 0 { return gain == 0 ? 50 : 100 }
        return 100 - 100 / (1 + gain / loss)
    }

    static func atr(_ bars: [TestBar], _ t: Int, _ period: Int, start: Int = 0) -> Double? {
        guard t - start >= period else { return nil }
        let ranges = (start + 1...t).map { index in
            let bar = bars[index]
            let previous = bars[index - 1].close
            return max(bar.high - bar.low, abs(bar.high - previous), abs(bar.low - previous))
        }
        return wilder(ranges, period)
    }

    static func macd(
        _ bars: [TestBar], _ t: Int, fast: Int, slow: Int, signal: Int, start: Int = 0
    ) -> (macd: Double, signal: Double, histogram: Double)? {
        let closes = bars[start...t].map(\.close)
        guard closes.count >= slow else { return nil }
        // The MACD line from the bar the slow EMA is first defined.
        let fastSeries = emaSeries(closes, fast)
        let slowSeries = emaSeries(closes, slow)
        let line = (slow - 1..<closes.count).map { fastSeries[$0]! - slowSeries[$0]! }
        guard let signalValue = ema(of: line, signal) else { return nil }
        return (line.last!, signalValue, line.last! - signalValue)
    }
}
