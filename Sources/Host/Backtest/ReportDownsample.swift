/// One point of a chart series: a time and a plain number (money, a price or
/// a fraction). Charts draw `Double`s; the exact values stay in the JSON.
public struct ChartPoint: Sendable, Equatable {
    /// Seconds since the Unix epoch (UTC).
    public var time: Int64
    public var value: Double

    public init(time: Int64, value: Double) {
        self.time = time
        self.value = value
    }
}

/// Shrinks a series to a bounded number of points without losing its shape,
/// so a million-bar run draws as small a chart as a thousand-bar one.
enum ReportDownsample {
    /// The indices (ascending) of at most `maxPoints` of `count` points: the
    /// first and the last, and for each of (maxPoints − 2) ÷ 2 equal runs of
    /// the points between, the lowest and the highest (first one on ties).
    /// Spikes and troughs survive because every run keeps both extremes.
    static func indices<Value: Comparable>(count: Int, maxPoints: Int, value: (Int) -> Value) -> [Int] {
        guard count > max(maxPoints, 2) else { return Array(0..<count) }
        let buckets = max((maxPoints - 2) / 2, 0)
        guard buckets > 0 else { return [0, count - 1] }
        let interior = count - 2
        var kept: [Int] = [0]
        kept.reserveCapacity(2 + 2 * buckets)
        for bucket in 0..<buckets {
            let start = 1 + bucket * interior / buckets
            let end = 1 + (bucket + 1) * interior / buckets
            guard start < end else { continue }
            var lowest = start, highest = start
            var lowValue = value(start), highValue = lowValue
            for index in (start + 1)..<end {
                let current = value(index)
                if current < lowValue { lowest = index; lowValue = current }
                if current > highValue { highest = index; highValue = current }
            }
            kept.append(min(lowest, highest))
            if lowest != highest { kept.append(max(lowest, highest)) }
        }
        kept.append(count - 1)
        return kept
    }

    /// `points` cut down to at most `maxPoints` by `indices(count:maxPoints:value:)`.
    static func points(_ points: [ChartPoint], maxPoints: Int) -> [ChartPoint] {
        indices(count: points.count, maxPoints: maxPoints) { points[$0].value }.map { points[$0] }
    }

    /// An equity curve cut down the same way, as chart points.
    static func points(_ curve: [EquityPoint], maxPoints: Int) -> [ChartPoint] {
        indices(count: curve.count, maxPoints: maxPoints) { curve[$0].equity }.map {
            ChartPoint(time: curve[$0].time, value: curve[$0].equity.doubleValue)
        }
    }

    /// Which of `count` items a bounded list shows: the first `limit / 2`
    /// and the last `limit − limit / 2`, or all of them when they fit.
    static func headAndTail(count: Int, limit: Int) -> (head: Range<Int>, tail: Range<Int>, omitted: Int) {
        guard count > limit else { return (0..<count, count..<count, 0) }
        let head = limit / 2
        return (0..<head, (count - (limit - head))..<count, count - limit)
    }
}
