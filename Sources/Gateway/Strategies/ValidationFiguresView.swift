import Marketplace

/// A version's validation backtest (`docs/marketplace.md`, "Validation
/// backtest"): the figures next to the conditions that made them.
struct ValidationFiguresView: Codable, Sendable {
    struct Point: Codable, Sendable {
        var time: Timestamp
        var equity: String
    }

    struct Conditions: Codable, Sendable {
        var dataset: String
        var symbol: String
        /// The period run: market times of the first and last bar.
        var from: Timestamp
        var to: Timestamp
        /// Seconds per bar.
        var timeframe: Int64
        var startingCash: String
        var commissionBasisPoints: Int
        var slippageBasisPoints: Int
        /// Commissions paid over the run.
        var feesPaid: String
        var currency: String
        /// `defaults`: the script's declared parameter defaults.
        var parameters: String

        init(_ run: ValidationRun) {
            dataset = run.dataset
            symbol = run.symbol
            from = Timestamp(run.from)
            to = Timestamp(run.to)
            timeframe = run.timeframe
            startingCash = run.startingCash
            commissionBasisPoints = run.commissionBasisPoints
            slippageBasisPoints = run.slippageBasisPoints
            feesPaid = run.feesPaid
            currency = APIUnits.currency
            parameters = run.parameters
        }
    }

    var totalReturn: Double?
    var maxDrawdown: Double
    var sharpe: Double?
    var tradeCount: Int
    var barCount: Int
    /// At most 100 points.
    var equityCurve: [Point]
    /// Null for versions validated before the conditions were recorded (a
    /// short fee-free smoke run whose figures are not comparable).
    var conditions: Nullable<Conditions>

    init(_ figures: PerformanceFigures) {
        totalReturn = figures.totalReturn
        maxDrawdown = figures.maxDrawdown
        sharpe = figures.sharpe
        tradeCount = figures.tradeCount
        barCount = figures.barCount
        equityCurve = figures.equityCurve.map { Point(time: Timestamp($0.time), equity: $0.equity) }
        conditions = Nullable(figures.validation.map(Conditions.init))
    }
}

extension ValidationFiguresView: SchemaDescribed {
    static let schemaName = "ValidationBacktest"
    static var schema: JSONSchema {
        let conditions = JSONSchema.record([
            "dataset": .text, "symbol": .text, "from": .timestamp, "to": .timestamp, "timeframe": .integer(minimum: 1),
            "startingCash": .exact, "commissionBasisPoints": .integer(minimum: 0), "slippageBasisPoints": .integer(minimum: 0),
            "feesPaid": .exact, "currency": .currency, "parameters": .oneOfStrings(["defaults"]),
        ])
        return .record(["maxDrawdown": .number(), "tradeCount": .integer(minimum: 0), "barCount": .integer(minimum: 0),
                        "equityCurve": .array(of: .record(["time": .timestamp, "equity": .exact])),
                        "conditions": .nullable(conditions)],
                       optional: ["totalReturn": .number(), "sharpe": .number()])
    }
}
