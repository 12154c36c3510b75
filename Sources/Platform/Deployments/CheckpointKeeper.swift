import Foundation
import Host
import Marketplace
import Synchronization

/// Keeps the store's copy of every hosted deployment's checkpoint (its paper
/// account, working orders, order counter, `ctx.state`, timers) so a server
/// restart, or a user's stop and later start, continues the same account.
///
/// It offers every `interval` (only checkpoints whose bytes changed), once
/// more at graceful shutdown before the host stops anything (a stop cancels
/// working orders, which must not become the resume state), on a user's
/// stop the checkpoint the stop left, and on demand (`saveNow`, when a
/// reader waits for the journal). Offers go to the `JournalWriter`, which
/// commits each one with the fills it covers: the account and the journal
/// never disagree, even after a hard kill.
///
/// One lock serialises every offer with the stops: a periodic offer can
/// never follow the checkpoint a stop just left with an older, live one.
final class CheckpointKeeper: Sendable {
    private let host: any DeploymentHost
    private let journal: JournalWriter
    private let store: MarketplaceStore
    /// The bytes last offered, by deployment id; under this lock every offer runs.
    private let saved = Mutex<[Int64: Data]>([:])
    private let running = Atomic<Bool>(true)
    private let queue = DispatchQueue(label: "lunar.checkpoints")
    private let onFailure: @Sendable (DeploymentID, String) -> Void

    init(store: MarketplaceStore, host: any DeploymentHost, journal: JournalWriter,
         onFailure: @escaping @Sendable (DeploymentID, String) -> Void) {
        self.store = store
        self.host = host
        self.journal = journal
        self.onFailure = onFailure
    }

    /// Offers changed checkpoints every `interval` seconds until `finish()`
    /// (or until the keeper is released), then runs `tick`.
    func start(every interval: Double, tick: @escaping @Sendable () -> Void = {}) {
        queue.asyncAfter(deadline: .now() + interval) { [weak self] in
            guard let self, running.load(ordering: .acquiring) else { return }
            saveChanged()
            tick()
            start(every: interval, tick: tick)
        }
    }

    /// Offers the checkpoint of every hosted deployment whose bytes changed.
    func saveChanged() {
        saved.withLock { saved in
            for checkpoint in host.checkpoints() {
                guard let id = DeploymentRuntime.deploymentID(checkpoint.id) else { continue }
                offer(checkpoint, id, &saved)
            }
        }
    }

    /// Offers one deployment's checkpoint now (a reader waits for its journal).
    func saveNow(_ id: DeploymentID) {
        saved.withLock { saved in
            if let checkpoint = host.checkpoint(DeploymentRuntime.hostID(id)) { offer(checkpoint, id.rawValue, &saved) }
        }
    }

    /// Graceful shutdown: stops the periodic offers, waits for one in
    /// progress, and offers every deployment once more while it still runs.
    func finish() {
        guard running.exchange(false, ordering: .acquiringAndReleasing) else { return }
        queue.sync {}
        saveChanged()
    }

    /// Stops a deployment in the host (if it runs there) and offers the
    /// checkpoint its stop left: what a later start continues.
    func stop(_ id: DeploymentID) {
        saved.withLock { saved in
            if let checkpoint = host.stopTakingCheckpoint(DeploymentRuntime.hostID(id)) { offer(checkpoint, id.rawValue, &saved) }
            saved[id.rawValue] = nil
        }
    }

    /// Where a start of `id` begins: nil (fresh) when nothing was saved; a
    /// live (running, halted) checkpoint as it is, so a server restart
    /// carries on; a stopped or faulted one `restarted()`, so a user's new
    /// start keeps the account and runs `on_start`. Waits for the journal
    /// writer to commit what it holds of `id` first (a stop's checkpoint may
    /// still be queued). Throws what kept the saved bytes from decoding: the
    /// caller faults the deployment rather than start a fresh account in silence.
    func resumePoint(of id: DeploymentID) throws -> HostCheckpoint? {
        journal.flushBlocking(id)
        guard let body = try store.hostCheckpoint(of: id) else { return nil }
        let checkpoint = try JSONDecoder().decode(HostCheckpoint.self, from: body)
        return checkpoint.isLive ? checkpoint : checkpoint.restarted()
    }

    private func offer(_ checkpoint: HostCheckpoint, _ id: Int64, _ saved: inout [Int64: Data]) {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let body: Data
        do {
            body = try encoder.encode(checkpoint)
        } catch {
            onFailure(DeploymentID(id), "its checkpoint could not be encoded: \(error)")
            return
        }
        // Unchanged bytes are offered again while records wait: the last
        // offer may have come too late to cover them.
        guard saved[id] != body || journal.isWaiting(DeploymentID(id)) else { return }
        journal.appendCheckpoint(body, fillCount: checkpoint.fillCount, nextOrderID: Int64(checkpoint.nextOrderID), for: DeploymentID(id))
        saved[id] = body
    }
}
