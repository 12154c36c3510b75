import Foundation
import Host
import Marketplace
import Sandbox
import Synchronization

/// Parameter sweeps over the API (`POST /api/strategies/{id}/optimize`): a
/// grid or random search, optionally walk-forward, run as one sandbox job
/// (one slot of the `SandboxJobQueue`, like a backtest) whose backtests run
/// `concurrency` at a time, each in a worker process of its own when
/// `isolation` is set. Sweeps are kept in memory: each user has at most one
/// unfinished and keeps their last `keptPerUser`; a restart ends them (a
/// sweep is repeatable: the same request gives the same ranking).
public final class OptimizationJobs: Sendable {
    public enum Status: String, Sendable { case queued, running, completed, failed }

    /// What a sweep runs.
    public struct Request: Sendable {
        public var ranges: [String: ParameterRange]
        public var search: ParameterSpace.Search
        public var objective: OptimizationObjective
        public var walkForward: WalkForwardPlan?
        public var settings: BacktestSettings
        /// Trials kept in the result, best first.
        public var top: Int

        public init(ranges: [String: ParameterRange], search: ParameterSpace.Search, objective: OptimizationObjective,
                    walkForward: WalkForwardPlan?, settings: BacktestSettings, top: Int) {
            self.ranges = ranges
            self.search = search
            self.objective = objective
            self.walkForward = walkForward
            self.settings = settings
            self.top = top
        }
    }

    public struct Job: Sendable {
        public var id: Int64
        public var owner: UserID
        public var strategyID: StrategyID
        public var versionID: VersionID
        public var status: Status
        public var request: Request
        /// Backtests in the sweep, and how many have finished.
        public var runs: Int
        public var runsDone = 0
        /// The settings with every default filled in (period, timeframe), as a backtest job shows them.
        public var effectiveSettings: BacktestSettings
        public var createdAt: Int64
        public var finishedAt: Int64?
        public var failure: String?
        /// The best `request.top` trials (plain sweep), best first.
        public var trials: [OptimizationTrial] = []
        /// How many trials failed (faulted or could not run).
        public var failedRuns = 0
        /// The windows of a walk-forward sweep.
        public var windows: [WalkForwardWindow]?
    }

    /// The most backtests one sweep over the API runs (the CLI allows `ParameterSpace.maximumTrials`).
    public static let maximumRuns = 200
    let keptPerUser = 10
    let concurrency: Int
    let isolation: IsolationConfiguration?
    let datasets: BacktestDatasets
    let queue: SandboxJobQueue
    let clock: @Sendable () -> Int64
    private let state = Mutex<(next: Int64, jobs: [Int64: Job])>((1, [:]))

    init(datasets: BacktestDatasets, isolation: IsolationConfiguration?, concurrency: Int, queue: SandboxJobQueue,
         clock: @escaping @Sendable () -> Int64) {
        self.datasets = datasets
        self.isolation = isolation
        self.concurrency = max(1, concurrency)
        self.queue = queue
        self.clock = clock
    }

    /// Checks the request against the strategy's declared parameters and the
    /// data, records a queued sweep and starts it. Refusals name the field:
    /// `ranges.<name>`, `search`, `walkForward`, a setting (`BacktestSettingsError`).
    public func submit(owner: UserID, strategy: StrategyID, version: VersionID, source: String, schema: StrategySchema,
                       request: Request) async throws -> Job {
        guard let (dataset, bars) = try await datasets.bars(named: request.settings.dataset, owner: owner) else {
            throw BacktestSettingsError(field: "dataset", issue: "names no bundled dataset and none of yours")
        }
        let space = try ParameterSpace(schema: schema, ranges: request.ranges)
        let candidates = try space.candidates(request.search)
        let trials = BacktestTrials(settings: request.settings, source: source, instrument: Instrument(symbol: request.settings.symbol),
                                    bars: bars, dataHash: dataset.hash, isolation: isolation)
        // The settings must fit the data (a period with bars, a timeframe
        // that divides the data's): checked once here, before anything is queued.
        let checked = try request.settings.configuration(source: source, parameters: space.defaults,
                                                         instrument: Instrument(symbol: request.settings.symbol), bars: bars, dataHash: dataset.hash)
        let effective = request.settings.effective(checked)
        var runs = candidates.count
        if let plan = request.walkForward {
            _ = try plan.periods(of: trials.times)
            runs = plan.windows * (candidates.count + 1)
        }
        guard runs <= Self.maximumRuns else {
            throw BacktestSettingsError(field: request.walkForward == nil ? "ranges" : "walkForward",
                                        issue: "the sweep runs \(runs) backtests; at most \(Self.maximumRuns) over the API (narrow the ranges, use a random search with fewer trials, or run lunar optimize)")
        }
        let ticket = try queue.admit(owner)
        let job: Job
        do {
            job = try state.withLock { (state) throws(PlatformError) -> Job in
                if state.jobs.values.contains(where: { $0.owner == owner && ($0.status == .queued || $0.status == .running) }) {
                    throw PlatformError.quotaExceeded(message: "one parameter sweep at a time: wait for yours to finish", retryAfter: 10)
                }
                let job = Job(id: state.next, owner: owner, strategyID: strategy, versionID: version, status: .queued, request: request,
                              runs: runs, effectiveSettings: effective, createdAt: clock())
                state.next += 1
                state.jobs[job.id] = job
                let finished = state.jobs.values.filter { $0.owner == owner && $0.finishedAt != nil }.sorted { $0.id > $1.id }
                for old in finished.dropFirst(keptPerUser) { state.jobs[old.id] = nil }
                return job
            }
        } catch {
            ticket.finish()
            throw error
        }
        let id = job.id
        Task {
            defer { ticket.finish() }
            do {
                try await ticket.start(maximumWait: nil)
            } catch {
                finish(id) { $0.failure = "\(error)" }
                return
            }
            update(id) { $0.status = .running }
            await offload { [self] in run(id, candidates, request, trials) }
        }
        return job
    }

    /// One of `owner`'s sweeps, or nil.
    public func job(_ id: Int64, owner: UserID) -> Job? {
        state.withLock { $0.jobs[id] }.flatMap { $0.owner == owner ? $0 : nil }
    }

    /// `owner`'s sweeps, newest first.
    public func jobs(of owner: UserID) -> [Job] {
        state.withLock { $0.jobs.values.filter { $0.owner == owner } }.sorted { $0.id > $1.id }
    }

    /// On a Dispatch thread (`offload`): the backtests block.
    private func run(_ id: Int64, _ candidates: [[String: LuaValue]], _ request: Request, _ trials: BacktestTrials) {
        let progress: @Sendable (Int, Int) -> Void = { [self] _, _ in update(id) { $0.runsDone += 1 } }
        if let plan = request.walkForward {
            do {
                let windows = try Optimizer.walkForward(candidates, plan: plan, times: trials.times, objective: request.objective,
                                                        concurrency: concurrency) { parameters, period in
                    defer { progress(0, 0) }
                    return trials.run(parameters, period: period)
                }
                finish(id) { $0.windows = windows; $0.runsDone = $0.runs }
            } catch {
                finish(id) { $0.failure = "\(error)" }
            }
            return
        }
        let ranked = Optimizer.evaluate(candidates, objective: request.objective, concurrency: concurrency, progress: progress) {
            trials.run($0)
        }
        finish(id) { job in
            job.trials = Array(ranked.prefix(request.top))
            job.failedRuns = ranked.filter { $0.failure != nil }.count
            if job.failedRuns == ranked.count { job.failure = "every run failed; the first: \(ranked.first?.failure ?? "unknown")" }
        }
    }

    private func update(_ id: Int64, _ change: (inout Job) -> Void) {
        state.withLock { state in
            guard var job = state.jobs[id] else { return }
            change(&job)
            state.jobs[id] = job
        }
    }

    private func finish(_ id: Int64, _ change: (inout Job) -> Void) {
        let now = clock()
        update(id) { job in
            change(&job)
            job.status = job.failure == nil ? .completed : .failed
            job.finishedAt = now
        }
    }
}
