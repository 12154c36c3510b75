import Foundation
import Sandbox

/// The backtests of one sweep: the same script, data and settings, each run
/// with other parameters (and, in a walk-forward, over a sub-period). A run
/// goes to a worker process of its own when `isolation` is set (`lunar
/// optimize`, `lunar serve`), else in this process (trusted code, tests). A
/// run that faults or cannot start is a failed trial, never a thrown error,
/// so one bad parameter set does not end the sweep. `lunar optimize` and
/// `POST /api/strategies/{id}/optimize` both run sweeps through this.
public struct BacktestTrials: Sendable {
    public let settings: BacktestSettings
    let source: String
    let chunkName: String
    let instrument: Instrument
    let bars: [Bar]
    let dataHash: String
    let isolation: IsolationConfiguration?

    public init(settings: BacktestSettings, source: String, chunkName: String = "strategy.lua", instrument: Instrument,
                bars: [Bar], dataHash: String, isolation: IsolationConfiguration?) {
        self.settings = settings
        self.source = source
        self.chunkName = chunkName
        self.instrument = instrument
        self.bars = bars
        self.dataHash = dataHash
        self.isolation = isolation
    }

    /// The market times of the bars inside the settings' period: what a walk-forward plan cuts into windows.
    public var times: [Int64] {
        bars.map(\.time).filter { time in (settings.from.map { time >= $0 } ?? true) && (settings.to.map { time < $0 } ?? true) }
    }

    /// One backtest with `parameters`, over `period` (inclusive) when given, else the settings' period.
    public func run(_ parameters: [String: LuaValue], period: ClosedRange<Int64>? = nil) -> Result<BacktestMetrics, OptimizationFailure> {
        var settings = self.settings
        if let period { (settings.from, settings.to) = (period.lowerBound, period.upperBound + 1) }
        do {
            let configuration = try settings.configuration(source: source, chunkName: chunkName, parameters: parameters,
                                                           instrument: instrument, bars: bars, dataHash: dataHash)
            let (result, status): (BacktestResult, DeploymentStatus)
            if let isolation {
                let outcome = try BacktestEngine.runIsolated(configuration, isolation: isolation)
                (result, status) = (try outcome.result(), outcome.status)
            } else {
                let outcome = try BacktestEngine.run(configuration)
                (result, status) = (outcome.result, outcome.status)
            }
            if status.isFaulted { return .failure(OptimizationFailure("faulted: \(status)")) }
            return .success(result.metrics)
        } catch {
            return .failure(OptimizationFailure("\(error)"))
        }
    }
}
