import Foundation
import Synchronization

/// Runs many deployments at once on a small pool of worker threads, fed by
/// a `MarketDataSource`. Each deployment is pinned to one worker for its
/// whole life (its sandbox is confined to that thread); every worker gets
/// every market event batch and hands it to its own deployments in order.
/// A fault (error, quota, risk halt) stops only the deployment concerned.
///
/// Thread-safety: all public methods may be called from any thread; they
/// enqueue commands that the owning worker executes between event batches.
public final class LiveHost: DeploymentHost {
    public struct Configuration: Sendable {
        /// Worker threads; default: the number of cores.
        public var workers: Int
        /// Events per worker batch before the workers are woken.
        public var batchLimit: Int

        public init(workers: Int = ProcessInfo.processInfo.activeProcessorCount, batchLimit: Int = 256) {
            self.workers = max(1, workers)
            self.batchLimit = max(1, batchLimit)
        }
    }

    /// The emergency stop and owner/deployment kill switches, shared by every
    /// deployment's risk gate.
    public let killSwitches: KillSwitchBoard
    let workers: [LiveWorker]
    let assignments = Mutex<[String: Int]>([:])
    let nextWorker = Atomic<Int>(0)
    let observer: @Sendable (String, DeploymentNotification) -> Void

    /// `observer` receives every deployment's notifications (on the worker's
    /// thread: keep it quick).
    public init(configuration: Configuration = Configuration(), killSwitches: KillSwitchBoard = KillSwitchBoard(),
                observer: @escaping @Sendable (String, DeploymentNotification) -> Void = { _, _ in }) {
        self.killSwitches = killSwitches
        self.observer = observer
        self.workers = (0..<configuration.workers).map { LiveWorker(index: $0, batchLimit: configuration.batchLimit) }
        for worker in workers { worker.start() }
    }

    deinit {
        for worker in workers { worker.shutdown() }
    }

    // MARK: - Deployments

    /// Creates a deployment on the least recently used worker and starts it
    /// at `time`. Throws `DeploymentHostError.refused` with what the script
    /// or its parameters got wrong.
    public func deploy(_ configuration: DeploymentConfiguration, startAt time: Int64) throws(DeploymentHostError) {
        do {
            try install(configuration.id, startAt: time) { board throws(DeploymentError) in
                try DeploymentKernel(configuration: configuration, killSwitches: board)
            }
        } catch {
            throw .refused(error)
        }
    }

    /// Builds a kernel on the next worker (`makeKernel` runs there: the
    /// sandbox is confined to that thread), starts it at `time` (a restored
    /// kernel that was running ignores this) and registers it.
    func install(_ id: String, startAt time: Int64,
                 _ makeKernel: @escaping (KillSwitchBoard) throws(DeploymentError) -> DeploymentKernel) throws(DeploymentError) {
        let index = nextWorker.add(1, ordering: .relaxed).oldValue % workers.count
        let board = killSwitches
        let observer = self.observer
        let result: Result<Void, DeploymentError> = workers[index].perform { registry in
            do throws(DeploymentError) {
                let kernel = try makeKernel(board)
                kernel.observer = { observer(id, $0) }
                kernel.equityInterval = DeploymentKernel.liveEquityInterval
                kernel.start(at: time)
                registry[id] = kernel
                return .success(())
            } catch {
                return .failure(error)
            }
        }
        try result.get()
        assignments.withLock { $0[id] = index }
    }

    /// Stops a deployment (calls `on_stop`, cancels its orders) and removes it.
    /// Returns its final snapshot, or nil if it is unknown.
    @discardableResult
    public func stop(_ id: String) -> DeploymentSnapshot? {
        guard let index = assignments.withLock({ $0.removeValue(forKey: id) }) else { return nil }
        return workers[index].perform { registry in
            guard let kernel = registry.removeValue(forKey: id) else { return nil }
            kernel.stop()
            return DeploymentSnapshot(kernel)
        }
    }

    /// A consistent snapshot of one deployment, taken between events.
    public func snapshot(_ id: String) -> DeploymentSnapshot? {
        guard let index = assignments.withLock({ $0[id] }) else { return nil }
        return workers[index].perform { registry in registry[id].map(DeploymentSnapshot.init) }
    }

    /// Snapshots of every deployment.
    public func snapshots() -> [DeploymentSnapshot] {
        workers.flatMap { worker in
            worker.perform { registry in registry.keys.sorted().map { DeploymentSnapshot(registry[$0]!) } }
        }
    }

    public var deploymentCount: Int { assignments.withLock { $0.count } }

    /// Runs a manual command on the deployment's worker thread, between batches.
    public func execute(_ command: ManualCommand, on id: String) throws(ManualCommandError) -> ManualCommandOutcome {
        guard let index = assignments.withLock({ $0[id] }) else { throw .unknownDeployment(id) }
        let result: Result<ManualCommandOutcome, ManualCommandError> = workers[index].perform { registry in
            guard let kernel = registry[id] else { return .failure(.unknownDeployment(id)) }
            return Result { () throws(ManualCommandError) in try kernel.execute(command) }
        }
        return try result.get()
    }

    // MARK: - Market data

    /// Delivers one batch of events (in order) to every worker.
    public func publish(_ events: [MarketEvent]) {
        guard !events.isEmpty else { return }
        for worker in workers { worker.enqueue(events) }
    }

    /// Waits until every worker has handled everything published so far.
    public func drain() {
        for worker in workers { worker.perform { _ in () } }
    }
}

/// What a caller can see of a deployment's account: a running one's as it
/// stands, a stopped one's as its last checkpoint left it.
public struct DeploymentSnapshot: Sendable {
    public var id: String
    public var status: DeploymentStatus
    public var cash: Money
    public var equity: Money
    public var realizedPnL: Money
    /// Marked value of the open positions minus their cost (at the last marks).
    public var unrealizedPnL: Money
    public var fees: Money
    /// Open positions only.
    public var positions: [Position]
    public var openOrders: [Order]
    public var fillCount: Int
    public var sandboxMemory: Int
    public var recentLog: [DeploymentLogEntry]
    /// The instruments of the account: their precision formats its prices and quantities.
    public var instruments: [Instrument]
    /// The last price each symbol was marked at.
    public var marks: [String: Price]
    /// The cash the account opened with.
    public var initialCash: Money
    /// Σ |position value| and Σ position value at the marks.
    public var grossExposure: Money
    public var netExposure: Money

    init(_ kernel: DeploymentKernel) {
        self.init(id: kernel.id, status: kernel.status, portfolio: kernel.portfolio,
                  openOrders: kernel.router.exchange.openOrders(symbol: nil), fillCount: kernel.fillCount,
                  log: Array(kernel.logEntries.suffix(20)))
        sandboxMemory = kernel.sandboxMemory
    }

    init(id: String, status: DeploymentStatus, portfolio: Portfolio, openOrders: [Order], fillCount: Int, log: [DeploymentLogEntry]) {
        self.id = id
        self.status = status
        cash = portfolio.cash
        equity = portfolio.equity
        realizedPnL = portfolio.realizedPnL
        unrealizedPnL = portfolio.unrealizedPnL
        fees = portfolio.fees
        initialCash = portfolio.initialCash
        grossExposure = portfolio.grossExposure
        netExposure = portfolio.netExposure
        positions = portfolio.openPositions
        self.openOrders = openOrders
        self.fillCount = fillCount
        sandboxMemory = 0
        recentLog = log
        instruments = portfolio.instruments
        var marks: [String: Price] = [:]
        for (index, instrument) in portfolio.instruments.enumerated() {
            if let mark = portfolio.mark(at: index) { marks[instrument.symbol] = mark }
        }
        self.marks = marks
    }

    /// The account a stopped or faulted deployment's saved checkpoint holds.
    public init(stopped checkpoint: DeploymentCheckpoint) {
        self.init(id: checkpoint.id, status: checkpoint.status.status ?? .stopped, portfolio: checkpoint.portfolio,
                  openOrders: checkpoint.openOrders, fillCount: checkpoint.fillCount, log: [])
    }

    /// The instrument of `symbol` in this account, if it holds one.
    public func instrument(_ symbol: String) -> Instrument? { instruments.first { $0.symbol == symbol } }
}
