/// Drawdowns of an equity curve: falls below the running peak.
///
/// A drawdown episode starts at the last time equity stood at its running
/// peak and ends at the first later point whose equity is back at or above
/// that peak (recovery), or at the end of the curve. Depth is 1 − equity ÷
/// peak; peaks at or below zero have no defined depth and are skipped.
public struct DrawdownAnalysis: Sendable, Equatable {
    /// The deepest fall, as a fraction of its peak (0 when equity never fell).
    public var maxDrawdown: Double
    /// When the peak before the deepest fall was (last) reached.
    public var peakTime: Int64
    /// When the deepest point was reached.
    public var troughTime: Int64
    /// When equity regained that peak; nil if it never did.
    public var recoveryTime: Int64?
    /// Peak to recovery, or peak to the end of the curve, in seconds.
    public var maxDrawdownDuration: Int64
    /// The longest episode of any depth, in seconds (an unfinished one runs to the end).
    public var longestDuration: Int64

    public init(curve: [EquityPoint]) {
        maxDrawdown = 0
        peakTime = curve.first?.time ?? 0
        troughTime = peakTime
        recoveryTime = nil
        maxDrawdownDuration = 0
        longestDuration = 0
        guard let first = curve.first, let last = curve.last else { return }

        var peak = first.equity
        var currentPeakTime = first.time
        var inDrawdown = false
        var deepestIsCurrent = false
        for point in curve.dropFirst() {
            if point.equity >= peak {
                if inDrawdown {
                    longestDuration = max(longestDuration, point.time - currentPeakTime)
                    if deepestIsCurrent { recoveryTime = point.time }
                }
                inDrawdown = false
                deepestIsCurrent = false
                peak = point.equity
                currentPeakTime = point.time
                continue
            }
            inDrawdown = true
            guard peak.units > 0 else { continue }
            let depth = Double(peak.units - point.equity.units) / Double(peak.units)
            if depth > maxDrawdown {
                maxDrawdown = depth
                peakTime = currentPeakTime
                troughTime = point.time
                recoveryTime = nil
                deepestIsCurrent = true
            }
        }
        if inDrawdown { longestDuration = max(longestDuration, last.time - currentPeakTime) }
        if maxDrawdown > 0 { maxDrawdownDuration = (recoveryTime ?? last.time) - peakTime }
    }

    /// The depth below the running peak at every point (0 at a peak), for charts.
    public static func series(_ curve: [EquityPoint]) -> [Double] {
        var peak = Int64.min
        return curve.map { point in
            peak = max(peak, point.equity.units)
            guard peak > 0 else { return 0 }
            return Double(peak - point.equity.units) / Double(peak)
        }
    }
}
