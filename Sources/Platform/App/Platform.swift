import Foundation
import Host
import Marketplace
import Synchronization

/// The application layer: what `lunar serve`, the CLI and an embedder call
/// to run the platform, with no HTTP in sight. It owns the deployment host
/// and the lifecycle of every deployment (start, stop, delete, manual
/// commands, serialised per deployment so the store and the host agree
/// after every command), the journal writer and the checkpoints, the
/// backtest jobs, the market tape, the kill switches, and the stops a ban
/// asks for (it is the store's `DeploymentController`).
///
/// Every method that may block (SQLite, a worker's reply) is `async` and
/// runs its blocking part on the store's threads or a Dispatch thread,
/// never on the caller's: the Gateway's event loops never wait on a disk.
public final class Platform: Sendable {
    /// The platform's bounds and where it finds its data.
    public struct Configuration: Sendable {
        /// Deployments a user may hold at once (any status).
        public var maximumDeploymentsPerUser: Int
        /// How long a caller waits for a host command; past it `PlatformError.hostTimeout`.
        public var hostCallDeadline: Duration
        /// The bundled bars API backtests run on.
        public var sampleDataPath: String
        /// Worker processes for backtests (nil: a thread in this process).
        public var backtestIsolation: IsolationConfiguration?
        /// Backtests a user may have queued or running at once.
        public var maximumBacktestsPerUser: Int
        /// Admission of every job that runs strategy code for a caller.
        public var sandboxJobs: SandboxJobQueue.Limits
        /// Backtests one parameter sweep runs at a time.
        public var optimizationConcurrency: Int
        /// The journal writer's queue and retry policy.
        public var journal: JournalWriter.Policy

        public init(maximumDeploymentsPerUser: Int = 10, hostCallDeadline: Duration = .seconds(30),
                    sampleDataPath: String = "data/sample-btcusd-1h.csv", backtestIsolation: IsolationConfiguration? = nil,
                    maximumBacktestsPerUser: Int = 3,
                    sandboxJobs: SandboxJobQueue.Limits = .init(concurrent: 2, maximumQueued: 16, perUser: 3, maximumWait: .seconds(30)),
                    optimizationConcurrency: Int = 2, journal: JournalWriter.Policy = .init()) {
            self.maximumDeploymentsPerUser = maximumDeploymentsPerUser
            self.hostCallDeadline = hostCallDeadline
            self.sampleDataPath = sampleDataPath
            self.backtestIsolation = backtestIsolation
            self.maximumBacktestsPerUser = maximumBacktestsPerUser
            self.sandboxJobs = sandboxJobs
            self.optimizationConcurrency = optimizationConcurrency
            self.journal = journal
        }
    }

    public let configuration: Configuration
    public let store: MarketplaceStore
    public let host: any DeploymentHost
    /// The market the feed publishes (market-data routes read it).
    public let tape: MarketTape
    public let backtests: BacktestJobs
    /// Parameter sweeps (in memory).
    public let optimizations: OptimizationJobs
    /// Admission of every job that runs strategy code for a caller.
    public let sandboxJobs: SandboxJobQueue
    let runtime: DeploymentRuntime
    /// Alerts from what deployments do, and the kill switches (`AlertEngine`).
    public let alerts: AlertEngine
    /// One lifecycle command at a time per deployment.
    let lanes = DeploymentLanes()
    /// Closed-trade replays of journals (paper records), by deployment (`closedTrades(_:like:)`).
    let replays = Mutex<[DeploymentID: (sequence: Int64, account: Portfolio)]>([:])
    /// Serialises kill-switch changes, so the host applies them in the order
    /// the store committed them (the store holds them; the host enforces them).
    let killSwitchChanges = Mutex(())

    /// Builds the platform over a store and a host whose notifications come
    /// through `relay`, and attaches itself as the store's deployment
    /// controller (a ban stops the user's deployments in this host).
    public init(configuration: Configuration, store: MarketplaceStore, host: any DeploymentHost, tape: MarketTape,
                relay: DeploymentEventRelay) {
        self.configuration = configuration
        self.store = store
        self.host = host
        self.tape = tape
        sandboxJobs = SandboxJobQueue(configuration.sandboxJobs)
        backtests = BacktestJobs(store: store, samplePath: configuration.sampleDataPath, isolation: configuration.backtestIsolation,
                                 concurrentPerUser: configuration.maximumBacktestsPerUser, queue: sandboxJobs)
        optimizations = OptimizationJobs(datasets: backtests.datasets, isolation: configuration.backtestIsolation,
                                         concurrency: configuration.optimizationConcurrency, queue: sandboxJobs) { Int64(Date().timeIntervalSince1970) }
        runtime = DeploymentRuntime(store: store, host: host, tape: tape, relay: relay, journal: configuration.journal)
        alerts = AlertEngine(store: store, runtime: runtime, tape: tape)
        store.attach(self)
    }

    /// The host's name for a stored deployment.
    public static func hostID(_ id: DeploymentID) -> String { DeploymentRuntime.hostID(id) }

    /// Runs blocking host work on a Dispatch thread and waits for it at most
    /// `configuration.hostCallDeadline`: past it `PlatformError.hostTimeout`
    /// (the work itself ends by the host's own reply deadline).
    public func hostCall<T: Sendable>(_ what: String, _ work: @escaping @Sendable () throws -> T) async throws -> T {
        try await withDeadline(configuration.hostCallDeadline, work) { PlatformError.hostTimeout(what: what, after: $0) }
    }
}
