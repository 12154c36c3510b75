/// How a backtest ended, decided the same way in every mode (the CLI, an
/// in-process job, a worker-process job): a run whose strategy faulted is
/// `failed`, never `completed`, and keeps the result computed up to the
/// fault (`partial`).
public enum BacktestEnding: Sendable, Equatable {
    case completed(BacktestResult)
    /// The strategy faulted; `partial` covers the bars before the fault.
    case failed(StrategyFault, partial: BacktestResult)

    /// The ending of a run that produced `result` and ended in `status`. A
    /// faulted status without a structured fault (a worker that could only
    /// report the reason) becomes a `hostError` fault at the last point of
    /// the curve.
    public init(result: BacktestResult, status: DeploymentStatus) {
        if let fault = result.error {
            self = .failed(fault, partial: result)
        } else if case .faulted(let reason) = status {
            var partial = result
            let fault = StrategyFault(kind: .host, message: reason, time: result.equityCurve.last?.time ?? 0)
            partial.error = fault
            self = .failed(fault, partial: partial)
        } else {
            self = .completed(result)
        }
    }

    /// The result, whole or partial.
    public var result: BacktestResult {
        switch self {
        case .completed(let result), .failed(_, let result): result
        }
    }

    public var fault: StrategyFault? {
        if case .failed(let fault, _) = self { fault } else { nil }
    }
}

extension BacktestOutcome {
    /// `completed`, or `failed` with the fault and the partial result.
    public var ending: BacktestEnding { BacktestEnding(result: result, status: status) }
}

extension IsolatedBacktestOutcome {
    /// `completed`, or `failed` with the fault and the partial result, as
    /// the worker reported them.
    public func ending() throws -> BacktestEnding { BacktestEnding(result: try result(), status: status) }
}
