import Host
import Sandbox

/// A backtest run for its owner through the API, as stored: queued until a
/// sandbox slot frees, running, then completed (with its result) or failed
/// (with why). Ids come from an AUTOINCREMENT key, so they only grow, also
/// across restarts and deletes: a poller's id never names another job.
public struct BacktestJob: Sendable {
    public enum Status: String, Codable, Sendable { case queued, running, completed, failed }

    /// Why a job that was queued or running when the server stopped failed.
    public static let interruptedReason = "interrupted by a server restart"

    public var id: Int64
    public var ownerID: UserID
    public var strategyID: StrategyID
    public var versionID: VersionID
    public var status: Status
    /// 0...1 while running (written at most every half second), 1 when completed.
    public var progress: Double
    public var createdAt: Int64
    public var finishedAt: Int64?
    /// Why it failed, in words (also for failures that are not the strategy's).
    public var error: String?
    /// The strategy's fault when the run failed because the strategy faulted;
    /// `result` is then the partial result up to the fault.
    public var fault: StrategyFault?
    /// The run's settings with the defaults filled in (nil for jobs stored
    /// before settings were recorded).
    public var settings: BacktestSettings?
    /// The report (partial when `fault` is set); only read for a single job (lists leave it out).
    public var result: BacktestResult?
    public var parameters: [String: LuaValue]
}
