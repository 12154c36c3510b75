/// What the HTML report draws and tabulates beyond the JSON result, computed
/// once from the full run (every equity point, every bar) and small
/// whatever the run's length: each chart series is cut down to at most
/// `maxChartPoints` by `ReportDownsample` (each stretch's lowest and highest
/// kept), monthly returns are one row per year and the drawdown table has
/// `drawdownCount` rows.
///
/// `BacktestEngine` builds it (`BacktestOutcome.report`); a report made
/// from a result alone builds it from the result's kept curve.
public struct ReportSeries: Sendable, Equatable {
    public static let maxChartPoints = 2_000
    public static let drawdownCount = 5

    /// How many points the full equity curve had.
    public var equityPointCount: Int
    public var equity: [ChartPoint]
    /// Depth below the running peak at each point, as a negative fraction.
    public var drawdown: [ChartPoint]
    /// The symbol whose closes the price chart draws; nil without price data.
    public var symbol: String?
    /// Digits after the point in the symbol's prices (for the price axis).
    public var priceDecimals: Int
    /// Closes at each bar's close time (open + timeframe).
    public var price: [ChartPoint]
    /// How many bars the price series had.
    public var priceBarCount: Int
    /// The buy-and-hold benchmark (see `BuyAndHold`), in money.
    public var benchmark: [ChartPoint]
    /// Last close over first close, minus one.
    public var benchmarkReturn: Double?
    public var monthlyReturns: MonthlyReturns
    /// The deepest drawdown episodes, deepest first.
    public var drawdowns: [DrawdownPeriod]

    /// - Parameters:
    ///   - equityCurve: the full curve, in time order.
    ///   - symbol, bars, timeframe: the traded symbol's bars (open times) and
    ///     their length in seconds; without bars there is no price chart and
    ///     no benchmark.
    ///   - startingCash: what the benchmark invests (default: the curve's first equity).
    public init(equityCurve: [EquityPoint], symbol: String? = nil, priceDecimals: Int = 2, bars: [Bar] = [],
                timeframe: Int64 = 0, startingCash: Money? = nil, maxChartPoints: Int = ReportSeries.maxChartPoints) {
        equityPointCount = equityCurve.count
        equity = ReportDownsample.points(equityCurve, maxPoints: maxChartPoints)
        let depths = DrawdownAnalysis.series(equityCurve)
        drawdown = ReportDownsample.indices(count: depths.count, maxPoints: maxChartPoints) { -depths[$0] }.map {
            ChartPoint(time: equityCurve[$0].time, value: -depths[$0])
        }
        self.symbol = bars.isEmpty ? nil : symbol
        self.priceDecimals = priceDecimals
        let scale = Double(FixedPoint.power(min(max(priceDecimals, 0), 18)))
        price = ReportDownsample.indices(count: bars.count, maxPoints: maxChartPoints) { bars[$0].close }.map {
            ChartPoint(time: bars[$0].time + timeframe, value: Double(bars[$0].close.ticks) / scale)
        }
        priceBarCount = bars.count
        let cash = startingCash ?? equityCurve.first?.equity ?? .zero
        benchmark = ReportDownsample.points(BuyAndHold.curve(bars: bars, timeframe: timeframe, cash: cash),
                                            maxPoints: maxChartPoints)
        benchmarkReturn = BuyAndHold.totalReturn(bars: bars)
        monthlyReturns = MonthlyReturns(curve: equityCurve)
        drawdowns = DrawdownPeriod.deepest(equityCurve, count: Self.drawdownCount)
    }
}
