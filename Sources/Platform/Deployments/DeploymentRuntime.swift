import Foundation
import Host
import Logging
import Marketplace
import Synchronization

/// Connects stored deployments to the `DeploymentHost`: starting one
/// deploys its run spec (script from the store's trusted `runSpec`, never a
/// user route) into the host; the host's notifications are journaled in the
/// store (orders, fills) through the `JournalWriter` and kept as a bounded
/// recent log per deployment; a fault is recorded on the deployment's state
/// machine. The `CheckpointKeeper` saves each deployment's account so a
/// restart (of the server, or of the deployment by its owner) continues it.
///
/// A journal or checkpoint write that fails past its retries halts the
/// deployment (reduce-only: exits pass, nothing new opens) with the reason,
/// in the host at once and in the store as soon as it takes a write.
final class DeploymentRuntime: Sendable {
    static let logLimit = 200
    /// Seconds between checkpoint saves: what a hard kill can lose at most.
    static let checkpointInterval = 1.0
    let store: MarketplaceStore
    let host: any DeploymentHost
    let tape: MarketTape
    let checkpoints: CheckpointKeeper
    let journal: JournalWriter
    private let logger = Logger(label: "lunar.deployments")
    /// Set at shutdown after the last checkpoint save: the stops that follow
    /// are not journaled (see `shutDown()`).
    private let muted = Atomic<Bool>(false)
    private let logs = Mutex<[Int64: LogRing]>([:])
    private let listeners = Listeners()
    /// The owner of each deployment launched into the host (for bans).
    private let owners = Mutex<[DeploymentID: UserID]>([:])
    /// Deployments halted because their records could not be written, with
    /// the reason; `recorded` once the store holds the halt.
    private let writeHalts = Mutex<[DeploymentID: (reason: String, recorded: Bool)]>([:])

    init(store: MarketplaceStore, host: any DeploymentHost, tape: MarketTape, relay: DeploymentEventRelay,
         journal policy: JournalWriter.Policy) {
        self.store = store
        self.host = host
        self.tape = tape
        let halt = HaltRelay()
        let listeners = self.listeners
        journal = JournalWriter(store: store, policy: policy, onFailure: { id, reason in halt.halt(id, reason) },
                                onCommitted: { id, notifications in
                                    for notification in notifications { listeners.publish(id.rawValue, notification) }
                                })
        checkpoints = CheckpointKeeper(store: store, host: host, journal: journal) { id, reason in halt.halt(id, reason) }
        halt.attach { [weak self] id, reason in self?.haltForWrites(id, reason: reason) }
        checkpoints.start(every: Self.checkpointInterval) { [weak self] in self?.recordPendingHalts() }
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
        journal.begin(id, fillCount: checkpoint?.fillCount ?? 0)
        // A halt outlives a restart: engaged before the first event reaches it.
        if case .halted(let reason) = spec.deployment.status {
            writeHalts.withLock { $0[id] = (reason, true) }
            host.engageKillSwitch(.deployment(Self.hostID(id)), level: .reduceOnly, reason: reason)
        }
        do {
            try host.deploy(configuration, startAt: tape.latestTime ?? Int64(Date().timeIntervalSince1970), restoring: checkpoint)
        } catch {
            fault(id, reason: "\(checkpoint == nil ? "start" : "restore") failed: \(error)")
            throw error
        }
        // A ban that committed while this start ran found no run to stop:
        // the row says stopped now, so the run goes.
        if case .stopped = try? store.runSpec(of: id).deployment.status { stop(id) }
    }

    private func fault(_ id: DeploymentID, reason: String) {
        recordFault(id, reason: reason)
    }

    /// Logs a fault once (id, owner, reason) and records it on the
    /// deployment's row. A fault needs no halt to be safe (a faulted run
    /// trades no more); a write that fails is logged.
    private func recordFault(_ id: DeploymentID, reason: String) {
        // A start that failed never registered its owner here: the row knows it.
        let owner = (self.owner(of: id) ?? (try? store.runSpec(of: id).deployment.ownerID)).map { String($0.rawValue) } ?? "unknown"
        logger.error("deployment faulted", metadata: ["deployment": "\(id.rawValue)", "owner": "\(owner)", "reason": "\(reason)"])
        do {
            _ = try store.recordDeploymentEvent(id, .fault(reason: reason))
        } catch .notFound, .illegalTransition {
            // Deleted, or already stopped or faulted.
        } catch {
            logger.error("deployment \(id.rawValue): the fault could not be recorded: \(error)")
        }
    }

    /// Stops a deployment, saving the account its stop left for a later
    /// start. A halt for failed writes ends with the run (the store's own
    /// switches are engaged again by the caller if any covers it).
    func stop(_ id: DeploymentID) {
        checkpoints.stop(id)
        owners.withLock { $0[id] = nil }
        if writeHalts.withLock({ $0.removeValue(forKey: id) }) != nil {
            host.releaseKillSwitch(.deployment(Self.hostID(id)))
        }
    }

    /// The reason a deployment is halted for failed writes, if it is.
    func writeHalt(_ id: DeploymentID) -> String? { writeHalts.withLock { $0[id]?.reason } }

    /// Halts a deployment whose records could not be written: reduce-only in
    /// the host now, and `halted` with the reason in the store (now, or at a
    /// later checkpoint tick once the store takes writes again).
    private func haltForWrites(_ id: DeploymentID, reason: String) {
        guard writeHalts.withLock({ halts in
            guard halts[id] == nil else { return false }
            halts[id] = (reason, false)
            return true
        }) else { return }
        logger.critical("deployment \(id.rawValue) halted (reduce-only): \(reason)")
        host.engageKillSwitch(.deployment(Self.hostID(id)), level: .reduceOnly, reason: reason)
        recordPendingHalts()
    }

    /// Writes the halts the store has not taken yet; retried every checkpoint tick.
    private func recordPendingHalts() {
        let pending = writeHalts.withLock { $0.filter { !$0.value.recorded } }
        for (id, halt) in pending.sorted(by: { $0.key.rawValue < $1.key.rawValue }) {
            do {
                _ = try store.recordDeploymentEvent(id, .halt(reason: halt.reason))
            } catch .notFound {
                // Deleted meanwhile: nothing to record.
            } catch .illegalTransition {
                // Already halted, stopped or faulted: the row says so already.
            } catch {
                continue
            }
            writeHalts.withLock { if $0[id] != nil { $0[id]!.recorded = true } }
        }
    }

    /// Removes a deleted deployment's run from the host, saving nothing.
    func discard(_ id: DeploymentID) {
        host.stop(Self.hostID(id))
        journal.discard(id)
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
        if !journal.flushBlocking(timeout: .seconds(10)) {
            logger.error("shutdown: the journal writer still holds \(journal.backlog) entries (last error: \(journal.lastError ?? "none"))")
        }
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

    /// The owner of a deployment launched into the host (nil once it stopped).
    func owner(of id: DeploymentID) -> UserID? { owners.withLock { $0[id] } }

    func recentLog(_ id: DeploymentID) -> [DeploymentLogEntry] { logs.withLock { $0[id.rawValue]?.entries ?? [] } }

    /// Up to `limit` of the kept log lines older than sequence `before`, newest first, with their sequence numbers.
    func logPage(_ id: DeploymentID, before: Int64?, limit: Int) -> [(sequence: Int64, entry: DeploymentLogEntry)] {
        logs.withLock { logs in
            guard let ring = logs[id.rawValue] else { return [] }
            let first = ring.next - Int64(ring.entries.count)
            var page: [(Int64, DeploymentLogEntry)] = []
            var sequence = min(before.map { $0 - 1 } ?? ring.next - 1, ring.next - 1)
            while sequence >= first, page.count < limit {
                page.append((sequence, ring.entries[Int(sequence - first)]))
                sequence -= 1
            }
            return page
        }
    }

    /// Adds a listener for every notification (the WebSocket hub); returns its key for `removeListener`.
    func addListener(_ body: @escaping @Sendable (Int64, DeploymentNotification) -> Void) -> UUID { listeners.add(body) }

    func removeListener(_ key: UUID) { listeners.remove(key) }

    private func receive(_ hostID: String, _ notification: DeploymentNotification) {
        guard !muted.load(ordering: .acquiring), let raw = Self.deploymentID(hostID) else { return }
        let id = DeploymentID(raw)
        let encoder = JSONEncoder()
        switch notification {
        case .order(let order):
            do {
                let body = try encoder.encode(order)
                journal.append(Marketplace.DeploymentCheckpoint(orders: [JournalRecord(id: String(order.id), body: body)]),
                               notification: notification, for: id)
            } catch {
                haltForWrites(id, reason: "order \(order.id) could not be encoded for the journal: \(error)")
            }
        case .fill(let fill):
            do {
                journal.append(Marketplace.DeploymentCheckpoint(fills: [try Self.journalRecord(of: fill)]),
                               notification: notification, for: id)
            } catch {
                haltForWrites(id, reason: "a fill of order \(fill.orderID) could not be encoded for the journal: \(error)")
            }
        case .log(let entry):
            logs.withLock { logs in
                var ring = logs[raw] ?? LogRing()
                ring.append(entry, limit: Self.logLimit)
                logs[raw] = ring
            }
        case .status(let status):
            if status.isFaulted { recordFault(id, reason: status.description) }
        case .equity(let sample):
            journal.append(Marketplace.DeploymentCheckpoint(equity: [StoredEquityPoint(sample)]), notification: notification, for: id)
        }
        // Orders, fills and equity samples reach listeners once committed (`JournalWriter`).
        switch notification {
        case .order, .fill, .equity: return
        case .log, .status: listeners.publish(raw, notification)
        }
    }
}

/// The notification listeners (the WebSocket hub), shared with the journal
/// writer, which publishes orders and fills once they are committed.
private final class Listeners: Sendable {
    private let bodies = Mutex<[UUID: @Sendable (Int64, DeploymentNotification) -> Void]>([:])

    func add(_ body: @escaping @Sendable (Int64, DeploymentNotification) -> Void) -> UUID {
        let key = UUID()
        bodies.withLock { $0[key] = body }
        return key
    }

    func remove(_ key: UUID) { _ = bodies.withLock { $0.removeValue(forKey: key) } }

    func publish(_ id: Int64, _ notification: DeploymentNotification) {
        for listener in bodies.withLock({ Array($0.values) }) { listener(id, notification) }
    }
}

extension DeploymentRuntime {
    /// The deployments of `owner` running in the host now.
    func deployments(ownedBy owner: UserID) -> [DeploymentID] {
        owners.withLock { $0.filter { $0.value == owner }.map(\.key) }.sorted { $0.rawValue < $1.rawValue }
    }
}

/// Passes a halt from the journal writer and the checkpoint keeper (made
/// before the runtime exists) to the runtime.
private final class HaltRelay: Sendable {
    /// Boxed, as in `DeploymentEventRelay` (a bare closure in a `Mutex` grows a thunk per read).
    private final class Target: Sendable {
        let body: @Sendable (DeploymentID, String) -> Void
        init(_ body: @escaping @Sendable (DeploymentID, String) -> Void) { self.body = body }
    }

    private let target = Mutex<Target?>(nil)

    func attach(_ body: @escaping @Sendable (DeploymentID, String) -> Void) {
        let boxed = Target(body)
        target.withLock { $0 = boxed }
    }

    func halt(_ id: DeploymentID, _ reason: String) { target.withLock { $0 }?.body(id, reason) }
}

extension DeploymentRuntime {
    /// A fill as the journal keeps it: keyed by a digest of its bytes, so a
    /// fill reported twice (a replay after a restart) is stored once.
    static func journalRecord(of fill: Fill) throws -> JournalRecord {
        let body = try JSONEncoder().encode(fill)
        return JournalRecord(id: String(SHA256.hexDigest(body).prefix(24)), orderID: String(fill.orderID), body: body)
    }
}

/// A deployment's last log lines, numbered from 1 in the order they came.
struct LogRing {
    /// The sequence number the next line gets.
    var next: Int64 = 1
    var entries: [DeploymentLogEntry] = []

    mutating func append(_ entry: DeploymentLogEntry, limit: Int) {
        entries.append(entry)
        next += 1
        if entries.count > limit { entries.removeFirst(entries.count - limit) }
    }
}

extension StoredEquityPoint {
    /// A live sample as the history stores it (raw, money in units).
    public init(_ sample: EquitySample) {
        self.init(time: sample.time, equity: sample.equity.units, cash: sample.cash.units, grossExposure: sample.grossExposure.units,
                  netExposure: sample.netExposure.units, realizedPnL: sample.realizedPnL.units, unrealizedPnL: sample.unrealizedPnL.units,
                  fills: Int64(sample.fills))
    }
}

extension EquitySample {
    /// A stored point as a sample (its bucket's last values).
    public init(_ point: StoredEquityPoint) {
        self.init(time: point.time, equity: Money(units: point.equity), cash: Money(units: point.cash),
                  grossExposure: Money(units: point.grossExposure), netExposure: Money(units: point.netExposure),
                  realizedPnL: Money(units: point.realizedPnL), unrealizedPnL: Money(units: point.unrealizedPnL), fills: Int(point.fills))
    }
}
