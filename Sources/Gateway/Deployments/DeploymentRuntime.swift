import Crypto
import Foundation
import Host
import Logging
import Marketplace
import Synchronization

/// Connects stored deployments to the `DeploymentHost`: starting one
/// deploys its run spec (script from the store's trusted `runSpec`, never a
/// user route) into the host; the host's notifications are journaled in the
/// store (orders, fills) and kept as a bounded recent log per deployment;
/// a fault is recorded on the deployment's state machine. The
/// `CheckpointKeeper` saves each deployment's account so a restart (of the
/// server, or of the deployment by its owner) continues it.
final class DeploymentRuntime: Sendable {
    static let logLimit = 200
    /// Seconds between checkpoint saves: what a hard kill can lose at most.
    static let checkpointInterval = 1.0
    let store: MarketplaceStore
    let host: any DeploymentHost
    let tape: MarketTape
    let checkpoints: CheckpointKeeper
    private let logger = Logger(label: "lunar.deployments")
    /// Set at shutdown after the last checkpoint save: the stops that follow
    /// are not journaled (see `shutDown()`).
    private let muted = Atomic<Bool>(false)
    private let logs = Mutex<[Int64: [DeploymentLogEntry]]>([:])
    private let listeners = Mutex<[UUID: @Sendable (Int64, DeploymentNotification) -> Void]>([:])
    /// The owner of each deployment launched into the host (for bans).
    private let owners = Mutex<[DeploymentID: UserID]>([:])

    init(store: MarketplaceStore, host: any DeploymentHost, tape: MarketTape, relay: DeploymentEventRelay) {
        self.store = store
        self.host = host
        self.tape = tape
        checkpoints = CheckpointKeeper(store: store, host: host)
        checkpoints.start(every: Self.checkpointInterval)
        relay.attach { [weak self] hostID, notification in self?.receive(hostID, notification) }
    }

    static func hostID(_ id: DeploymentID) -> String { "deployment-\(id.rawValue)" }
    static func deploymentID(_ hostID: String) -> Int64? { Int64(hostID.dropFirst("deployment-".count)) }

    /// Deploys a stored deployment (already marked running) into the host,
    /// from its saved checkpoint when it has one (`CheckpointKeeper.resumePoint`).
    /// A checkpoint that cannot be decoded or restored faults the deployment
    /// with `restore failed: ...`: never a fresh account in silence.
    func launch(_ id: DeploymentID) throws {
        let spec = try store.runSpec(of: id)
        let configuration = DeploymentConfiguration(
            id: Self.hostID(id), ownerID: spec.deployment.ownerID.description, source: spec.source,
            chunkName: "deployment-\(id.rawValue).lua", parameters: spec.deployment.parameters, instruments: tape.instruments,
            symbols: spec.deployment.market?.symbols, timeframe: spec.deployment.market?.timeframe,
            risk: LayeredRiskLimits(deployment: spec.deployment.risk, owner: try store.ownerRiskLimits(of: spec.deployment.ownerID)))
        // A faulted run may still sit in the host: take it out, keeping its account.
        checkpoints.stop(id)
        let checkpoint: HostCheckpoint?
        do {
            checkpoint = try checkpoints.resumePoint(of: id)
        } catch {
            fault(id, reason: "restore failed: \(error)")
            throw error
        }
        owners.withLock { $0[id] = spec.deployment.ownerID }
        do {
            try host.deploy(configuration, startAt: tape.latestTime ?? Int64(Date().timeIntervalSince1970), restoring: checkpoint)
        } catch {
            fault(id, reason: "\(checkpoint == nil ? "start" : "restore") failed: \(error)")
            throw error
        }
    }

    private func fault(_ id: DeploymentID, reason: String) {
        logger.error("deployment \(id.rawValue) faulted: \(reason)")
        _ = try? store.recordDeploymentEvent(id, .fault(reason: reason))
    }

    /// Redeploys what was running when the server last stopped.
    func resume() throws -> Int {
        var resumed = 0
        for deployment in try store.deploymentsToResume() where (try? launch(deployment.id)) != nil { resumed += 1 }
        return resumed
    }

    /// Stops a deployment, saving the account its stop left for a later start.
    func stop(_ id: DeploymentID) {
        checkpoints.stop(id)
        owners.withLock { $0[id] = nil }
    }

    /// Removes a deleted deployment's run from the host, saving nothing.
    func discard(_ id: DeploymentID) {
        host.stop(Self.hostID(id))
        owners.withLock { $0[id] = nil }
    }

    /// Graceful shutdown (the feed has stopped): lets the host finish what
    /// was published, saves every deployment's checkpoint while it still
    /// runs, then stops them all. What those stops do (`on_stop`, working
    /// orders canceled) is neither saved nor journaled: the next start
    /// resumes the orders as working, and the journal must agree.
    func shutDown() {
        host.drain()
        checkpoints.finish()
        muted.store(true, ordering: .releasing)
        for snapshot in host.snapshots() { host.stop(snapshot.id) }
        host.drain()
    }

    func snapshot(_ id: DeploymentID) -> DeploymentSnapshot? { host.snapshot(Self.hostID(id)) }

    /// Carries out a manual command on a running deployment's account. It
    /// blocks until the deployment's thread or worker answers: routes call it
    /// through `Gateway.hostCall`, off the event loops and with a deadline.
    func execute(_ command: ManualCommand, on id: DeploymentID) throws -> ManualCommandOutcome {
        try host.execute(command, on: Self.hostID(id))
    }

    func recentLog(_ id: DeploymentID) -> [DeploymentLogEntry] { logs.withLock { $0[id.rawValue] ?? [] } }

    /// Adds a listener for every notification (the WebSocket hub); returns its key for `removeListener`.
    func addListener(_ body: @escaping @Sendable (Int64, DeploymentNotification) -> Void) -> UUID {
        let key = UUID()
        listeners.withLock { $0[key] = body }
        return key
    }

    func removeListener(_ key: UUID) { _ = listeners.withLock { $0.removeValue(forKey: key) } }

    private func receive(_ hostID: String, _ notification: DeploymentNotification) {
        guard !muted.load(ordering: .acquiring), let raw = Self.deploymentID(hostID) else { return }
        let id = DeploymentID(raw)
        let encoder = JSONEncoder()
        switch notification {
        case .order(let order):
            if let body = try? encoder.encode(order) {
                _ = try? store.saveCheckpoint(DeploymentCheckpoint(orders: [JournalRecord(id: String(order.id), body: body)]), for: id)
            }
        case .fill(let fill):
            if let body = try? encoder.encode(fill) {
                let key = SHA256.hash(data: body).prefix(12).map { String(format: "%02x", $0) }.joined()
                _ = try? store.saveCheckpoint(DeploymentCheckpoint(fills: [JournalRecord(id: key, orderID: String(fill.orderID), body: body)]), for: id)
            }
        case .log(let entry):
            logs.withLock { logs in
                var entries = logs[raw] ?? []
                entries.append(entry)
                if entries.count > Self.logLimit { entries.removeFirst(entries.count - Self.logLimit) }
                logs[raw] = entries
            }
        case .status(let status):
            if status.isFaulted { _ = try? store.recordDeploymentEvent(id, .fault(reason: status.description)) }
        }
        for listener in listeners.withLock({ Array($0.values) }) { listener(raw, notification) }
    }
}

extension DeploymentRuntime: DeploymentController {
    /// A ban (the store has marked the rows stopped and committed): stops the
    /// owner's deployments in the host, saving each account as a stop does.
    func stopDeployments(ownedBy owner: UserID, reason: String) {
        let ids = owners.withLock { $0.filter { $0.value == owner }.map(\.key) }
        for id in ids.sorted(by: { $0.rawValue < $1.rawValue }) {
            logger.notice("deployment \(id.rawValue) stopped: \(reason)")
            stop(id)
        }
    }
}
