import Foundation
import Host
import Marketplace
import Synchronization

/// Keeps the store's copy of every hosted deployment's checkpoint (its paper
/// account, working orders, order counter, `ctx.state`, timers) so a server
/// restart, or a user's stop and later start, continues the same account.
///
/// It saves every `interval` (only checkpoints whose bytes changed), once
/// more at graceful shutdown before the host stops anything (a stop cancels
/// working orders, which must not become the resume state), and on a user's
/// stop the checkpoint the stop left. A hard kill loses at most the last
/// interval; the order and fill journal is written as it happens anyway.
/// A save that fails is tried again at the next tick; after `retries`
/// failed ticks in a row `onFailure` halts the deployment (reduce-only):
/// an account that cannot be saved must not keep opening positions.
///
/// One lock serialises every save with the stops: a periodic save can never
/// overwrite the checkpoint a stop just left with an older, live one.
final class CheckpointKeeper: Sendable {
    private let store: MarketplaceStore
    private let host: any DeploymentHost
    /// The bytes last saved, by deployment id; under this lock every save runs.
    private let saved = Mutex<[Int64: Data]>([:])
    private let running = Atomic<Bool>(true)
    private let queue = DispatchQueue(label: "lunar.checkpoints")
    private let retries: Int
    private let onFailure: @Sendable (DeploymentID, String) -> Void
    /// Failed saves in a row, by deployment id (under `saved`'s lock).
    private let failures = Mutex<[Int64: Int]>([:])

    init(store: MarketplaceStore, host: any DeploymentHost, retries: Int,
         onFailure: @escaping @Sendable (DeploymentID, String) -> Void) {
        self.store = store
        self.host = host
        self.retries = retries
        self.onFailure = onFailure
    }

    /// Saves changed checkpoints every `interval` seconds until `finish()`
    /// (or until the keeper is released), then runs `tick`.
    func start(every interval: Double, tick: @escaping @Sendable () -> Void = {}) {
        queue.asyncAfter(deadline: .now() + interval) { [weak self] in
            guard let self, running.load(ordering: .acquiring) else { return }
            saveChanged()
            tick()
            start(every: interval, tick: tick)
        }
    }

    /// Saves the checkpoint of every hosted deployment whose bytes changed
    /// since its last save. A failed save is retried at the next tick.
    func saveChanged() {
        saved.withLock { saved in
            for checkpoint in host.checkpoints() {
                guard let id = DeploymentRuntime.deploymentID(checkpoint.id) else { continue }
                save(checkpoint, id, &saved)
            }
        }
    }

    /// Graceful shutdown: stops the periodic saves, waits for one in
    /// progress, and saves every deployment once more while it still runs.
    func finish() {
        guard running.exchange(false, ordering: .acquiringAndReleasing) else { return }
        queue.sync {}
        saveChanged()
    }

    /// Stops a deployment in the host (if it runs there) and saves the
    /// checkpoint its stop left: what a later start continues.
    func stop(_ id: DeploymentID) {
        saved.withLock { saved in
            if let checkpoint = host.stopTakingCheckpoint(DeploymentRuntime.hostID(id)) { save(checkpoint, id.rawValue, &saved) }
            saved[id.rawValue] = nil
        }
    }

    /// Where a start of `id` begins: nil (fresh) when nothing was saved; a
    /// live (running, halted) checkpoint as it is, so a server restart
    /// carries on; a stopped or faulted one `restarted()`, so a user's new
    /// start keeps the account and runs `on_start`. Throws what kept the
    /// saved bytes from decoding: the caller faults the deployment rather
    /// than start a fresh account in silence.
    func resumePoint(of id: DeploymentID) throws -> HostCheckpoint? {
        guard let body = try store.hostCheckpoint(of: id) else { return nil }
        let checkpoint = try JSONDecoder().decode(HostCheckpoint.self, from: body)
        return checkpoint.isLive ? checkpoint : checkpoint.restarted()
    }

    private func save(_ checkpoint: HostCheckpoint, _ id: Int64, _ saved: inout [Int64: Data]) {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let body: Data
        do {
            body = try encoder.encode(checkpoint)
        } catch {
            failed(id, "its checkpoint could not be encoded: \(error)")
            return
        }
        guard saved[id] != body else { return }
        do {
            try store.saveHostCheckpoint(body, for: DeploymentID(id))
            saved[id] = body
            failures.withLock { $0[id] = nil }
        } catch .notFound {
            // Deleted: nothing to keep.
        } catch {
            failed(id, "its checkpoint could not be saved: \(error)")
        }
    }

    /// Counts a failed save; past `retries` in a row, halts the deployment.
    private func failed(_ id: Int64, _ reason: String) {
        let count = failures.withLock { failures -> Int in
            failures[id, default: 0] += 1
            return failures[id]!
        }
        if count == retries + 1 { onFailure(DeploymentID(id), "\(reason) (\(count) attempts)") }
    }
}
