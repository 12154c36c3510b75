import Foundation
import Host
import Sandbox
import Marketplace

/// Backtest jobs: recorded in the store (they outlive a restart; ids never
/// repeat), queued for a sandbox slot, run off the event loops (in a worker
/// process of their own when `isolation` is set, as `lunar serve` does; on a
/// thread in tests), polled by id. Each user may have `concurrentPerUser`
/// unfinished jobs (counted in the insert's transaction) and keeps their last
/// `keptPerUser` finished ones. A job that was queued or running when the
/// server stopped reads `failed`, `BacktestJob.interruptedReason`.
///
/// Threads: async callers reach the store through `store.read`/`write`; the
/// run itself calls it directly, from the Dispatch thread it runs on.
public final class BacktestJobs: Sendable {
    public typealias Status = BacktestJob.Status
    public typealias Job = BacktestJob

    let store: MarketplaceStore
    /// The bundled datasets and users' own.
    let datasets: BacktestDatasets
    let isolation: IsolationConfiguration?
    let concurrentPerUser: Int
    let keptPerUser = 20
    /// How often a running job's progress is written, at most.
    static let progressInterval: Duration = .milliseconds(500)
    /// Where jobs wait for a sandbox slot (shared with upload validation).
    let queue: SandboxJobQueue

    /// Fails the jobs a previous run left queued or running: nothing runs
    /// them any more. Called once, as the platform starts.
    init(store: MarketplaceStore, samplePath: String, isolation: IsolationConfiguration?, concurrentPerUser: Int, queue: SandboxJobQueue) {
        self.store = store
        self.queue = queue
        datasets = BacktestDatasets(store: store, samplePath: samplePath)
        self.isolation = isolation
        self.concurrentPerUser = concurrentPerUser
        // At start-up, before any request: no request task (and so no
        // refusal of blocking calls) is around yet. A failure here leaves
        // old jobs `running`; the next start tries again.
        _ = try? store.failInterruptedBacktestJobs(reason: BacktestJob.interruptedReason)
    }

    /// The dataset a request that names none runs on.
    public var defaultDataset: String { datasets.defaultName }

    /// The bundled datasets, then `owner`'s.
    public func datasets(of owner: UserID) async throws -> [BacktestDataset] { try await datasets.list(owner: owner) }

    /// A bundled dataset or one of `owner`'s; nil when neither has that name.
    public func dataset(named name: String, owner: UserID) async throws -> BacktestDataset? {
        try await datasets.dataset(named: name, owner: owner)
    }

    /// Records a queued job and starts it. `settings` name the data, period
    /// and costs; a setting that does not fit the data (an empty period, a
    /// timeframe that is no multiple of the data's, a dataset `owner` does
    /// not have) is refused with `BacktestSettingsError` before anything is
    /// recorded. Refused with `quotaExceeded` (429) past the per-user limit.
    /// The job records the settings with every default filled in.
    public func submit(owner: UserID, strategy: StrategyID, version: VersionID, source: String,
                       parameters: [String: LuaValue], settings: BacktestSettings) async throws -> Job {
        guard let (dataset, bars) = try await datasets.bars(named: settings.dataset, owner: owner) else {
            throw BacktestSettingsError(field: "dataset", issue: "names no bundled dataset and none of yours")
        }
        // Cutting the period is one pass over bars already in memory: done here.
        let configuration = try settings.configuration(source: source, parameters: parameters,
                                                       instrument: Instrument(symbol: settings.symbol), bars: bars, dataHash: dataset.hash)
        let (limit, kept, effective) = (concurrentPerUser, keptPerUser, settings.effective(configuration))
        let job = try await store.write { store in
            try store.createBacktestJob(owner: owner, strategy: strategy, version: version, parameters: parameters,
                                        settings: effective, maximumUnfinished: limit, keepFinished: kept)
        }
        let ticket: SandboxJobQueue.Ticket
        do {
            ticket = try queue.admit(owner)
        } catch {
            _ = try? await store.write { try $0.removeBacktestJob(job.id) }
            throw error
        }
        // Queued until a sandbox slot frees (no bound on the wait: the
        // caller polls the job); then run off the event loops.
        let id = job.id
        Task { [store] in
            defer { ticket.finish() }
            do {
                try await ticket.start(maximumWait: nil)
            } catch {
                _ = try? await store.write { try $0.finishBacktestJob(id, .failure(BacktestJobFailure("\(error)"))) }
                return
            }
            await offload { [self] in run(id, configuration) }
        }
        return job
    }

    /// One of `owner`'s jobs with its result, or nil.
    public func job(_ id: Int64, owner: UserID) async throws -> Job? {
        try await store.read { try $0.backtestJob(id, owner: owner) }
    }

    /// `owner`'s kept jobs, newest first, without results.
    public func jobs(of owner: UserID) async throws -> [Job] {
        let bound = keptPerUser + concurrentPerUser
        return try await store.read { try $0.backtestJobs(of: owner, limit: bound) }
    }

    /// Runs on a Dispatch thread (`offload`), so it calls the store directly.
    /// Store failures here are dropped: the job then reads as it last was
    /// stored, and a restart fails it if it never finished.
    private func run(_ id: Int64, _ configuration: BacktestConfiguration) {
        try? store.startBacktestJob(id)
        let outcome: Result<BacktestEnding, any Error>
        if let isolation {
            outcome = Result { try BacktestEngine.runIsolated(configuration, isolation: isolation).ending() }
        } else {
            let clock = ContinuousClock()
            var lastWrite = clock.now
            outcome = Result {
                try BacktestEngine.run(configuration, progress: { [store] done, total in
                    guard total > 0, clock.now - lastWrite >= Self.progressInterval else { return }
                    lastWrite = clock.now
                    try? store.recordBacktestProgress(id, Double(done) / Double(total))
                }).ending
            }
        }
        try? store.finishBacktestJob(id, Self.finished(outcome))
    }

    /// A run's ending as the job records it: a fault fails the job, keeping
    /// the partial result, in either mode.
    static func finished(_ outcome: Result<BacktestEnding, any Error>) -> Result<BacktestResult, BacktestJobFailure> {
        switch outcome {
        case .success(.completed(let result)):
            .success(result)
        case .success(.failed(let fault, let partial)):
            .failure(BacktestJobFailure("the strategy faulted: \(fault.summary)", fault: fault, partial: partial))
        case .failure(IsolationError.deploymentRefused(_, let reason)):
            .failure(BacktestJobFailure(reason))
        case .failure(let error):
            .failure(BacktestJobFailure("\(error)"))
        }
    }
}
