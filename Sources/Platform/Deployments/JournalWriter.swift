import Foundation
import Host
import Marketplace
import Synchronization

/// Writes the deployments' order and fill journal, and their checkpoints,
/// off the deployment threads: `append` queues and returns at once (a
/// deployment never waits on SQLite); one writer thread commits what is
/// queued in batches, one transaction each.
///
/// **The journal and the account agree.** A deployment's records are
/// committed together with a checkpoint whose fill count equals the fills
/// committed with it, never ahead of it: after a hard kill the account a
/// restart restores holds exactly the fills the journal holds. Records
/// wait for the next checkpoint that covers them (the `CheckpointKeeper`
/// offers one a second, and at once when a reader asks: `flush`); one that
/// waits past `consistencyWait` is committed alone (logged), so nothing
/// waits forever. Listeners hear about an order or a fill once it is
/// committed: what a client was told is in the journal.
///
/// **Nothing is dropped.** A batch whose write fails is retried `retries`
/// times with a doubling delay; then `onFailure` names each deployment in
/// it (the platform halts them reduce-only, with the reason) and the batch
/// stays queued, retried every `stalledRetryInterval` until the store
/// takes it. A queue past `capacity` entries reports its producers the same way.
public final class JournalWriter: Sendable {
    /// Queue bound, batching and retry policy.
    public struct Policy: Sendable {
        /// Queued entries past which a producing deployment is halted.
        public var capacity: Int
        /// Entries per transaction at most.
        public var batchLimit: Int
        /// Attempts after the first before the deployments are halted.
        public var retries: Int
        /// The first retry's delay (doubling after each).
        public var retryDelay: Duration
        /// How often a failing batch is tried again once its deployments are halted.
        public var stalledRetryInterval: Duration
        /// How long records wait for a covering checkpoint before they are committed alone.
        public var consistencyWait: Duration

        public init(capacity: Int = 10_000, batchLimit: Int = 512, retries: Int = 3, retryDelay: Duration = .milliseconds(50),
                    stalledRetryInterval: Duration = .seconds(1), consistencyWait: Duration = .seconds(5)) {
            self.capacity = max(1, capacity)
            self.batchLimit = max(1, batchLimit)
            self.retries = max(0, retries)
            self.retryDelay = retryDelay
            self.stalledRetryInterval = stalledRetryInterval
            self.consistencyWait = consistencyWait
        }
    }

    /// One queued entry of one deployment.
    enum Entry: Sendable {
        /// Orders or fills, with the notification to pass on once committed.
        case records(Marketplace.DeploymentCheckpoint, DeploymentNotification)
        /// The host's checkpoint (encoded) and the fills it has seen in all.
        case checkpoint(Data, fillCount: Int)

        var fills: Int { if case .records(let records, _) = self { records.fills.count } else { 0 } }
    }

    /// One deployment's queue.
    private struct Lane {
        var entries: [Entry] = []
        /// Fills committed in all (the restored checkpoint's count, plus every fill committed since).
        var committedFills = 0
        /// When the oldest waiting entry was queued.
        var oldest: ContinuousClock.Instant?
    }

    private struct State {
        var lanes: [DeploymentID: Lane] = [:]
        var queued = 0
        /// Deployments already reported for the current failure (reported once).
        var reported: Set<DeploymentID> = []
        var lastError: String?
        /// Whether the writer thread runs (it ends after a while idle; the next append starts it).
        var running = false
        /// Bumped on every commit: `flush` waits on it.
        var commits: UInt64 = 0
    }

    /// What one transaction commits for one deployment.
    private struct Cut {
        var deployment: DeploymentID
        var count: Int
        var fills: Int
        var records: Marketplace.DeploymentCheckpoint
        var checkpoint: Data?
        var notifications: [DeploymentNotification]
    }

    let policy: Policy
    private let store: MarketplaceStore
    private let onFailure: @Sendable (DeploymentID, String) -> Void
    private let onCommitted: @Sendable (DeploymentID, [DeploymentNotification]) -> Void
    private let state = Mutex(State())
    private let wake = NSCondition()

    /// `onFailure(deployment, reason)` is called once per deployment per
    /// failure episode; `onCommitted` with each committed deployment's
    /// notifications; both on the writer's thread.
    init(store: MarketplaceStore, policy: Policy, onFailure: @escaping @Sendable (DeploymentID, String) -> Void,
         onCommitted: @escaping @Sendable (DeploymentID, [DeploymentNotification]) -> Void) {
        self.store = store
        self.policy = policy
        self.onFailure = onFailure
        self.onCommitted = onCommitted
    }

    /// Starts (or restarts) a deployment's count of committed fills: the
    /// fill count of the checkpoint it was launched from (0 when fresh).
    func begin(_ deployment: DeploymentID, fillCount: Int) {
        state.withLock { state in
            if state.lanes[deployment]?.entries.isEmpty ?? true { state.lanes[deployment] = Lane(committedFills: fillCount) }
        }
    }

    /// Queues orders or fills of `deployment`; never blocks on the store.
    func append(_ records: Marketplace.DeploymentCheckpoint, notification: DeploymentNotification, for deployment: DeploymentID) {
        enqueue(.records(records, notification), for: deployment)
    }

    /// Queues a checkpoint of `deployment` (`fillCount`: the fills it has seen in all).
    func appendCheckpoint(_ body: Data, fillCount: Int, for deployment: DeploymentID) {
        enqueue(.checkpoint(body, fillCount: fillCount), for: deployment)
    }

    private func enqueue(_ entry: Entry, for deployment: DeploymentID) {
        let (overflow, start): (Int?, Bool) = state.withLock { state in
            var lane = state.lanes[deployment] ?? Lane()
            if lane.entries.isEmpty { lane.oldest = .now }
            lane.entries.append(entry)
            state.lanes[deployment] = lane
            state.queued += 1
            let start = !state.running
            state.running = true
            guard state.queued > policy.capacity, state.reported.insert(deployment).inserted else { return (nil, start) }
            return (state.queued, start)
        }
        if start {
            let thread = Thread { [self] in run() }
            thread.name = "journal-writer"
            thread.start()
        } else {
            wake.lock(); wake.signal(); wake.unlock()
        }
        if let overflow { onFailure(deployment, "the journal writer is \(overflow) entries behind (limit \(policy.capacity))") }
    }

    /// Entries queued and not yet committed.
    public var backlog: Int { state.withLock { $0.queued } }

    /// The last write error, while the writer is failing (nil once a write succeeds).
    public var lastError: String? { state.withLock { $0.lastError } }

    /// Waits until nothing of `deployment` (nil: of anyone) is queued, at
    /// most `timeout`; returns whether that happened.
    @discardableResult
    public func flush(_ deployment: DeploymentID? = nil, timeout: Duration = .seconds(5)) async -> Bool {
        let deadline = ContinuousClock.now + timeout
        while !isEmpty(deployment) {
            guard ContinuousClock.now < deadline else { return false }
            try? await Task.sleep(for: .milliseconds(2))
        }
        return true
    }

    /// `flush` for a thread that may block (launch, shutdown).
    @discardableResult
    func flushBlocking(_ deployment: DeploymentID? = nil, timeout: Duration = .seconds(5)) -> Bool {
        let deadline = ContinuousClock.now + timeout
        while !isEmpty(deployment) {
            guard ContinuousClock.now < deadline else { return false }
            Thread.sleep(forTimeInterval: 0.002)
        }
        return true
    }

    private func isEmpty(_ deployment: DeploymentID?) -> Bool {
        state.withLock { state in
            guard let deployment else { return state.queued == 0 }
            return state.lanes[deployment]?.entries.isEmpty ?? true
        }
    }

    // MARK: - The writer thread

    private func run() {
        while let cuts = nextCuts() {
            commit(cuts)
        }
    }

    /// The next entries to commit, or nil (and the thread marked stopped)
    /// after a few idle seconds. Waits while everything queued waits for a checkpoint.
    private func nextCuts() -> [Cut]? {
        wake.lock()
        defer { wake.unlock() }
        var idleSince = ContinuousClock.now
        while true {
            let (cuts, queued): ([Cut], Int) = state.withLock { state in
                (Self.cuts(state.lanes, limit: policy.batchLimit, wait: policy.consistencyWait), state.queued)
            }
            if !cuts.isEmpty { return cuts }
            if queued > 0 { idleSince = .now }
            if queued == 0, ContinuousClock.now - idleSince > .seconds(2) {
                let stopped = state.withLock { state -> Bool in
                    guard state.queued == 0 else { return false }
                    state.running = false
                    return true
                }
                if stopped { return nil }
            }
            // Woken by an append; else look again shortly (a checkpoint may be due, or the wait over).
            _ = wake.wait(until: Date(timeIntervalSinceNow: queued > 0 ? 0.05 : 1))
        }
    }

    /// For each deployment, the longest prefix of its queue that ends where
    /// its fills committed equal a checkpoint's fill count (that checkpoint
    /// commits with it); a queue that waited past `wait` goes whole, alone.
    private static func cuts(_ lanes: [DeploymentID: Lane], limit: Int, wait: Duration) -> [Cut] {
        var cuts: [Cut] = []
        var budget = limit
        let now = ContinuousClock.now
        for (deployment, lane) in lanes.sorted(by: { $0.key.rawValue < $1.key.rawValue }) where !lane.entries.isEmpty && budget > 0 {
            var fills = lane.committedFills
            var pending: (body: Data, fillCount: Int)?
            var cut: (count: Int, checkpoint: Data?)?
            for (index, entry) in lane.entries.enumerated() {
                fills += entry.fills
                if case .checkpoint(let body, let fillCount) = entry { pending = (body, fillCount) }
                if let checkpoint = pending {
                    if fills == checkpoint.fillCount { cut = (index + 1, checkpoint.body) }
                    // Behind the fills already queued: a later checkpoint supersedes it.
                    if fills > checkpoint.fillCount { pending = nil }
                }
            }
            if cut == nil, let oldest = lane.oldest, now - oldest > wait { cut = (lane.entries.count, nil) }
            guard let (count, checkpoint) = cut else { continue }
            // A cut is never split: a part of it would not match its checkpoint.
            let taken = lane.entries.prefix(count)
            var records = Marketplace.DeploymentCheckpoint()
            var notifications: [DeploymentNotification] = []
            for case .records(let entry, let notification) in taken {
                records.orders += entry.orders
                records.fills += entry.fills
                notifications.append(notification)
            }
            cuts.append(Cut(deployment: deployment, count: taken.count, fills: records.fills.count, records: records,
                            checkpoint: checkpoint, notifications: notifications))
            budget -= taken.count
        }
        return cuts
    }

    private func commit(_ cuts: [Cut]) {
        var delay = policy.retryDelay
        var attempt = 0
        while true {
            do {
                try store.appendJournal(cuts.map { ($0.deployment, $0.records, $0.checkpoint) })
                state.withLock { state in
                    for cut in cuts {
                        guard var lane = state.lanes[cut.deployment] else { continue }
                        lane.entries.removeFirst(cut.count)
                        lane.committedFills += cut.fills
                        lane.oldest = lane.entries.isEmpty ? nil : .now
                        state.lanes[cut.deployment] = lane
                        state.queued -= cut.count
                    }
                    state.commits &+= 1
                    state.lastError = nil
                    if state.queued <= policy.capacity { state.reported.removeAll() }
                }
                for cut in cuts where !cut.notifications.isEmpty { onCommitted(cut.deployment, cut.notifications) }
                return
            } catch {
                let reason = "\(error)"
                state.withLock { $0.lastError = reason }
                attempt += 1
                if attempt > policy.retries {
                    let newlyHalted = state.withLock { state in
                        cuts.map(\.deployment).filter { state.reported.insert($0).inserted }
                    }
                    for deployment in newlyHalted {
                        onFailure(deployment, "journal write failed after \(policy.retries + 1) attempts: \(reason)")
                    }
                    Thread.sleep(forTimeInterval: policy.stalledRetryInterval.seconds)
                } else {
                    Thread.sleep(forTimeInterval: delay.seconds)
                    delay *= 2
                }
            }
        }
    }

    /// Forgets a deleted deployment's queue (its journal went with it).
    func discard(_ deployment: DeploymentID) {
        state.withLock { state in
            if let lane = state.lanes.removeValue(forKey: deployment) { state.queued -= lane.entries.count }
        }
    }
}

extension Duration {
    /// Seconds as a `TimeInterval`.
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}
