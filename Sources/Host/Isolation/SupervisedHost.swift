import Foundation
import Glibc

/// Runs deployments in supervised worker processes (`lunar worker`), each
/// running the same `DeploymentKernel`s as `LiveHost` for a shard of the
/// deployments. A crash, a runaway C call or memory corruption costs one
/// worker: the deployment that was running is faulted with the reason, and
/// every other deployment of that worker resumes in a fresh one from the
/// supervisor's copy, with no order lost or duplicated. docs/isolation.md.
///
/// Thread-safety: every public method may be called from any thread;
/// `publish` calls are serialised. The observer runs on the supervisor's
/// reader threads, one worker's notifications in order: keep it quick, and do
/// not call back into the host from it (a reader waiting on itself would
/// never return).
public final class SupervisedHost: DeploymentHost {
    let core: SupervisorCore

    /// Starts `configuration.workers` worker processes.
    public init(configuration: IsolationConfiguration,
                observer: @escaping @Sendable (String, DeploymentNotification) -> Void = { _, _ in }) throws(IsolationError) {
        core = SupervisorCore(configuration: configuration, observer: observer)
        do {
            try core.start()
        } catch {
            core.shutdown()
            throw error
        }
    }

    deinit { core.shutdown() }

    // MARK: - Deployments

    /// Creates a deployment on the worker with the fewest and starts it at
    /// `time`. Throws `DeploymentHostError.refused` with what the script or
    /// its parameters got wrong (the same error the in-process host throws).
    public func deploy(_ configuration: DeploymentConfiguration, startAt time: Int64) throws(DeploymentHostError) {
        do { try core.deploy(configuration, startAt: time) } catch { throw DeploymentHostError(error) }
    }

    /// Stops a deployment (its `on_stop` runs in its worker) and removes it;
    /// its final snapshot, nil if unknown.
    @discardableResult
    public func stop(_ id: String) -> DeploymentSnapshot? { core.stop(id) }

    /// The supervisor's copy of a deployment, as of the last batch its worker
    /// finished.
    public func snapshot(_ id: String) -> DeploymentSnapshot? {
        core.lock.lock()
        defer { core.lock.unlock() }
        guard let record = core.records[id] else { return nil }
        return DeploymentSnapshot(id: id, checkpoint: record.checkpoint, configuration: record.configuration,
                                  log: record.recentLog)
    }

    public func snapshots() -> [DeploymentSnapshot] {
        let ids = core.lock.withLock { core.records.keys.sorted() }
        return ids.compactMap(snapshot)
    }

    /// The supervisor's checkpoint of a deployment (account, orders, state).
    public func checkpoint(_ id: String) -> DeploymentCheckpoint? {
        core.lock.withLock { core.records[id]?.checkpoint }
    }

    public var deploymentCount: Int { core.lock.withLock { core.records.count } }

    /// Runs a manual command in the deployment's worker, between the batches
    /// it was sent between, and waits for the answer.
    public func execute(_ command: ManualCommand, on id: String) throws(ManualCommandError) -> ManualCommandOutcome {
        try core.execute(command, on: id)
    }

    // MARK: - Kill switches

    /// Engages a kill switch at `level` in every worker (and in every
    /// worker started later). It takes effect from the next batch or manual
    /// command each worker handles.
    public func engageKillSwitch(_ scope: KillSwitchScope, level: KillSwitchLevel, reason: String) {
        core.setKillSwitch(KillSwitchRequest(scope: scope, reason: reason, level: level))
    }

    public func releaseKillSwitch(_ scope: KillSwitchScope) {
        core.setKillSwitch(KillSwitchRequest(scope: scope, reason: nil))
    }

    // MARK: - Market data

    /// Sends one batch (in order) to every worker, in one binary frame.
    public func publish(_ events: [MarketEvent]) { core.publish(events) }

    /// Waits until every worker has answered everything sent so far
    /// (including restores and batches replayed after a worker died).
    public func drain() { core.drain() }

    // MARK: - Workers

    /// The worker processes now running, by shard.
    public var workerProcessIDs: [pid_t] {
        core.lock.withLock { core.shards.compactMap { $0.process?.pid } }
    }

    /// Workers started to replace dead ones since the host started.
    public var replacedWorkers: Int { core.lock.withLock { core.shards.reduce(0) { $0 + $1.replacements } } }
    /// Event batches dropped because each ended two workers in a row.
    public var quarantinedBatches: Int { core.lock.withLock { core.shards.reduce(0) { $0 + $1.quarantinedBatches } } }

    /// Resident memory of each worker process (VmRSS).
    public func workerResidentBytes() -> [Int] {
        let processes = core.lock.withLock { core.shards.compactMap(\.process) }
        return processes.compactMap { $0.residentBytes() }
    }

    /// Stops every worker; called by `deinit`.
    public func shutdown() { core.shutdown() }
}
