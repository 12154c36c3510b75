/// Builds a deployment's bars of its chosen timeframe from the feed's
/// shorter bars (docs/strategy-api.md, "Symbols and timeframe").
///
/// A bar of `timeframe` seconds covers the UTC-aligned window
/// `[k × timeframe, (k + 1) × timeframe)` that its first feed bar opens in; it
/// is complete when a feed bar ends at or past the window's end (a feed whose
/// bars are not aligned to the window puts a straddling bar in the window it
/// opened in). A window the feed started part-way through (the first one) is
/// delivered with the bars it has. Inactive (no cost beyond one branch per
/// bar) when the deployment takes the feed's bars.
struct BarBuilder {
    enum Outcome {
        /// The feed bar went into a bar still being built.
        case pending
        /// A bar of the deployment's timeframe is complete.
        case complete(Bar, timeframe: Int64)
        /// The feed's bars cannot make this timeframe.
        case invalid(String)
    }

    let timeframe: Int64
    var isActive: Bool { timeframe > 0 }
    /// The bar being built per symbol, and the end of its window.
    private var building: [String: (bar: Bar, windowEnd: Int64)] = [:]

    init(timeframe: Int64?) {
        self.timeframe = timeframe ?? 0
    }

    mutating func add(_ bar: Bar, timeframe feedTimeframe: Int64, symbol: String) -> Outcome {
        if feedTimeframe == timeframe { return .complete(bar, timeframe: timeframe) }
        guard feedTimeframe > 0, timeframe % feedTimeframe == 0 else {
            return .invalid("timeframe \(timeframe) s is not a multiple of the feed's \(feedTimeframe) s bars")
        }
        let end = bar.time + feedTimeframe
        guard var current = building[symbol] else {
            let windowEnd = (RiskTime.floorDivide(bar.time, timeframe) + 1) * timeframe
            return settle(symbol, (bar, windowEnd), end: end)
        }
        if bar.time >= current.windowEnd {
            // A gap in the feed: the window ended without its last bar.
            building[symbol] = (bar, (RiskTime.floorDivide(bar.time, timeframe) + 1) * timeframe)
            current.bar.time = current.windowEnd - timeframe
            return .complete(current.bar, timeframe: timeframe)
        }
        current.bar.high = max(current.bar.high, bar.high)
        current.bar.low = min(current.bar.low, bar.low)
        current.bar.close = bar.close
        current.bar.volume += bar.volume
        return settle(symbol, current, end: end)
    }

    private mutating func settle(_ symbol: String, _ current: (bar: Bar, windowEnd: Int64), end: Int64) -> Outcome {
        guard end >= current.windowEnd else {
            building[symbol] = current
            return .pending
        }
        building[symbol] = nil
        var bar = current.bar
        bar.time = current.windowEnd - timeframe
        return .complete(bar, timeframe: timeframe)
    }
}
