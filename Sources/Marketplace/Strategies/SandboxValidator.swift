import Foundation
import Host
import Sandbox

/// The standard validator: compiles the script in a Sandbox, reads its
/// declared schema, and runs the **validation backtest**: default
/// parameters, the bundled sample data (all of it unless `barLimit` says
/// otherwise), 10 bp commission and 5 bp slippage (`docs/marketplace.md`,
/// "Validation backtest"), under the standard quotas. Its figures, with
/// the conditions they were made under, become the version's performance
/// and the listing's.
///
/// Given an `isolation`, both steps run in fresh `lunar worker` processes
/// (as `lunar serve` does: the server process never runs uploaded code),
/// each ended after `wallTime`; the report reads the same either way.
public struct SandboxValidator: VersionValidating {
    private let bars: [Bar]
    private let instrument: Instrument
    private let dataHash: String
    private let dataset: String
    private let exchange: ExchangeConfiguration
    private let commissionBasisPoints: Int
    private let slippageBasisPoints: Int
    /// The validation backtest's costs unless told otherwise.
    public static let defaultCommissionBasisPoints = 10
    public static let defaultSlippageBasisPoints = 5
    private let limits: SandboxLimits
    private let isolation: IsolationConfiguration?
    private let wallTime: Duration

    /// Loads sample bars from a CSV (time,open,high,low,close,volume).
    public init(sampleCSV url: URL, symbol: String = "BTCUSD", barLimit: Int = .max,
                commissionBasisPoints: Int = defaultCommissionBasisPoints, slippageBasisPoints: Int = defaultSlippageBasisPoints,
                limits: SandboxLimits = .standard, isolation: IsolationConfiguration? = nil,
                wallTime: Duration = .seconds(60)) throws(StoreError) {
        guard barLimit >= 10 else { throw StoreError.invalid(field: "barLimit", rule: "must be at least 10") }
        guard (0...1_000).contains(commissionBasisPoints), (0...1_000).contains(slippageBasisPoints) else {
            throw StoreError.invalid(field: "commissionBasisPoints", rule: "commission and slippage must be 0 to 1000 basis points")
        }
        self.commissionBasisPoints = commissionBasisPoints
        self.slippageBasisPoints = slippageBasisPoints
        exchange = ExchangeConfiguration(commission: CommissionModel(hundredthsOfBasisPoint: Int64(commissionBasisPoints) * 100),
                                         slippage: SlippageModel(hundredthsOfBasisPoint: Int64(slippageBasisPoints) * 100))
        dataset = url.deletingPathExtension().lastPathComponent
        let instrument = Instrument(symbol: symbol)
        let raw: Data
        do { raw = try Data(contentsOf: url) } catch {
            throw StoreError.invalid(field: "sampleCSV", rule: "must be a readable file (\(url.lastPathComponent))")
        }
        do {
            bars = Array(try BarCSV.parse(String(decoding: raw, as: UTF8.self), instrument: instrument).prefix(barLimit))
        } catch {
            throw StoreError.invalid(field: "sampleCSV", rule: "must be valid bar CSV: \(error)")
        }
        self.instrument = instrument
        self.dataHash = SHA256.hexDigest(raw)
        self.limits = limits
        self.isolation = isolation
        self.wallTime = wallTime
    }

    static let callbackNames = StrategyInspection.callbackNames

    public func validate(source: String) -> (schema: StrategySchema?, report: ValidationReport) {
        var issues: [String] = []
        let inspection: StrategyInspection
        do {
            inspection = try inspect(source)
        } catch {
            return (nil, ValidationReport(issues: ["compile: \(Self.describe(error))"], callbacks: [], performance: nil))
        }
        let callbacks = inspection.callbacks
        if !inspection.canTrade { issues.append("callbacks: \(StrategyInspection.noTradingCallback)") }
        let schema = inspection.schema
        issues += inspection.schemaIssues.map { "schema: \($0)" }
        guard issues.isEmpty else { return (schema, ValidationReport(issues: issues, callbacks: callbacks, performance: nil)) }
        do {
            var configuration = BacktestConfiguration(
                source: source, instruments: [instrument], bars: [instrument.symbol: bars],
                timeframe: BarCSV.timeframe(of: bars), sandboxLimits: limits, dataHash: dataHash)
            configuration.exchange = exchange
            let outcome = try backtest(configuration)
            if outcome.status.isFaulted { issues.append("backtest: \(outcome.status)") }
            let metrics = outcome.result.metrics
            let curve = BacktestResult.downsample(outcome.result.equityCurve, maxPoints: 100).map {
                PerformanceFigures.CurvePoint(time: $0.time, equity: $0.equity.description)
            }
            let run = ValidationRun(dataset: dataset, symbol: instrument.symbol, from: bars.first?.time ?? 0,
                                    to: bars[max(0, min(outcome.barsProcessed, bars.count) - 1)].time,
                                    timeframe: configuration.timeframe, startingCash: configuration.startingCash.description,
                                    commissionBasisPoints: commissionBasisPoints, slippageBasisPoints: slippageBasisPoints,
                                    feesPaid: (metrics.tradeFees + outcome.result.finalPositions.reduce(Money.zero) { $0 + $1.fees }).description)
            let figures = PerformanceFigures(totalReturn: metrics.totalReturn, maxDrawdown: metrics.maxDrawdown,
                                             sharpe: metrics.sharpe, tradeCount: metrics.tradeCount,
                                             barCount: outcome.barsProcessed, equityCurve: curve, validation: run)
            return (schema, ValidationReport(issues: issues, callbacks: callbacks, performance: figures))
        } catch {
            issues.append("backtest: \(Self.describe(error))")
            return (schema, ValidationReport(issues: issues, callbacks: callbacks, performance: nil))
        }
    }

    private func inspect(_ source: String) throws -> StrategyInspection {
        guard let isolation else { return try StrategyInspection.inspect(source: source, chunkName: "strategy.lua", limits: limits) }
        return try StrategyInspection.inspectIsolated(source: source, chunkName: "strategy.lua", limits: limits,
                                                      isolation: isolation, wallTime: wallTime)
    }

    private func backtest(_ configuration: BacktestConfiguration) throws
        -> (result: BacktestResult, status: DeploymentStatus, barsProcessed: Int) {
        guard let isolation else {
            let outcome = try BacktestEngine.run(configuration)
            return (outcome.result, outcome.status, outcome.barsProcessed)
        }
        let outcome = try BacktestEngine.runIsolated(configuration, isolation: isolation, wallTime: wallTime)
        return (try outcome.result(), outcome.status, outcome.barsProcessed)
    }

    /// What the script raised, worded the same in a worker as in-process;
    /// a worker that died says so.
    static func describe(_ error: any Error) -> String {
        switch error {
        case IsolationError.deploymentRefused(_, let reason): reason
        case IsolationError.workerDied(let reason): "the validation worker died: \(reason)"
        default: "\(error)"
        }
    }
}
