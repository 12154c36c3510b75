import Foundation
import Host
import Marketplace
import Sandbox

/// Deployment lifecycle. Each command on one deployment holds that
/// deployment's lane (`DeploymentLanes`) for its store change and its host
/// call together, so commands never interleave: after every command the
/// store and the host agree (a row `running` runs in the host; a row
/// `stopped` does not). A caller that stops waiting (the host deadline) gets
/// `PlatformError.hostTimeout`; the command still runs to its end in order.
extension Platform {
    /// Creates a deployment (the per-user quota is checked in the insert's
    /// transaction) and, when `start`, launches it.
    public func createDeployment(_ source: Deployment.Source, parameters: [String: LuaValue], risk: RiskLimits?,
                                 symbols: [String]?, timeframe: Int64?, start: Bool, by user: UserID) async throws -> Deployment {
        let offer = tape.offer
        let limit = configuration.maximumDeploymentsPerUser
        let deployment = try await store.write {
            try $0.deploy(source, parameters: parameters, risk: risk, symbols: symbols, timeframe: timeframe, feed: offer,
                          maximumPerOwner: limit, by: user)
        }
        guard start else { return deployment }
        return try await startDeployment(deployment.id, by: user)
    }

    /// Starts a stopped or faulted deployment: the row goes `running`, then
    /// the host runs it (from its checkpoint when it has one). A refusal by
    /// the host faults the row and is thrown (`DeploymentHostError`).
    public func startDeployment(_ id: DeploymentID, by user: UserID) async throws -> Deployment {
        try await command(id, "start the deployment") { [store, runtime] in
            let started = try store.changeDeployment(id, .start, by: user)
            try runtime.launch(id)
            return started
        }
    }

    /// Stops a deployment: the host run ends (its account saved for a later
    /// start), then the row goes `stopped` with `reason`. Admins stop anyone's.
    public func stopDeployment(_ id: DeploymentID, reason: String, by user: UserID) async throws -> Deployment {
        try await command(id, "stop the deployment") { [self] in
            runtime.stop(id)
            let stopped = try store.changeDeployment(id, .stop(reason: reason), by: user)
            try reengageStoredSwitch(covering: id)
            return stopped
        }
    }

    /// Deletes a deployment and its journal; a run still in the host (a
    /// faulted one) goes with it, saving nothing.
    public func deleteDeployment(_ id: DeploymentID, by user: UserID) async throws {
        try await command(id, "remove the deployment") { [store, runtime, host, self] in
            try store.deleteDeployment(id, by: user)
            runtime.discard(id)
            // Its switch and its journal replay went with the record; a reused id starts free.
            host.releaseKillSwitch(Self.hostScope(.deployment(id)))
            self.replays.withLock { $0[id] = nil }
        }
    }

    /// Carries out an owner's manual command on a running deployment's account.
    public func execute(_ command: ManualCommand, on id: DeploymentID) async throws -> ManualCommandOutcome {
        try await hostCall("answer the command") { [runtime] in try runtime.execute(command, on: id) }
    }

    /// The host's view of a running deployment (nil when it does not run).
    public func snapshot(_ id: DeploymentID) -> DeploymentSnapshot? { runtime.snapshot(id) }

    /// The deployment's account: live while it runs; otherwise as its last
    /// saved checkpoint left it (cash, positions at their last marks,
    /// realized and unrealized P&L); nil when it never ran, or when what was
    /// saved does not decode (such a deployment is faulted with the reason
    /// at its next start; a read must not fail for it).
    public func account(_ id: DeploymentID) async throws -> (snapshot: DeploymentSnapshot, running: Bool)? {
        if let live = snapshot(id) { return (live, true) }
        return try await savedCheckpoint(id).map { (DeploymentSnapshot(stopped: $0), false) }
    }

    /// The deployment's newest saved checkpoint: one a stop just queued for
    /// the journal writer, else the stored one (at most a second old while it
    /// runs; final once stopped); nil when it never ran or does not decode.
    public func savedCheckpoint(_ id: DeploymentID) async throws -> HostCheckpoint? {
        let body: Data?
        if let pending = runtime.journal.pendingCheckpoint(of: id) { body = pending } else {
            body = try await store.read { try $0.hostCheckpoint(of: id) }
        }
        return body.flatMap { try? JSONDecoder().decode(HostCheckpoint.self, from: $0) }
    }

    /// The round trips a deployment has closed, rebuilt from its journaled
    /// fills (checkpoints leave them out: they only grow): the fills are
    /// applied in order to a fresh account of `checkpoint`'s instruments. The
    /// replay is kept and continued from the last fill it applied, so a
    /// listing page read again costs only the fills since.
    public func closedTrades(_ id: DeploymentID, like checkpoint: HostCheckpoint) async throws -> [ClosedTrade] {
        let fresh = Portfolio(cash: checkpoint.portfolio.initialCash, instruments: checkpoint.portfolio.instruments)
        var replay = replays.withLock { $0[id] }.flatMap { $0.account.instruments == fresh.instruments ? $0 : nil }
            ?? (sequence: 0, account: fresh)
        let items = try await store.read { [replay] in try $0.journalFills(of: id, after: replay.sequence) }
        let decoder = JSONDecoder()
        for item in items {
            replay.sequence = item.sequence
            guard let fill = try? decoder.decode(Fill.self, from: item.record.body), replay.account.index(of: fill.symbol) != nil else { continue }
            _ = replay.account.apply(fill)
        }
        replays.withLock { replays in
            if replays.count >= 1_000 { replays.removeAll() }
            replays[id] = replay
        }
        return replay.account.closedTrades
    }

    /// Up to `limit` of the deployment's kept log lines older than sequence
    /// `before` (nil: the newest), newest first, with their sequence numbers.
    public func logPage(_ id: DeploymentID, before: Int64?, limit: Int) -> [(sequence: Int64, entry: DeploymentLogEntry)] {
        runtime.logPage(id, before: before, limit: limit)
    }

    /// The owner of a running deployment (nil when it does not run here).
    public func owner(of id: DeploymentID) -> UserID? { runtime.owner(of: id) }

    /// The journal's id of a fill (what `/fills` pages and WebSocket `fill` events both carry).
    public static func fillID(_ fill: Fill) -> String { (try? DeploymentRuntime.journalRecord(of: fill).id) ?? "" }

    /// The deployment's recent log lines (bounded).
    public func recentLog(_ id: DeploymentID) -> [DeploymentLogEntry] { runtime.recentLog(id) }

    /// Why the deployment is halted for failed journal or checkpoint writes, if it is.
    public func writeHalt(_ id: DeploymentID) -> String? { runtime.writeHalt(id) }

    /// The journal writer (its backlog and last error are health figures).
    public var journal: JournalWriter { runtime.journal }

    /// Waits until the deployment's reported orders and fills are written
    /// (at most a moment), so a reader sees what a WebSocket already showed.
    public func settledJournal(of id: DeploymentID) async throws -> DeploymentJournal {
        // Ask for a checkpoint now: the records commit with it.
        await offload { [runtime] in runtime.checkpoints.saveNow(id) }
        await runtime.journal.flush(id, timeout: .seconds(2))
        return try await store.read { try $0.journal(of: id) }
    }

    /// Adds a listener for every notification; returns its key for `removeListener`.
    public func addListener(_ body: @escaping @Sendable (Int64, DeploymentNotification) -> Void) -> UUID {
        runtime.addListener(body)
    }

    public func removeListener(_ key: UUID) { runtime.removeListener(key) }

    /// Redeploys what was running (or halted) when the server last stopped,
    /// after engaging the stored kill switches; returns how many started.
    public func resumeDeployments() async throws -> Int {
        try await restoreKillSwitches()
        return try await offloadThrowing { [self] in
            var resumed = 0
            for deployment in try store.deploymentsToResume() {
                if (try? lanes.run(deployment.id, { try runtime.launch(deployment.id) })) != nil { resumed += 1 }
            }
            return resumed
        }
    }

    /// Graceful shutdown (the feed has stopped): saves every deployment's
    /// checkpoint and journal, then stops every running strategy.
    public func shutDown() { runtime.shutDown() }

    /// Runs a lifecycle command holding `id`'s lane, off the caller's thread, with the host deadline.
    func command<T: Sendable>(_ id: DeploymentID, _ what: String, _ work: @escaping @Sendable () throws -> T) async throws -> T {
        try await hostCall(what) { [lanes] in try lanes.run(id, work) }
    }
}

extension Platform: DeploymentController {
    /// A ban (the store has marked the rows stopped and committed): stops the
    /// owner's deployments in the host, each in its lane, saving each
    /// account as a stop does. A start racing the ban sees the row stopped
    /// after its launch and undoes it (`DeploymentRuntime.launch`).
    public func stopDeployments(ownedBy owner: UserID, reason: String) {
        stopDeployments(runtime.deployments(ownedBy: owner), reason: reason)
    }

    /// Stops these deployments' runs (their rows are already stopped): a
    /// refund's, after its commit. A deployment not running here is skipped.
    public func stopDeployments(_ ids: [DeploymentID], reason: String) {
        for id in ids {
            lanes.run(id) { runtime.stop(id) }
        }
    }

    /// Refunds a purchase: the store reverses the ledger and stops the
    /// buyer's deployments of the listing in one transaction, then their runs
    /// stop in the host.
    public func refund(_ purchase: PurchaseID, reason: String, by admin: UserID) async throws -> Purchase {
        try await hostCall("stop the refunded buyer's deployments") { [store] in try store.refund(purchase, reason: reason, by: admin) }
    }

    /// Bans a user: the store stops their rows and revokes their sessions in
    /// one transaction, then their runs stop in the host.
    public func ban(_ target: UserID, reason: String, by admin: UserID) async throws {
        try await hostCall("stop the banned user's deployments") { [store] in try store.ban(target, reason: reason, by: admin) }
    }
}
