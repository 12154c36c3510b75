import Foundation
import Host
import Logging
import Marketplace
import Synchronization

/// Writes the deployments' order and fill journal, and their checkpoints,
/// off the deployment threads: `append` queues and returns at once (a
/// deployment never waits on SQLite); one writer thread commits what is
/// queued in batches, one transaction each (every deployment's cut that is
/// ready goes into the same transaction: one fsync for all).
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
        /// Attempts after the first before the deployments are halted.
        public var retries: Int
        /// The first retry's delay (doubling after each).
        public var retryDelay: Duration
        /// How often a failing batch is tried again once its deployments are halted.
        public var stalledRetryInterval: Duration
        /// How long records wait for a covering checkpoint before they are committed alone.
        public var consistencyWait: Duration

        public init(capacity: Int = 100_000, retries: Int = 3, retryDelay: Duration = .milliseconds(50),
                    stalledRetryInterval: Duration = .seconds(1), consistencyWait: Duration = .seconds(30)) {
            self.capacity = max(1, capacity)
            self.retries = max(0, retries)
            self.retryDelay = retryDelay
            self.stalledRetryInterval = stalledRetryInterval
            self.consistencyWait = consistencyWait
        }
    }

    /// One queued entry of one deployment.
    enum Entry: Sendable {
        /// Orders or fills, with the notification to pass on once committed
        /// and the highest order id among them (parsed once, at append).
        case records(Marketplace.DeploymentCheckpoint, DeploymentNotification, highestOrderID: Int64)
        /// The host's checkpoint (encoded), the fills it has seen in all, and
        /// the id its next order will get (it covers orders below it).
        case checkpoint(Data, fillCount: Int, nextOrderID: Int64)

        var fills: Int { if case .records(let records, _, _) = self { records.fills.count } else { 0 } }
        /// The highest order id among the records (0 when none).
        var highestOrderID: Int64 { if case .records(_, _, let highest) = self { highest } else { 0 } }
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
        /// Lanes that got a checkpoint since they were last looked at: only
        /// a new checkpoint (or the end of the wait) can make a cut.
        var dirty: Set<DeploymentID> = []
    }

    /// What one transaction commits for one deployment: the first `count`
    /// entries of its queue, and the checkpoint entry at `checkpointIndex`
    /// (which may sit after them: read before, queued after, fills that it
    /// does not cover).
    private struct Cut {
        var deployment: DeploymentID
        var count: Int
        var checkpointIndex: Int?
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
    private let logger = Logger(label: "lunar.journal")

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
        enqueue(.records(records, notification, highestOrderID: records.orders.compactMap { Int64($0.id) }.max() ?? 0),
                for: deployment)
    }

    /// Queues a checkpoint of `deployment` (`fillCount`: the fills it has
    /// seen in all; `nextOrderID`: the id its next order will get).
    /// The newest checkpoint of `deployment` still waiting to be written, if any
    /// (a reader of a just-stopped deployment's account need not wait for the store).
    func pendingCheckpoint(of deployment: DeploymentID) -> Data? {
        state.withLock { state in
            for entry in (state.lanes[deployment]?.entries ?? []).reversed() {
                if case .checkpoint(let body, _, _) = entry { return body }
            }
            return nil
        }
    }

    func appendCheckpoint(_ body: Data, fillCount: Int, nextOrderID: Int64, for deployment: DeploymentID) {
        enqueue(.checkpoint(body, fillCount: fillCount, nextOrderID: nextOrderID), for: deployment)
    }

    private func enqueue(_ entry: Entry, for deployment: DeploymentID) {
        let (overflow, start): (Int?, Bool) = state.withLock { state in
            var lane = state.lanes[deployment] ?? Lane()
            if lane.entries.isEmpty { lane.oldest = .now }
            lane.entries.append(entry)
            state.lanes[deployment] = lane
            state.queued += 1
            if case .checkpoint = entry { state.dirty.insert(deployment) }
            let start = !state.running
            state.running = true
            guard state.queued > policy.capacity, state.reported.insert(deployment).inserted else { return (nil, start) }
            return (state.queued, start)
        }
        if start {
            let thread = Thread { [self] in run() }
            thread.name = "journal-writer"
            thread.start()
        } else if case .checkpoint = entry {
            // Records alone make no cut: only a checkpoint is worth waking for.
            wake.lock(); wake.signal(); wake.unlock()
        }
        if let overflow { onFailure(deployment, "the journal writer is \(overflow) entries behind (limit \(policy.capacity))") }
    }

    /// Whether records of `deployment` wait for a checkpoint.
    func isWaiting(_ deployment: DeploymentID) -> Bool { state.withLock { !($0.lanes[deployment]?.entries.isEmpty ?? true) } }

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
            var fallbacks: [String] = []
            let (cuts, queued): ([Cut], Int) = state.withLock { state in
                let now = ContinuousClock.now
                let due = state.lanes.filter { id, lane in
                    state.dirty.contains(id) || lane.oldest.map { now - $0 > policy.consistencyWait } == true
                }
                state.dirty.subtract(due.keys)
                return (Self.cuts(due, wait: policy.consistencyWait, fallbacks: &fallbacks), state.queued)
            }
            for fallback in fallbacks { logger.warning("journal committed without a checkpoint: \(fallback)") }
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
            // Woken by a checkpoint; else look again shortly (a wait may be over).
            _ = wake.wait(until: Date(timeIntervalSinceNow: queued > 0 ? 0.1 : 1))
        }
    }

    /// For each deployment, the longest prefix of its queue that a checkpoint
    /// in it covers: the fills committed equal its fill count, and every
    /// order in the prefix has an id below its next order id (that
    /// checkpoint commits with it). A queue that waited past `wait` goes
    /// whole, alone.
    private static func cuts(_ lanes: [DeploymentID: Lane], wait: Duration, fallbacks: inout [String]) -> [Cut] {
        var cuts: [Cut] = []
        let now = ContinuousClock.now
        for (deployment, lane) in lanes.sorted(by: { $0.key.rawValue < $1.key.rawValue }) where !lane.entries.isEmpty {
            var fills = lane.committedFills
            var highestOrder: Int64 = 0
            var pending: (body: Data, fillCount: Int, nextOrderID: Int64, index: Int)?
            var lastOffered: (fillCount: Int, nextOrderID: Int64)?
            var cut: (count: Int, checkpoint: Data?, checkpointIndex: Int?)?
            /// (entries so far, fills so far, highest order so far) at each boundary, for a checkpoint queued late.
            var boundaries: [(count: Int, fills: Int, highestOrder: Int64)] = [(0, fills, 0)]
            for (index, entry) in lane.entries.enumerated() {
                fills += entry.fills
                highestOrder = max(highestOrder, entry.highestOrderID)
                if case .checkpoint(let body, let fillCount, let nextOrderID) = entry {
                    lastOffered = (fillCount, nextOrderID)
                    if fills > fillCount || highestOrder >= nextOrderID {
                        // Read before the records ahead of it were queued: it
                        // covers the longest earlier prefix that matches it.
                        if let boundary = boundaries.last(where: { $0.fills == fillCount && $0.highestOrder < nextOrderID }),
                           boundary.count > (cut?.count ?? 0) {
                            cut = (boundary.count, body, index)
                        }
                        pending = nil
                    } else {
                        pending = (body, fillCount, nextOrderID, index)
                    }
                }
                if let checkpoint = pending {
                    if fills == checkpoint.fillCount && highestOrder < checkpoint.nextOrderID { cut = (index + 1, checkpoint.body, nil) }
                    // Behind what is already queued: a later checkpoint supersedes it.
                    if fills > checkpoint.fillCount || highestOrder >= checkpoint.nextOrderID { pending = nil }
                }
                boundaries.append((index + 1, fills, highestOrder))
            }
            if cut == nil, let oldest = lane.oldest, now - oldest > wait {
                cut = (lane.entries.count, nil, nil)
                fallbacks.append("deployment \(deployment.rawValue): \(lane.entries.count) entries waited \(now - oldest) with no covering checkpoint (fills \(fills), last checkpoint \(lastOffered.map { "\($0.fillCount) fills, next order \($0.nextOrderID)" } ?? "none"), highest order \(highestOrder))")
            }
            guard let (count, checkpoint, checkpointIndex) = cut else { continue }
            // A cut is never split: a part of it would not match its checkpoint.
            let taken = lane.entries.prefix(count)
            var records = Marketplace.DeploymentCheckpoint()
            var notifications: [DeploymentNotification] = []
            for case .records(let entry, let notification, _) in taken {
                records.orders += entry.orders
                records.fills += entry.fills
                records.equity += entry.equity
                notifications.append(notification)
            }
            cuts.append(Cut(deployment: deployment, count: taken.count, checkpointIndex: checkpointIndex, fills: records.fills.count,
                            records: records,
                            checkpoint: checkpoint, notifications: notifications))
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
                        if let index = cut.checkpointIndex { lane.entries.remove(at: index) }
                        lane.entries.removeFirst(cut.count)
                        lane.committedFills += cut.fills
                        lane.oldest = lane.entries.isEmpty ? nil : .now
                        state.lanes[cut.deployment] = lane
                        state.queued -= cut.count + (cut.checkpointIndex == nil ? 0 : 1)
                    }
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
