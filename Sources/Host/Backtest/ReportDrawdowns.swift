/// One drawdown episode of an equity curve, as the report's "worst
/// drawdowns" table lists it.
///
/// Episodes are delimited as `DrawdownAnalysis` delimits them: one starts at
/// the last point where equity stood at its running peak and ends at the
/// first later point back at or above that peak (recovery), or runs to the
/// end of the curve. Depth is 1 − trough ÷ peak.
public struct DrawdownPeriod: Sendable, Equatable {
    public var peakTime: Int64
    public var troughTime: Int64
    /// When equity regained the peak; nil if it never did before the end.
    public var recoveryTime: Int64?
    /// The fall from peak to trough, as a fraction of the peak.
    public var depth: Double
    /// Points (bars) from the peak to the recovery, or to the last point when not recovered.
    public var bars: Int
    /// Seconds from the peak to the recovery, or to the last point when not recovered.
    public var duration: Int64

    public init(peakTime: Int64, troughTime: Int64, recoveryTime: Int64?, depth: Double, bars: Int, duration: Int64) {
        self.peakTime = peakTime
        self.troughTime = troughTime
        self.recoveryTime = recoveryTime
        self.depth = depth
        self.bars = bars
        self.duration = duration
    }

    /// The `count` deepest episodes of `curve` (in time order), deepest
    /// first; equal depths keep time order. Peaks at or below zero have no
    /// defined depth and are skipped.
    public static func deepest(_ curve: [EquityPoint], count: Int = 5) -> [DrawdownPeriod] {
        guard count > 0, let first = curve.first else { return [] }
        var deepest: [DrawdownPeriod] = []
        func keep(_ period: DrawdownPeriod) {
            // Insertion into a short sorted list: O(points × count), no list of every episode.
            guard period.depth > 0, deepest.count < count || period.depth > deepest[deepest.count - 1].depth else { return }
            let position = deepest.firstIndex { period.depth > $0.depth } ?? deepest.count
            deepest.insert(period, at: position)
            if deepest.count > count { deepest.removeLast() }
        }
        var peak = first.equity, peakIndex = 0
        var trough = first.equity, troughIndex = 0
        var falling = false
        for index in curve.indices.dropFirst() {
            let point = curve[index]
            if point.equity >= peak {
                if falling {
                    keep(period(curve, peakIndex, troughIndex, end: index, recovered: true, peak: peak, trough: trough))
                }
                falling = false
                peak = point.equity
                peakIndex = index
                continue
            }
            if !falling || point.equity < trough {
                trough = point.equity
                troughIndex = index
            }
            falling = true
        }
        if falling {
            keep(period(curve, peakIndex, troughIndex, end: curve.count - 1, recovered: false, peak: peak, trough: trough))
        }
        return deepest
    }

    private static func period(_ curve: [EquityPoint], _ peakIndex: Int, _ troughIndex: Int, end: Int,
                               recovered: Bool, peak: Money, trough: Money) -> DrawdownPeriod {
        let depth = peak.units > 0 ? Double(peak.units - trough.units) / Double(peak.units) : 0
        return DrawdownPeriod(peakTime: curve[peakIndex].time, troughTime: curve[troughIndex].time,
                              recoveryTime: recovered ? curve[end].time : nil, depth: depth,
                              bars: end - peakIndex, duration: curve[end].time - curve[peakIndex].time)
    }
}
