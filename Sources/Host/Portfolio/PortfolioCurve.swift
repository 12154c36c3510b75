/// A user's deployments added up over market time: the summed account on a
/// grid of times, a time-weighted return index for performance figures
/// (`BacktestMetrics` computes them, the one implementation), and historical
/// value at risk. Sums are `Int128` money units: ten accounts at the numeric
/// model's ceiling still add up exactly.
public enum PortfolioCurve {
    /// The summed accounts at one time.
    public struct Total: Sendable, Equatable {
        public var time: Int64
        public var equity: Int128 = 0
        public var cash: Int128 = 0
        public var grossExposure: Int128 = 0
        public var netExposure: Int128 = 0
        public var realizedPnL: Int128 = 0
        public var unrealizedPnL: Int128 = 0
        /// Accounts that had opened by this time.
        public var deployments = 0

        public init(time: Int64) { self.time = time }
    }

    /// `count` times from `from` to `to`, both included and equally spaced
    /// (rounded down to whole seconds); one time when they are equal.
    public static func grid(from: Int64, to: Int64, count: Int) -> [Int64] {
        guard to > from, count >= 2 else { return [from] }
        let span = Int128(to) - Int128(from)
        let steps = Int128(min(count - 1, Int(clamping: span)))
        return (0...Int(steps)).map { step in Int64(Int128(from) + span * Int128(step) / steps) }
    }

    /// Each account's last sample at or before each grid time (nil before
    /// its first sample), in grid order. Histories are in time order.
    static func values(of samples: [EquitySample], at grid: [Int64]) -> [EquitySample?] {
        var result: [EquitySample?] = []
        result.reserveCapacity(grid.count)
        var next = 0
        var current: EquitySample?
        for time in grid {
            while next < samples.count, samples[next].time <= time {
                current = samples[next]
                next += 1
            }
            result.append(current)
        }
        return result
    }

    /// The summed accounts at each grid time (an account counts from its first sample on).
    public static func totals(_ histories: [[EquitySample]], at grid: [Int64]) -> [Total] {
        var totals = grid.map(Total.init)
        for history in histories {
            for (index, sample) in values(of: history, at: grid).enumerated() {
                guard let sample else { continue }
                totals[index].equity += Int128(sample.equity.units)
                totals[index].cash += Int128(sample.cash.units)
                totals[index].grossExposure += Int128(sample.grossExposure.units)
                totals[index].netExposure += Int128(sample.netExposure.units)
                totals[index].realizedPnL += Int128(sample.realizedPnL.units)
                totals[index].unrealizedPnL += Int128(sample.unrealizedPnL.units)
                totals[index].deployments += 1
            }
        }
        return totals
    }

    /// A time-weighted index of the accounts' growth, starting at `base`:
    /// between two grid times the return is Σ equity change ÷ Σ equity at
    /// the earlier time over the accounts open at both, so an account
    /// opening (its starting cash) or closing is not a gain or a loss. Zero
    /// while there is no equity to grow.
    public static func index(_ histories: [[EquitySample]], at grid: [Int64], base: Money) -> [EquityPoint] {
        let values = histories.map { Self.values(of: $0, at: grid) }
        var level = base.doubleValue
        var curve: [EquityPoint] = []
        curve.reserveCapacity(grid.count)
        for (index, time) in grid.enumerated() {
            if index > 0 {
                var before: Int128 = 0, after: Int128 = 0
                for account in values {
                    guard let earlier = account[index - 1], let later = account[index] else { continue }
                    before += Int128(earlier.equity.units)
                    after += Int128(later.equity.units)
                }
                if before > 0 { level *= Double(after) / Double(before) }
            }
            curve.append(EquityPoint(time: time, equity: Money(approximately: level)))
        }
        return curve
    }

    /// One-day historical value at risk and expected shortfall at
    /// `confidence` (0.95, 0.99) from daily returns: with the returns sorted
    /// ascending, the tail is the worst ⌈(1 − confidence) × n⌉ of them; VaR is
    /// the least bad return in the tail and ES the tail's mean, both as
    /// positive loss fractions (a gain counts as zero loss). Nil below
    /// `minimumDays` returns.
    public static func valueAtRisk(dailyReturns: [Double], confidence: Double,
                                   minimumDays: Int = 20) -> (valueAtRisk: Double, expectedShortfall: Double)? {
        let returns = dailyReturns.filter(\.isFinite).sorted()
        guard returns.count >= minimumDays, confidence > 0, confidence < 1 else { return nil }
        // (1 − 0.95) × 100 is 5.000000000000004 in binary: a hair of slack keeps the tail at 5.
        let tail = max(1, Int((Double(returns.count) * (1 - confidence) - 1e-9).rounded(.up)))
        let worst = returns.prefix(tail)
        let valueAtRisk = max(0, -worst.last!)
        let expectedShortfall = max(0, -worst.reduce(0, +) / Double(tail))
        return (valueAtRisk, expectedShortfall)
    }

    /// Returns between the last points of consecutive UTC market days of
    /// `curve` (in time order): what one-day VaR is measured on.
    public static func dailyReturns(_ curve: [EquityPoint]) -> [Double] {
        var closes: [Money] = []
        var day: Int64?
        for point in curve {
            let pointDay = DailyPnL.utcDay(of: point.time)
            if pointDay == day { closes[closes.count - 1] = point.equity } else {
                closes.append(point.equity)
                day = pointDay
            }
        }
        return zip(closes, closes.dropFirst()).compactMap { earlier, later in
            earlier.units > 0 ? Double(later.units) / Double(earlier.units) - 1 : nil
        }
    }
}
