import Foundation
import Host
import Platform

/// `GET /api/portfolio`.
struct PortfolioView: Codable, Sendable, ResponseEncodableBody {
    var currency = APIUnits.currency
    /// Market time the figures are as of (the feed's latest).
    var asOf: Timestamp
    var totals = PortfolioTotalsView(PortfolioSums())
    var deployments: [PortfolioDeploymentView] = []
    var positions: [PortfolioPositionView] = []
    var allocation = AllocationView(bySymbol: [], byDeployment: [])

    init(asOf: Timestamp) { self.asOf = asOf }
}

struct PortfolioTotalsView: Codable, Sendable {
    var equity: String
    var cash: String
    var startingCash: String
    /// Equity − starting cash.
    var totalPnL: String
    /// Equity − equity when the market's UTC day began.
    var dayPnL: String
    var realizedPnL: String
    var unrealizedPnL: String
    var fees: String
    var grossExposure: String
    var netExposure: String
    /// Gross exposure ÷ equity.
    var leverage: Double?
    var openPositions: Int

    init(_ sums: PortfolioSums) {
        equity = APIUnits.money(sums.equity)
        cash = APIUnits.money(sums.cash)
        startingCash = APIUnits.money(sums.startingCash)
        totalPnL = APIUnits.money(sums.totalPnL)
        dayPnL = APIUnits.money(sums.dayPnL)
        realizedPnL = APIUnits.money(sums.realizedPnL)
        unrealizedPnL = APIUnits.money(sums.unrealizedPnL)
        fees = APIUnits.money(sums.fees)
        grossExposure = APIUnits.money(sums.grossExposure)
        netExposure = APIUnits.money(sums.netExposure)
        leverage = sums.leverage
        openPositions = sums.openPositions
    }
}

struct PortfolioDeploymentView: Codable, Sendable {
    var deploymentId: Int64
    var strategyName: String
    /// The stored status (`running`, `halted`, `faulted`, `stopped`).
    var status: String
    /// Whether its account is live (else as its last checkpoint left it).
    var running: Bool
    var figures: PortfolioTotalsView
    /// Its equity ÷ the portfolio's.
    var weight: Double?

    init(_ holding: PortfolioRoutes.Holding, _ sums: PortfolioSums, weight: Double?) {
        deploymentId = holding.deployment.id.rawValue
        strategyName = holding.name
        status = holding.deployment.status.name
        running = holding.running
        figures = PortfolioTotalsView(sums)
        self.weight = weight
    }
}

struct PortfolioPositionView: Codable, Sendable {
    var symbol: String
    /// `long`, `short` or `flat` (positions that net out across deployments).
    var side: String
    /// Signed sum over the deployments.
    var quantity: String
    var averagePrice: String?
    var markPrice: String?
    var costBasis: String
    var marketValue: String
    var unrealizedPnL: String
    /// Deployments holding it.
    var deployments: Int

    init(_ sums: PositionSums) {
        symbol = sums.instrument.symbol
        side = sums.lots > 0 ? "long" : sums.lots < 0 ? "short" : "flat"
        quantity = APIUnits.decimal(sums.lots, decimals: sums.instrument.quantityDecimals)
        averagePrice = sums.averagePrice
        markPrice = sums.mark.map { APIUnits.price($0, sums.instrument) }
        costBasis = APIUnits.money(sums.costBasis)
        marketValue = APIUnits.money(sums.marketValue)
        unrealizedPnL = APIUnits.money(sums.unrealizedPnL)
        deployments = sums.deployments
    }
}

struct AllocationView: Codable, Sendable {
    struct Share: Codable, Sendable {
        /// The symbol, or the deployment id as text.
        var key: String
        /// Market value (symbols) or equity (deployments).
        var value: String
        /// `value` ÷ the portfolio's equity.
        var weight: Double?
    }
    var bySymbol: [Share]
    var byDeployment: [Share]
}

/// `GET /api/portfolio/history`.
struct PortfolioHistoryView: Codable, Sendable, ResponseEncodableBody {
    var currency = APIUnits.currency
    var points: [PortfolioPointView]
}

struct PortfolioPointView: Codable, Sendable {
    var time: Timestamp
    var equity: String
    var cash: String
    var grossExposure: String
    var netExposure: String
    var realizedPnL: String
    var unrealizedPnL: String
    /// Deployments whose accounts had opened by this time.
    var deployments: Int

    init(_ total: PortfolioCurve.Total) {
        time = Timestamp(total.time)
        equity = APIUnits.money(total.equity)
        cash = APIUnits.money(total.cash)
        grossExposure = APIUnits.money(total.grossExposure)
        netExposure = APIUnits.money(total.netExposure)
        realizedPnL = APIUnits.money(total.realizedPnL)
        unrealizedPnL = APIUnits.money(total.unrealizedPnL)
        deployments = total.deployments
    }
}

/// `GET /api/portfolio/performance`.
struct PortfolioPerformanceView: Codable, Sendable, ResponseEncodableBody {
    var method = "time_weighted"
    var currency = APIUnits.currency
    var from: Timestamp?
    var to: Timestamp?
    /// Grid points the curve was sampled at.
    var points: Int
    /// Summed equity at the period's ends.
    var startEquity: String?
    var endEquity: String?
    /// The backtest metrics of the time-weighted index (its money figures
    /// start at 1,000,000.00; the trade figures are the deployments' own).
    var metrics: BacktestMetricsView?
    var benchmark: BenchmarkView?
    var benchmarkNote: String?
}

struct BenchmarkView: Codable, Sendable {
    var symbol: String
    /// Buy and hold from here (the first grid time the symbol has a price).
    var from: Timestamp
    var metrics: BacktestMetricsView
}

extension PortfolioView: SchemaDescribed {
    static let schemaName = "Portfolio"
    static var schema: JSONSchema {
        .record(["currency": .currency, "asOf": .timestamp, "totals": .ref(PortfolioTotalsView.self),
                 "deployments": .list(PortfolioDeploymentView.self), "positions": .list(PortfolioPositionView.self),
                 "allocation": .ref(AllocationView.self)])
    }
}

extension PortfolioTotalsView: SchemaDescribed {
    static let schemaName = "PortfolioTotals"
    static var schema: JSONSchema {
        var fields: [String: JSONSchema] = ["openPositions": .integer(minimum: 0)]
        for name in ["equity", "cash", "startingCash", "totalPnL", "dayPnL", "realizedPnL", "unrealizedPnL", "fees", "grossExposure",
                     "netExposure"] { fields[name] = .exact }
        return .record(fields, optional: ["leverage": .number()])
    }
}

extension PortfolioDeploymentView: SchemaDescribed {
    static let schemaName = "PortfolioDeployment"
    static var schema: JSONSchema {
        .record(["deploymentId": .id, "strategyName": .text, "status": .oneOfStrings(["running", "halted", "faulted", "stopped"]),
                 "running": .boolean, "figures": .ref(PortfolioTotalsView.self)], optional: ["weight": .number()])
    }
}

extension PortfolioPositionView: SchemaDescribed {
    static let schemaName = "PortfolioPosition"
    static var schema: JSONSchema {
        .record(["symbol": .text, "side": .oneOfStrings(["long", "short", "flat"]), "quantity": .exact, "costBasis": .exact,
                 "marketValue": .exact, "unrealizedPnL": .exact, "deployments": .integer(minimum: 1)],
                optional: ["averagePrice": .exact, "markPrice": .exact])
    }
}

extension AllocationView.Share: SchemaDescribed {
    static let schemaName = "AllocationShare"
    static var schema: JSONSchema { .record(["key": .text, "value": .exact], optional: ["weight": .number()]) }
}

extension AllocationView: SchemaDescribed {
    static let schemaName = "Allocation"
    static var schema: JSONSchema { .record(["bySymbol": .list(Share.self), "byDeployment": .list(Share.self)]) }
}

extension PortfolioHistoryView: SchemaDescribed {
    static let schemaName = "PortfolioHistory"
    static var schema: JSONSchema {
        .record(["currency": .currency, "points": .array(of: .ref(PortfolioPointView.self), maxItems: EquityRoutes.maximumPoints)])
    }
}

extension PortfolioPointView: SchemaDescribed {
    static let schemaName = "PortfolioPoint"
    static var schema: JSONSchema {
        var fields: [String: JSONSchema] = ["time": .timestamp, "deployments": .integer(minimum: 0)]
        for name in ["equity", "cash", "grossExposure", "netExposure", "realizedPnL", "unrealizedPnL"] { fields[name] = .exact }
        return .record(fields)
    }
}

extension PortfolioPerformanceView: SchemaDescribed {
    static let schemaName = "PortfolioPerformance"
    static var schema: JSONSchema {
        .record(["method": .oneOfStrings(["time_weighted"]), "currency": .currency, "points": .integer(minimum: 0)],
                optional: ["from": .timestamp, "to": .timestamp, "startEquity": .exact, "endEquity": .exact,
                           "metrics": .ref(BacktestMetricsView.self), "benchmark": .ref(BenchmarkView.self), "benchmarkNote": .text])
    }
}

extension BenchmarkView: SchemaDescribed {
    static let schemaName = "Benchmark"
    static var schema: JSONSchema { .record(["symbol": .text, "from": .timestamp, "metrics": .ref(BacktestMetricsView.self)]) }
}
