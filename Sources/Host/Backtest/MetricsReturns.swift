import Foundation

/// Small numeric rules shared by the statistics, so each is decided once.
enum MetricsMath {
    static let secondsPerYear: Double = 365 * 86_400

    /// a ÷ b, with one rule for a zero denominator: +∞ for a positive
    /// numerator, −∞ for a negative one, nil (undefined) for 0 ÷ 0.
    static func ratio(_ numerator: Double, _ denominator: Double) -> Double? {
        if denominator != 0 { return numerator / denominator }
        if numerator > 0 { return .infinity }
        if numerator < 0 { return -.infinity }
        return nil
    }

    /// end ÷ start, nil when the start is not positive (returns undefined).
    static func growth(from start: Money, to end: Money) -> Double? {
        guard start.units > 0 else { return nil }
        // The difference is exact in integers; only the quotient rounds.
        return 1 + Double(end.units - start.units) / Double(start.units)
    }

    /// growth^(1/years) − 1 over `seconds` of 365-day years; nil for no time.
    static func annualized(growth: Double, seconds: Int64) -> Double? {
        guard seconds > 0 else { return nil }
        guard growth > 0 else { return -1 }
        return pow(growth, secondsPerYear / Double(seconds)) - 1
    }
}

/// Per-period return statistics of an equity curve.
///
/// A period is the step between consecutive points; its return is
/// e[i] ÷ e[i−1] − 1, skipped when e[i−1] ≤ 0 (a return on nothing is
/// undefined). Annualization multiplies by √periodsPerYear, where periods per
/// year is 365 days ÷ the median positive spacing of the curve, so an hourly
/// curve with weekend gaps still counts as hourly.
struct MetricsReturns {
    var periodsPerYear: Double?
    var volatility: Double?
    var sharpe: Double?
    var sortino: Double?

    init(curve: [EquityPoint]) {
        periodsPerYear = Self.periodsPerYear(curve)
        var returns: [Double] = []
        returns.reserveCapacity(max(curve.count - 1, 0))
        for index in curve.indices.dropFirst() {
            let previous = curve[index - 1].equity.units
            guard previous > 0 else { continue }
            returns.append(Double(curve[index].equity.units - previous) / Double(previous))
        }
        guard let periodsPerYear, !returns.isEmpty else { return }
        let scale = periodsPerYear.squareRoot()
        let count = Double(returns.count)
        let mean = returns.reduce(0, +) / count
        let downsideSquares = returns.reduce(0) { sum, value in value < 0 ? sum + value * value : sum }
        let downside = (downsideSquares / count).squareRoot()
        sortino = MetricsMath.ratio(mean, downside).map { $0 * scale }
        // A sample deviation needs two returns.
        guard returns.count >= 2 else { return }
        let squares = returns.reduce(0) { sum, value in sum + (value - mean) * (value - mean) }
        let deviation = (squares / (count - 1)).squareRoot()
        volatility = deviation * scale
        sharpe = MetricsMath.ratio(mean, deviation).map { $0 * scale }
    }

    /// 365 days ÷ the median of the positive spacings; nil with fewer than two distinct times.
    static func periodsPerYear(_ curve: [EquityPoint]) -> Double? {
        var spacings: [Int64] = []
        spacings.reserveCapacity(max(curve.count - 1, 0))
        for index in curve.indices.dropFirst() {
            let spacing = curve[index].time - curve[index - 1].time
            if spacing > 0 { spacings.append(spacing) }
        }
        guard !spacings.isEmpty else { return nil }
        spacings.sort()
        let middle = spacings.count / 2
        let median = spacings.count % 2 == 1
            ? Double(spacings[middle])
            : (Double(spacings[middle - 1]) + Double(spacings[middle])) / 2
        return MetricsMath.secondsPerYear / median
    }
}
