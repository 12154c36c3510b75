import Host

/// A run's statistics as the API shows them: money as 8-decimal text
/// (beside the result's `currency`), counts and durations (seconds) as
/// integers, ratios as plain JSON numbers. A ratio that is undefined, or
/// infinite (a profit factor with no losing trade: `grossLoss` is then
/// "0.00000000"), is absent.
struct BacktestMetricsView: Codable {
    var startEquity: String
    var endEquity: String
    var netProfit: String
    var elapsedSeconds: Int64
    var totalReturn: Double?
    var annualizedReturn: Double?
    var periodsPerYear: Double?
    var volatility: Double?
    var sharpe: Double?
    var sortino: Double?
    var maxDrawdown: Double?
    var maxDrawdownDuration: Int64
    var maxDrawdownRecovered: Bool
    var longestDrawdownDuration: Int64
    var tradeCount: Int
    var winningTrades: Int
    var losingTrades: Int
    var winRate: Double?
    var profitFactor: Double?
    var grossProfit: String
    var grossLoss: String
    var averageWin: String?
    var averageLoss: String?
    var tradeFees: String
    var barCount: Int
    var barsInMarket: Int
    var exposure: Double?

    static let ratioNames = ["totalReturn", "annualizedReturn", "periodsPerYear", "volatility", "sharpe", "sortino", "maxDrawdown",
                             "winRate", "profitFactor", "exposure"]

    init(_ metrics: BacktestMetrics) {
        func finite(_ value: Double?) -> Double? { value.flatMap { $0.isFinite ? $0.reportedStatistic : nil } }
        startEquity = APIUnits.money(metrics.startEquity)
        endEquity = APIUnits.money(metrics.endEquity)
        netProfit = APIUnits.money(metrics.netProfit)
        elapsedSeconds = metrics.elapsedSeconds
        totalReturn = finite(metrics.totalReturn)
        annualizedReturn = finite(metrics.annualizedReturn)
        periodsPerYear = finite(metrics.periodsPerYear)
        volatility = finite(metrics.volatility)
        sharpe = finite(metrics.sharpe)
        sortino = finite(metrics.sortino)
        maxDrawdown = finite(metrics.maxDrawdown)
        maxDrawdownDuration = metrics.maxDrawdownDuration
        maxDrawdownRecovered = metrics.maxDrawdownRecovered
        longestDrawdownDuration = metrics.longestDrawdownDuration
        tradeCount = metrics.tradeCount
        winningTrades = metrics.winningTrades
        losingTrades = metrics.losingTrades
        winRate = finite(metrics.winRate)
        profitFactor = finite(metrics.profitFactor)
        grossProfit = APIUnits.money(metrics.grossProfit)
        grossLoss = APIUnits.money(metrics.grossLoss)
        averageWin = metrics.averageWin.map(APIUnits.money)
        averageLoss = metrics.averageLoss.map(APIUnits.money)
        tradeFees = APIUnits.money(metrics.tradeFees)
        barCount = metrics.barCount
        barsInMarket = metrics.barsInMarket
        exposure = finite(metrics.exposure)
    }
}

extension BacktestMetricsView: SchemaDescribed {
    static let schemaName = "BacktestMetrics"
    static var schema: JSONSchema {
        var fields: [String: JSONSchema] = ["maxDrawdownRecovered": .boolean]
        for name in ["startEquity", "endEquity", "netProfit", "grossProfit", "grossLoss", "tradeFees"] { fields[name] = .decimalText }
        for name in ["elapsedSeconds", "maxDrawdownDuration", "longestDrawdownDuration", "tradeCount", "winningTrades", "losingTrades",
                     "barCount", "barsInMarket"] { fields[name] = .integer(minimum: 0) }
        var optional: [String: JSONSchema] = ["averageWin": .decimalText, "averageLoss": .decimalText]
        for name in ratioNames { optional[name] = .number() }
        return .record(fields, optional: optional)
    }
}
