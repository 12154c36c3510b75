/// One point of an equity curve: the portfolio's equity at a time.
public struct EquityPoint: Sendable, Hashable {
    /// Seconds since the Unix epoch (UTC).
    public var time: Int64
    public var equity: Money

    public init(time: Int64, equity: Money) {
        self.time = time
        self.equity = equity
    }
}

/// The statistics of one backtest, computed from the full equity curve and
/// the closed trades.
///
/// Money amounts stay exact; ratios are Doubles (statistics are the one
/// place the numeric model allows floating point). A statistic that is
/// undefined for the inputs (too few points, zero starting equity) is nil. A
/// ratio whose denominator is zero follows one rule everywhere (`MetricsMath.ratio`):
/// positive numerator → +∞, negative → −∞, zero → nil. So a profit factor
/// with wins and no losses is +∞, and JSON writes it as "inf".
public struct BacktestMetrics: Sendable, Equatable {
    public var startEquity: Money
    public var endEquity: Money
    /// End − start equity.
    public var netProfit: Money
    /// Seconds from the first to the last point of the curve.
    public var elapsedSeconds: Int64
    /// end ÷ start − 1.
    public var totalReturn: Double?
    /// (end ÷ start)^(1/years) − 1, years = elapsed ÷ 365 days; −1 once equity is gone.
    public var annualizedReturn: Double?
    /// Periods per year the curve is sampled at: 365 days ÷ the median spacing.
    public var periodsPerYear: Double?
    /// Sample standard deviation of per-period returns × √periodsPerYear.
    public var volatility: Double?
    /// Mean per-period return ÷ its standard deviation × √periodsPerYear (risk-free 0).
    public var sharpe: Double?
    /// Mean per-period return ÷ downside deviation × √periodsPerYear, downside
    /// deviation = √(Σ min(r, 0)² ÷ n) (target 0, all periods counted).
    public var sortino: Double?
    /// Largest peak-to-trough fall as a fraction of the peak (0.25 = 25 %).
    public var maxDrawdown: Double
    /// Seconds from the peak before the largest drawdown to the recovery of
    /// that peak, or to the end of the curve if it never recovered.
    public var maxDrawdownDuration: Int64
    /// Whether equity got back to the peak before the largest drawdown.
    public var maxDrawdownRecovered: Bool
    /// The longest time spent below a previous peak, in seconds.
    public var longestDrawdownDuration: Int64

    public var tradeCount: Int
    /// Trades with net P&L (after fees) above zero.
    public var winningTrades: Int
    /// Trades with net P&L below zero. Break-even trades count in neither.
    public var losingTrades: Int
    /// winning ÷ all trades.
    public var winRate: Double?
    /// Σ net wins ÷ |Σ net losses|.
    public var profitFactor: Double?
    /// Σ net P&L of the winning trades.
    public var grossProfit: Money
    /// |Σ net P&L of the losing trades| (a positive amount).
    public var grossLoss: Money
    /// Mean net P&L of the winning trades (half to even at 10^-8).
    public var averageWin: Money?
    /// Mean net P&L of the losing trades (negative).
    public var averageLoss: Money?
    /// Fees of the closed trades.
    public var tradeFees: Money

    public var barCount: Int
    /// Bars at whose close some position was open.
    public var barsInMarket: Int
    /// barsInMarket ÷ barCount.
    public var exposure: Double?

    /// Computes every statistic. `equityCurve` must be in time order (one
    /// point per bar is the usual sampling); `barsInMarket` counts the bars
    /// with a non-zero position.
    public init(equityCurve: [EquityPoint], trades: [ClosedTrade], barCount: Int, barsInMarket: Int) {
        let first = equityCurve.first ?? EquityPoint(time: 0, equity: .zero)
        let last = equityCurve.last ?? first
        startEquity = first.equity
        endEquity = last.equity
        netProfit = last.equity - first.equity
        let elapsed = last.time - first.time
        elapsedSeconds = elapsed

        let growth = MetricsMath.growth(from: first.equity, to: last.equity)
        totalReturn = growth.map { $0 - 1 }
        annualizedReturn = growth.flatMap { MetricsMath.annualized(growth: $0, seconds: elapsed) }

        let returns = MetricsReturns(curve: equityCurve)
        periodsPerYear = returns.periodsPerYear
        volatility = returns.volatility
        sharpe = returns.sharpe
        sortino = returns.sortino

        let drawdown = DrawdownAnalysis(curve: equityCurve)
        maxDrawdown = drawdown.maxDrawdown
        maxDrawdownDuration = drawdown.maxDrawdownDuration
        maxDrawdownRecovered = drawdown.maxDrawdown == 0 || drawdown.recoveryTime != nil
        longestDrawdownDuration = drawdown.longestDuration

        let tradeStatistics = MetricsTrades(trades)
        tradeCount = trades.count
        winningTrades = tradeStatistics.wins
        losingTrades = tradeStatistics.losses
        winRate = trades.isEmpty ? nil : Double(tradeStatistics.wins) / Double(trades.count)
        profitFactor = MetricsMath.ratio(tradeStatistics.grossProfit.doubleValue, tradeStatistics.grossLoss.doubleValue)
        grossProfit = tradeStatistics.grossProfit
        grossLoss = tradeStatistics.grossLoss
        averageWin = tradeStatistics.averageWin
        averageLoss = tradeStatistics.averageLoss
        tradeFees = tradeStatistics.fees

        self.barCount = barCount
        self.barsInMarket = barsInMarket
        exposure = barCount > 0 ? Double(barsInMarket) / Double(barCount) : nil
    }
}
