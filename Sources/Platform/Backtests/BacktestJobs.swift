import Foundation
import Host
import Sandbox
import Marketplace
import Synchronization

/// Backtest jobs: queued, run off the event loops (in a worker process of
/// their own when `isolation` is set, as `lunar serve` does; on a thread in
/// tests), polled by id. Memory is bounded: each user keeps their last
/// `keptPerUser` jobs and may have `concurrentPerUser` unfinished ones.
public final class BacktestJobs: Sendable {
    public enum Status: String, Codable, Sendable { case queued, running, completed, failed }

    /// One job as a poller sees it.
    public struct Job: Sendable {
        public var id: Int64
        public var ownerID: UserID
        public var strategyID: StrategyID
        public var versionID: VersionID
        public var status: Status
        public var progress: Double
        public var createdAt: Int64
        public var finishedAt: Int64?
        public var error: String?
        public var result: BacktestResult?
    }

    let samplePath: String
    let isolation: IsolationConfiguration?
    let concurrentPerUser: Int
    let keptPerUser = 20
    /// Where jobs wait for a sandbox slot (shared with upload validation).
    let queue: SandboxJobQueue
    private let jobs = Mutex<[Int64: Job]>([:])
    private let nextID = Atomic<Int64>(1)
    private let bars = Mutex<[Bar]?>(nil)

    init(samplePath: String, isolation: IsolationConfiguration?, concurrentPerUser: Int, queue: SandboxJobQueue) {
        self.queue = queue
        self.samplePath = samplePath
        self.isolation = isolation
        self.concurrentPerUser = concurrentPerUser
    }

    /// Queues a job and starts it; refused with 429 past the per-user limit.
    public func submit(owner: UserID, strategy: StrategyID, version: VersionID, source: String,
                parameters: [String: LuaValue], now: Int64) throws -> Job {
        let id = nextID.add(1, ordering: .relaxed).oldValue
        let job = Job(id: id, ownerID: owner, strategyID: strategy, versionID: version, status: .queued, progress: 0, createdAt: now)
        try jobs.withLock { jobs in
            let mine = jobs.values.filter { $0.ownerID == owner }
            guard mine.filter({ $0.status == .queued || $0.status == .running }).count < concurrentPerUser else {
                throw PlatformError.quotaExceeded(message: "at most \(concurrentPerUser) backtests may be queued or running at once",
                                                  retryAfter: 5)
            }
            for old in mine.sorted(by: { $0.id < $1.id }).dropLast(keptPerUser - 1) where old.finishedAt != nil { jobs[old.id] = nil }
            jobs[id] = job
        }
        let bars: [Bar]
        let ticket: SandboxJobQueue.Ticket
        do {
            bars = try sampleBars()
            ticket = try queue.admit(owner)
        } catch {
            jobs.withLock { $0[id] = nil }
            throw error
        }
        // Queued until a sandbox slot frees (no bound on the wait: the
        // caller polls the job); then run off the event loops.
        Task {
            defer { ticket.finish() }
            do {
                try await ticket.start(maximumWait: nil)
            } catch {
                update(id) { $0.status = .failed; $0.error = "\(error)"; $0.finishedAt = Int64(Date().timeIntervalSince1970) }
                return
            }
            await offload { [self] in run(id, source: source, parameters: parameters, bars: bars) }
        }
        return job
    }

    public func job(_ id: Int64, owner: UserID) -> Job? { jobs.withLock { $0[id] }.flatMap { $0.ownerID == owner ? $0 : nil } }
    public func jobs(of owner: UserID) -> [Job] { jobs.withLock { $0.values.filter { $0.ownerID == owner } }.sorted { $0.id > $1.id } }

    private func sampleBars() throws -> [Bar] {
        try bars.withLock { cached in
            if let cached { return cached }
            let loaded = try BarCSV.load(path: samplePath, instrument: Instrument(symbol: "BTCUSD"))
            cached = loaded
            return loaded
        }
    }

    private func run(_ id: Int64, source: String, parameters: [String: LuaValue], bars: [Bar]) {
        update(id) { $0.status = .running }
        let configuration = BacktestConfiguration(source: source, parameters: parameters, instruments: [Instrument(symbol: "BTCUSD")],
                                                  bars: ["BTCUSD": bars], timeframe: BarCSV.timeframe(of: bars))
        let outcome: Result<BacktestResult, any Error>
        if let isolation {
            outcome = Result { try BacktestEngine.runIsolated(configuration, isolation: isolation).result() }
        } else {
            outcome = Result {
                try BacktestEngine.run(configuration, progress: { done, total in
                    if done % 500 == 0, total > 0 { self.update(id) { $0.progress = Double(done) / Double(total) } }
                }).result
            }
        }
        let finished = Int64(Date().timeIntervalSince1970)
        update(id) { job in
            job.finishedAt = finished
            switch outcome {
            case .success(let result): job.status = .completed; job.progress = 1; job.result = result
            case .failure(let error): job.status = .failed; job.error = "\(error)"
            }
        }
    }

    private func update(_ id: Int64, _ change: (inout Job) -> Void) {
        jobs.withLock { jobs in if var job = jobs[id] { change(&job); jobs[id] = job } }
    }
}
