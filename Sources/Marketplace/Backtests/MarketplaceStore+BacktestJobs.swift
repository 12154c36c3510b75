import Host
import Sandbox

extension Schema {
    /// API backtest jobs, so a poller finds its job after a restart. No
    /// foreign keys to strategies or versions: a job outlives what it ran.
    static let backtestJobs = Migration(name: "018-backtest-jobs", sql: """
        CREATE TABLE backtest_jobs (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            owner_id INTEGER NOT NULL,
            strategy_id INTEGER NOT NULL,
            version_id INTEGER NOT NULL,
            status TEXT NOT NULL CHECK (status IN ('queued', 'running', 'completed', 'failed')),
            progress REAL NOT NULL DEFAULT 0,
            parameters_json TEXT NOT NULL,
            created_at INTEGER NOT NULL,
            finished_at INTEGER,
            error TEXT,
            result_json TEXT);
        CREATE INDEX backtest_jobs_owner ON backtest_jobs(owner_id, status, id);
        """)

    /// A job's settings (defaults filled in) and, when the strategy faulted,
    /// the fault beside the partial result.
    static let backtestSettings = Migration(name: "019-backtest-settings-and-faults", sql: """
        ALTER TABLE backtest_jobs ADD COLUMN settings_json TEXT;
        ALTER TABLE backtest_jobs ADD COLUMN fault_json TEXT;
        """)
}

/// Backtest jobs. The per-owner limit on unfinished jobs is counted, and
/// old finished jobs pruned, inside the insert's transaction, so concurrent
/// submissions cannot pass the limit together.
extension MarketplaceStore {
    private static let backtestColumns = """
        id, owner_id, strategy_id, version_id, status, progress, parameters_json, created_at, finished_at, error,
        settings_json, fault_json
        """

    private static func backtestJob(_ row: Row, result: BacktestResult?) throws(StoreError) -> BacktestJob {
        BacktestJob(id: row.int64(0), ownerID: row.id(1), strategyID: row.id(2), versionID: row.id(3),
                    status: BacktestJob.Status(rawValue: row.text(4)) ?? .failed, progress: row.double(5), createdAt: row.int64(7),
                    finishedAt: row.optionalInt64(8), error: row.optionalText(9),
                    fault: try row.optionalText(11).map { (text) throws(StoreError) in try JSONCoding.decode(StrategyFault.self, text) },
                    settings: try row.optionalText(10).map { (text) throws(StoreError) in try JSONCoding.decode(BacktestSettings.self, text) },
                    result: result, parameters: try JSONCoding.decode([String: LuaValue].self, row.text(6)))
    }

    /// Records a queued job. Refused with `quotaExceeded` when the owner
    /// already has `maximumUnfinished` queued or running; deletes the owner's
    /// finished jobs past the newest `keepFinished`.
    public func createBacktestJob(owner: UserID, strategy: StrategyID, version: VersionID, parameters: [String: LuaValue],
                                  settings: BacktestSettings? = nil,
                                  maximumUnfinished: Int, keepFinished: Int) throws(StoreError) -> BacktestJob {
        let now = self.now
        let stored = try JSONCoding.encode(parameters)
        let storedSettings = try settings.map { (settings) throws(StoreError) in try JSONCoding.encode(settings) }
        return try pool.write { (connection) throws(StoreError) -> BacktestJob in
            let unfinished = try connection.integer(
                "SELECT COUNT(*) FROM backtest_jobs WHERE owner_id = ? AND status IN ('queued', 'running')", [owner])
            guard unfinished < maximumUnfinished else {
                throw StoreError.quotaExceeded(what: "backtests queued or running", limit: maximumUnfinished)
            }
            try connection.run("""
                DELETE FROM backtest_jobs WHERE owner_id = ?1 AND status IN ('completed', 'failed') AND id NOT IN (
                    SELECT id FROM backtest_jobs WHERE owner_id = ?1 AND status IN ('completed', 'failed') ORDER BY id DESC LIMIT ?2)
                """, [owner, max(0, keepFinished)])
            try connection.run("""
                INSERT INTO backtest_jobs (owner_id, strategy_id, version_id, status, parameters_json, settings_json, created_at)
                VALUES (?, ?, ?, 'queued', ?, ?, ?)
                """, [owner, strategy, version, stored, storedSettings, now])
            return BacktestJob(id: connection.lastInsertedRowID, ownerID: owner, strategyID: strategy, versionID: version,
                               status: .queued, progress: 0, createdAt: now, settings: settings, parameters: parameters)
        }
    }

    /// Deletes a job that never got to run (its admission failed).
    public func removeBacktestJob(_ id: Int64) throws(StoreError) {
        try pool.write { (connection) throws(StoreError) in _ = try connection.run("DELETE FROM backtest_jobs WHERE id = ?", [id]) }
    }

    /// A queued job starts running.
    public func startBacktestJob(_ id: Int64) throws(StoreError) {
        try pool.write { (connection) throws(StoreError) in
            _ = try connection.run("UPDATE backtest_jobs SET status = 'running' WHERE id = ? AND status = 'queued'", [id])
        }
    }

    /// A running job's progress (0...1); callers throttle these writes.
    public func recordBacktestProgress(_ id: Int64, _ progress: Double) throws(StoreError) {
        try pool.write { (connection) throws(StoreError) in
            _ = try connection.run("UPDATE backtest_jobs SET progress = ? WHERE id = ? AND status = 'running'",
                                   [min(max(progress, 0), 1), id])
        }
    }

    /// A job ends: completed with its result, or failed with `error` (and,
    /// when the strategy faulted, its fault and partial result).
    public func finishBacktestJob(_ id: Int64, _ outcome: Result<BacktestResult, BacktestJobFailure>) throws(StoreError) {
        let now = self.now
        let result: String?
        var fault: String?
        switch outcome {
        case .success(let report): result = try JSONCoding.encode(report)
        case .failure(let failure):
            result = try failure.partial.map { (partial) throws(StoreError) in try JSONCoding.encode(partial) }
            fault = try failure.fault.map { (fault) throws(StoreError) in try JSONCoding.encode(fault) }
        }
        try pool.write { (connection) throws(StoreError) in
            switch outcome {
            case .success:
                _ = try connection.run("""
                    UPDATE backtest_jobs SET status = 'completed', progress = 1, finished_at = ?, result_json = ?
                    WHERE id = ? AND status IN ('queued', 'running')
                    """, [now, result, id])
            case .failure(let failure):
                _ = try connection.run("""
                    UPDATE backtest_jobs SET status = 'failed', finished_at = ?, error = ?, fault_json = ?, result_json = ?
                    WHERE id = ? AND status IN ('queued', 'running')
                    """, [now, failure.message, fault, result, id])
            }
        }
    }

    /// Fails every queued or running job with `reason`: run once at start,
    /// before any job is submitted (no job of the last run is still going).
    /// Returns how many it failed.
    @discardableResult
    public func failInterruptedBacktestJobs(reason: String = BacktestJob.interruptedReason) throws(StoreError) -> Int {
        let now = self.now
        return try pool.write { (connection) throws(StoreError) -> Int in
            try connection.run("""
                UPDATE backtest_jobs SET status = 'failed', finished_at = ?, error = ? WHERE status IN ('queued', 'running')
                """, [now, reason])
        }
    }

    /// One of `owner`'s jobs with its result, or nil (also for another owner's job).
    public func backtestJob(_ id: Int64, owner: UserID) throws(StoreError) -> BacktestJob? {
        try pool.read { (connection) throws(StoreError) -> BacktestJob? in
            try connection.row("SELECT \(Self.backtestColumns), result_json FROM backtest_jobs WHERE id = ? AND owner_id = ?",
                               [id, owner]) { (row) throws(StoreError) in
                let result = try row.optionalText(12).map { (text) throws(StoreError) in try JSONCoding.decode(BacktestResult.self, text) }
                return try Self.backtestJob(row, result: result)
            }
        }
    }

    /// `owner`'s jobs, newest first, at most `limit`, without results.
    public func backtestJobs(of owner: UserID, limit: Int = 100) throws(StoreError) -> [BacktestJob] {
        try pool.read { (connection) throws(StoreError) -> [BacktestJob] in
            try connection.rows("SELECT \(Self.backtestColumns) FROM backtest_jobs WHERE owner_id = ? ORDER BY id DESC LIMIT ?",
                                [owner, max(0, limit)]) { (row) throws(StoreError) in try Self.backtestJob(row, result: nil) }
        }
    }
}

/// Why a backtest job failed, as its owner reads it: in words, and when
/// the strategy faulted, the fault and the result up to it.
public struct BacktestJobFailure: Error, Sendable {
    public var message: String
    public var fault: StrategyFault?
    public var partial: BacktestResult?
    public init(_ message: String, fault: StrategyFault? = nil, partial: BacktestResult? = nil) {
        self.message = message
        self.fault = fault
        self.partial = partial
    }
}
