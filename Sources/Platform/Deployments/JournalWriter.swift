import Foundation
import Marketplace
import Synchronization

/// Writes the deployments' order and fill journal off the deployment
/// threads: `append` queues a record and returns at once (a deployment never
/// waits on SQLite); one writer thread takes what is queued in batches and
/// appends each batch in one transaction.
///
/// Nothing is dropped. A batch whose write fails is retried `retries` times
/// with a doubling delay; if it still fails, `onFailure` is told which
/// deployments it holds (the platform halts them reduce-only, with the
/// reason) and the batch stays at the head of the queue, retried every
/// `stalledRetryInterval` until the store takes it. A queue past `capacity`
/// records reports its producers the same way: the queue keeps growing only
/// while they are halted.
public final class JournalWriter: Sendable {
    /// Queue bound and retry policy.
    public struct Policy: Sendable {
        /// Queued records past which a producing deployment is halted.
        public var capacity: Int
        /// Records per transaction at most.
        public var batchLimit: Int
        /// Attempts after the first before the deployments are halted.
        public var retries: Int
        /// The first retry's delay (doubling after each).
        public var retryDelay: Duration
        /// How often a failing batch is tried again once its deployments are halted.
        public var stalledRetryInterval: Duration

        public init(capacity: Int = 10_000, batchLimit: Int = 512, retries: Int = 3, retryDelay: Duration = .milliseconds(50),
                    stalledRetryInterval: Duration = .seconds(1)) {
            self.capacity = max(1, capacity)
            self.batchLimit = max(1, batchLimit)
            self.retries = max(0, retries)
            self.retryDelay = retryDelay
            self.stalledRetryInterval = stalledRetryInterval
        }
    }

    /// One queued record of one deployment.
    struct Entry: Sendable {
        var deployment: DeploymentID
        var records: DeploymentCheckpoint
    }

    private struct State {
        var queue: [Entry] = []
        /// Sequence numbers: appended so far, and written (or skipped) so far.
        var appended: UInt64 = 0
        var written: UInt64 = 0
        /// Deployments already reported for the current failure (reported once).
        var reported: Set<DeploymentID> = []
        var lastError: String?
        /// Whether the writer thread runs (it ends after a while idle; the next append starts it).
        var running = false
    }

    let policy: Policy
    private let store: MarketplaceStore
    private let onFailure: @Sendable (DeploymentID, String) -> Void
    private let state = Mutex(State())
    private let wake = NSCondition()

    /// `onFailure(deployment, reason)` is called once per deployment per
    /// failure episode, on the writer's thread. The thread starts with the
    /// first record and ends after a few idle seconds.
    init(store: MarketplaceStore, policy: Policy, onFailure: @escaping @Sendable (DeploymentID, String) -> Void) {
        self.store = store
        self.policy = policy
        self.onFailure = onFailure
    }

    /// Queues `records` of `deployment`; never blocks on the store.
    func append(_ records: DeploymentCheckpoint, for deployment: DeploymentID) {
        let (overflow, start): (Int?, Bool) = state.withLock { state in
            state.queue.append(Entry(deployment: deployment, records: records))
            state.appended += 1
            let start = !state.running
            state.running = true
            guard state.queue.count > policy.capacity, state.reported.insert(deployment).inserted else { return (nil, start) }
            return (state.queue.count, start)
        }
        if start {
            let thread = Thread { [self] in run() }
            thread.name = "journal-writer"
            thread.start()
        } else {
            wake.lock(); wake.signal(); wake.unlock()
        }
        if let overflow { onFailure(deployment, "the journal writer is \(overflow) records behind (limit \(policy.capacity))") }
    }

    /// Records queued and not yet written.
    public var backlog: Int { state.withLock { $0.queue.count } }

    /// The last write error, while the writer is failing (nil once a write succeeds).
    public var lastError: String? { state.withLock { $0.lastError } }

    /// Waits until everything appended before the call is written, at most
    /// `timeout`; returns whether it was. For readers of the journal that
    /// must see what a deployment already reported, and for shutdown.
    @discardableResult
    public func flush(timeout: Duration = .seconds(2)) async -> Bool {
        let target = state.withLock { $0.appended }
        let deadline = ContinuousClock.now + timeout
        while state.withLock({ $0.written < target }) {
            guard ContinuousClock.now < deadline else { return false }
            try? await Task.sleep(for: .milliseconds(2))
        }
        return true
    }

    /// `flush` for a thread that may block (shutdown).
    @discardableResult
    func flushBlocking(timeout: Duration = .seconds(5)) -> Bool {
        let target = state.withLock { $0.appended }
        let deadline = ContinuousClock.now + timeout
        while state.withLock({ $0.written < target }) {
            guard ContinuousClock.now < deadline else { return false }
            Thread.sleep(forTimeInterval: 0.002)
        }
        return true
    }

    private func run() {
        while let batch = nextBatch() {
            write(batch)
        }
    }

    /// The next batch (not removed from the queue until written), or nil
    /// (and the thread marked stopped) after a few seconds with none.
    private func nextBatch() -> [Entry]? {
        wake.lock()
        defer { wake.unlock() }
        var waited = false
        while true {
            let batch: [Entry]? = state.withLock { state in
                if !state.queue.isEmpty { return Array(state.queue.prefix(policy.batchLimit)) }
                if waited { state.running = false }
                return nil
            }
            if let batch { return batch }
            if waited { return nil }
            _ = wake.wait(until: Date(timeIntervalSinceNow: 2))
            waited = true
        }
    }

    private func write(_ batch: [Entry]) {
        var delay = policy.retryDelay
        var attempt = 0
        while true {
            do {
                try store.appendJournal(batch.map { ($0.deployment, $0.records) })
                state.withLock { state in
                    state.queue.removeFirst(batch.count)
                    state.written += UInt64(batch.count)
                    state.lastError = nil
                    if state.queue.count <= policy.capacity { state.reported.removeAll() }
                }
                return
            } catch {
                let reason = "\(error)"
                state.withLock { $0.lastError = reason }
                attempt += 1
                if attempt > policy.retries {
                    let newlyHalted = state.withLock { state in
                        Set(batch.map(\.deployment)).filter { state.reported.insert($0).inserted }
                    }
                    for deployment in newlyHalted.sorted(by: { $0.rawValue < $1.rawValue }) {
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
}

extension Duration {
    /// Seconds as a `TimeInterval`.
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}
