import Foundation
import Host
import Sandbox
import Marketplace
import Synchronization

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
    let samplePath: String
    let isolation: IsolationConfiguration?
    let concurrentPerUser: Int
    let keptPerUser = 20
    /// How often a running job's progress is written, at most.
    static let progressInterval: Duration = .milliseconds(500)
    /// Where jobs wait for a sandbox slot (shared with upload validation).
    let queue: SandboxJobQueue
    private let bars = Mutex<[Bar]?>(nil)

    /// Fails the jobs a previous run left queued or running: nothing runs
    /// them any more. Called once, as the platform starts.
    init(store: MarketplaceStore, samplePath: String, isolation: IsolationConfiguration?, concurrentPerUser: Int, queue: SandboxJobQueue) {
        self.store = store
        self.queue = queue
        self.samplePath = samplePath
        self.isolation = isolation
        self.concurrentPerUser = concurrentPerUser
        // At start-up, before any request: no request task (and so no
        // refusal of blocking calls) is around yet. A failure here leaves
        // old jobs `running`; the next start tries again.
        _ = try? store.failInterruptedBacktestJobs(reason: BacktestJob.interruptedReason)
    }

    /// Records a queued job and starts it; refused with `quotaExceeded`
    /// (429) past the per-user limit.
    public func submit(owner: UserID, strategy: StrategyID, version: VersionID, source: String,
                       parameters: [String: LuaValue]) async throws -> Job {
        let (limit, kept) = (concurrentPerUser, keptPerUser)
        let job = try await store.write { store in
            try store.createBacktestJob(owner: owner, strategy: strategy, version: version, parameters: parameters,
                                        maximumUnfinished: limit, keepFinished: kept)
        }
        let bars: [Bar]
        let ticket: SandboxJobQueue.Ticket
        do {
            bars = try sampleBars()
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
            await offload { [self] in run(id, source: source, parameters: parameters, bars: bars) }
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

    private func sampleBars() throws -> [Bar] {
        try bars.withLock { cached in
            if let cached { return cached }
            let loaded = try BarCSV.load(path: samplePath, instrument: Instrument(symbol: "BTCUSD"))
            cached = loaded
            return loaded
        }
    }

    /// Runs on a Dispatch thread (`offload`), so it calls the store directly.
    /// Store failures here are dropped: the job then reads as it last was
    /// stored, and a restart fails it if it never finished.
    private func run(_ id: Int64, source: String, parameters: [String: LuaValue], bars: [Bar]) {
        try? store.startBacktestJob(id)
        let configuration = BacktestConfiguration(source: source, parameters: parameters, instruments: [Instrument(symbol: "BTCUSD")],
                                                  bars: ["BTCUSD": bars], timeframe: BarCSV.timeframe(of: bars))
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
