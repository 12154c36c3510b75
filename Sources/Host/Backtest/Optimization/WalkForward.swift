import Sandbox

/// Walk-forward analysis: the period is cut into `windows` consecutive
/// windows; in each, the sweep runs on the first `inSampleFraction` of it
/// (in-sample) and the best parameter set is then run, untouched, on the
/// rest (out-of-sample). Out-of-sample figures are what a user can expect
/// from optimizing; an in-sample score far above them is fitting to noise.
public struct WalkForwardPlan: Sendable, Equatable {
    public var windows: Int
    public var inSampleFraction: Double

    public init(windows: Int, inSampleFraction: Double = 0.7) throws(SchemaIssues) {
        guard (1...20).contains(windows) else { throw SchemaIssues(issues: [SchemaIssue(field: "walkForward.windows", message: "must be 1 to 20")]) }
        guard inSampleFraction.isFinite, inSampleFraction >= 0.5, inSampleFraction <= 0.9 else {
            throw SchemaIssues(issues: [SchemaIssue(field: "walkForward.inSampleFraction", message: "must be 0.5 to 0.9")])
        }
        self.windows = windows
        self.inSampleFraction = inSampleFraction
    }

    /// The windows over `times` (every bar's time, ascending): each as
    /// (in-sample, out-of-sample) closed time ranges; a window too short to
    /// hold 10 bars on each side is refused.
    public func periods(of times: [Int64]) throws(SchemaIssues) -> [(inSample: ClosedRange<Int64>, outOfSample: ClosedRange<Int64>)] {
        let perWindow = times.count / windows
        let inSampleBars = Int(Double(perWindow) * inSampleFraction)
        guard inSampleBars >= 10, perWindow - inSampleBars >= 10 else {
            throw SchemaIssues(issues: [SchemaIssue(field: "walkForward.windows", message: "\(times.count) bars make windows of \(perWindow) bars: too short for \(windows) windows (each side needs 10)")])
        }
        return (0..<windows).map { window in
            let start = window * perWindow
            let end = window == windows - 1 ? times.count : start + perWindow
            let split = start + inSampleBars
            return (times[start]...times[split - 1], times[split]...times[end - 1])
        }
    }
}

/// One window of a walk-forward analysis.
public struct WalkForwardWindow: Sendable {
    public var inSample: ClosedRange<Int64>
    public var outOfSample: ClosedRange<Int64>
    /// The in-sample winner (nil when no run scored).
    public var best: OptimizationTrial?
    /// The winner run on the out-of-sample period.
    public var outOfSampleMetrics: BacktestMetrics?
    public var outOfSampleFailure: String?
    public var outOfSampleScore: Double?
}

extension Optimizer {
    public typealias PeriodRunner = @Sendable (_ parameters: [String: LuaValue], _ period: ClosedRange<Int64>)
        -> Result<BacktestMetrics, OptimizationFailure>

    /// Runs the plan: a sweep per window in-sample, its winner out-of-sample.
    public static func walkForward(_ candidates: [[String: LuaValue]], plan: WalkForwardPlan, times: [Int64],
                                   objective: OptimizationObjective, concurrency: Int,
                                   run: PeriodRunner) throws(SchemaIssues) -> [WalkForwardWindow] {
        try plan.periods(of: times).map { period in
            let trials = evaluate(candidates, objective: objective, concurrency: concurrency) { run($0, period.inSample) }
            var window = WalkForwardWindow(inSample: period.inSample, outOfSample: period.outOfSample)
            guard let best = trials.first, best.score != nil else { return window }
            window.best = best
            switch run(best.parameters, period.outOfSample) {
            case .success(let metrics):
                window.outOfSampleMetrics = metrics
                window.outOfSampleScore = objective.score(metrics)
            case .failure(let failure):
                window.outOfSampleFailure = failure.message
            }
            return window
        }
    }
}
