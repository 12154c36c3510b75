import Foundation
import Sandbox

/// What a sweep maximizes.
public enum OptimizationObjective: String, Sendable, CaseIterable {
    case sharpe
    /// Total return over the period.
    case totalReturn = "return"
    /// Total return divided by the largest drawdown (floored at 1 %), so a
    /// smooth curve beats a lucky one with the same end point.
    case returnOverDrawdown = "return_over_drawdown"

    /// The score of one run; nil when the metric is undefined (a flat curve's Sharpe).
    public func score(_ metrics: BacktestMetrics) -> Double? {
        switch self {
        case .sharpe: return metrics.sharpe.flatMap { $0.isFinite ? $0 : nil }
        case .totalReturn: return metrics.totalReturn.flatMap { $0.isFinite ? $0 : nil }
        case .returnOverDrawdown:
            guard let total = metrics.totalReturn, total.isFinite else { return nil }
            return total / max(metrics.maxDrawdown, 0.01)
        }
    }
}

/// One run of a sweep.
public struct OptimizationTrial: Sendable {
    /// Its place in the candidate list (ties rank by it).
    public var index: Int
    public var parameters: [String: LuaValue]
    /// Nil when the run faulted or could not run (`failure` says why).
    public var metrics: BacktestMetrics?
    public var failure: String?
    public var score: Double?
}

/// Runs candidate parameter sets, up to `concurrency` at a time, and ranks
/// them by the objective (best first; runs without a score, faulted ones
/// included, last; ties by candidate order, so a sweep ranks the same on
/// every run). The runner does one backtest: in-process for trusted code,
/// a worker process per run in `lunar serve` and `lunar optimize`.
public enum Optimizer {
    public typealias Runner = @Sendable (_ parameters: [String: LuaValue]) -> Result<BacktestMetrics, OptimizationFailure>

    public static func evaluate(_ candidates: [[String: LuaValue]], objective: OptimizationObjective, concurrency: Int,
                                progress: (@Sendable (Int, Int) -> Void)? = nil, run: Runner) -> [OptimizationTrial] {
        let trials = LockedTrials(count: candidates.count)
        let lanes = max(1, min(concurrency, candidates.count))
        DispatchQueue.concurrentPerform(iterations: lanes) { _ in
            while let index = trials.claim() {
                var trial = OptimizationTrial(index: index, parameters: candidates[index])
                switch run(candidates[index]) {
                case .success(let metrics):
                    trial.metrics = metrics
                    trial.score = objective.score(metrics)
                case .failure(let failure):
                    trial.failure = failure.message
                }
                let done = trials.store(trial)
                progress?(done, candidates.count)
            }
        }
        return rank(trials.all)
    }

    public static func rank(_ trials: [OptimizationTrial]) -> [OptimizationTrial] {
        trials.sorted { left, right in
            switch (left.score, right.score) {
            case (let l?, let r?) where l != r: return l > r
            case (.some, nil): return true
            case (nil, .some): return false
            default: return left.index < right.index
            }
        }
    }
}

extension OptimizationTrial {
    init(index: Int, parameters: [String: LuaValue]) {
        self.index = index
        self.parameters = parameters
    }
}

/// Why a run of a sweep produced no metrics.
public struct OptimizationFailure: Error, Sendable {
    public var message: String
    public init(_ message: String) { self.message = message }
}

/// The trials of a sweep filled in by concurrent lanes.
private final class LockedTrials: @unchecked Sendable {
    private let lock = NSLock()
    private var next = 0
    private var done = 0
    private var trials: [OptimizationTrial?]

    init(count: Int) { trials = Array(repeating: nil, count: count) }

    func claim() -> Int? {
        lock.withLock {
            guard next < trials.count else { return nil }
            defer { next += 1 }
            return next
        }
    }

    func store(_ trial: OptimizationTrial) -> Int {
        lock.withLock {
            trials[trial.index] = trial
            done += 1
            return done
        }
    }

    var all: [OptimizationTrial] { lock.withLock { trials.compactMap { $0 } } }
}
