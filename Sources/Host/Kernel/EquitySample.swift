/// One point of a live deployment's account over market time: what the
/// equity history (`GET /api/deployments/{id}/equity`) and the portfolio
/// figures are made of. A live host samples at the first event of every
/// `DeploymentKernel.equityInterval` of market time and after every event
/// that filled; backtests keep their own per-bar curve instead.
public struct EquitySample: Sendable, Equatable, Codable {
    /// Market time, seconds since the Unix epoch.
    public var time: Int64
    public var equity: Money
    public var cash: Money
    /// Σ |position value| at the marks.
    public var grossExposure: Money
    /// Σ position value at the marks (longs positive, shorts negative).
    public var netExposure: Money
    /// Realized P&L net of fees since the account opened.
    public var realizedPnL: Money
    /// Open positions at their marks against their cost.
    public var unrealizedPnL: Money
    /// Fills since the account opened: a sample taken because of a fill has
    /// a higher count than the one before it.
    public var fills: Int

    public init(time: Int64, equity: Money, cash: Money, grossExposure: Money, netExposure: Money,
                realizedPnL: Money, unrealizedPnL: Money, fills: Int) {
        self.time = time
        self.equity = equity
        self.cash = cash
        self.grossExposure = grossExposure
        self.netExposure = netExposure
        self.realizedPnL = realizedPnL
        self.unrealizedPnL = unrealizedPnL
        self.fills = fills
    }
}

extension DeploymentKernel {
    /// Live hosts sample every minute of market time (and at every fill).
    public static let liveEquityInterval: Int64 = 60

    /// The account now, at the kernel's market time.
    public var equitySample: EquitySample {
        EquitySample(time: currentTimeValue, equity: portfolio.equity, cash: portfolio.cash, grossExposure: portfolio.grossExposure,
                     netExposure: portfolio.netExposure, realizedPnL: portfolio.netRealizedPnL, unrealizedPnL: portfolio.unrealizedPnL,
                     fills: fillCount)
    }

    /// Notifies a sample when the market time reached the next interval or
    /// the account filled since the last one; nothing when sampling is off.
    func sampleEquityIfDue() {
        guard let interval = equityInterval, interval > 0 else { return }
        let due = equitySampledTime.map { Self.bucket($0, interval) < Self.bucket(currentTimeValue, interval) } ?? true
        guard due || fillCount != equitySampledFills else { return }
        equitySampledTime = currentTimeValue
        equitySampledFills = fillCount
        notify(.equity(equitySample))
    }

    /// The interval `time` falls in (floor division, negative times too).
    private static func bucket(_ time: Int64, _ interval: Int64) -> Int64 {
        time >= 0 ? time / interval : (time + 1) / interval - 1
    }
}
