import Foundation

/// One worker slot of a supervisor: the current process and what the
/// supervisor must remember to replace it. Every field but `writeLock` is
/// guarded by the supervisor's lock; `writeLock` orders writes to the
/// socket (and is always taken before the supervisor's lock, never after).
final class Shard: @unchecked Sendable {
    let index: Int
    let writeLock = NSLock()
    var process: WorkerProcess?
    var lifecycle = WorkerLifecycle()
    /// Deployment ids by the slot numbers this process knows them by.
    var slots: [Int: String] = [:]
    var nextSlot = 0
    /// Event batches sent and not yet reported, in order: replayed to the
    /// next process if this one dies.
    var pending: [(sequence: UInt64, frame: [UInt8])] = []
    /// The last batch sent (or queued) to this shard.
    var lastSequence: UInt64 = 0
    /// The watchdog word last seen and since when (monotonic nanoseconds).
    var watchedWord: Int64 = 0
    var watchedSince: UInt64 = 0
    /// Processes that replaced a dead one.
    var replacements = 0
    /// The tickets of manual commands sent to this process and not yet
    /// answered, in order (the worker answers in order).
    var manualTickets: [UInt64] = []
    /// When this shard's workers died unasked (monotonic nanoseconds), within
    /// the configuration's crash window: the restart backoff.
    var crashTimes: [UInt64] = []
    /// The first unreported batch at the last death no deployment was blamed
    /// for, and how many deaths in a row it has been first: a batch that
    /// kills two workers is quarantined (dropped, not replayed again).
    var suspectBatch: (sequence: UInt64, deaths: Int)?
    /// Batches dropped by that rule.
    var quarantinedBatches = 0

    init(index: Int) { self.index = index }
}

/// The supervisor's authoritative copy of one deployment: its configuration
/// and the latest checkpoint a worker reported (at the end of the last
/// batch it finished), plus where it runs now.
struct DeploymentRecord: Sendable {
    enum Phase: Sendable, Equatable {
        /// Sent to a worker, no reply yet.
        case deploying
        case running
        /// Refused by the worker: what the script got wrong when it says
        /// (script, schema, symbols), else the worker's reason.
        case refused(String, DeploymentError?)
        /// Faulted by the supervisor: its worker died while it ran a callback.
        case faulted
        /// A stop was sent, no reply yet.
        case stopping
        case stopped
    }

    var configuration: DeploymentConfiguration
    var wire: WireDeployment
    var startAt: Int64
    var shard: Int
    var slot: Int
    var phase: Phase
    var checkpoint: DeploymentCheckpoint?
    var recentLog: [DeploymentLogEntry] = []
    /// The callback deadline the watchdog applies (sandbox wall time).
    var deadlineNanoseconds: Int64
    /// The first batch sent to its shard after its deploy frame.
    var firstSequence: UInt64 = 0

    var lives: Bool { phase == .deploying || phase == .running || phase == .stopping }

    mutating func log(_ entry: DeploymentLogEntry) {
        if recentLog.count >= 20 { recentLog.removeFirst() }
        recentLog.append(entry)
    }
}

extension DeploymentSnapshot {
    /// What a caller sees of a deployment from the supervisor's copy.
    init(id: String, checkpoint: DeploymentCheckpoint?, configuration: DeploymentConfiguration, log: [DeploymentLogEntry]) {
        self.init(id: id, status: checkpoint?.status.status ?? .ready,
                  portfolio: checkpoint?.portfolio ?? Portfolio(cash: configuration.startingCash, instruments: configuration.instruments),
                  openOrders: checkpoint?.openOrders ?? [], fillCount: checkpoint?.fillCount ?? 0, log: log)
    }
}
