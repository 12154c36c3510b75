import Foundation

// The control messages of the worker protocol: JSON payloads (rare, and
// JSON's decoder rejects every malformed input with an error). Event batches,
// the hot path, are binary (WireMarketEvents).

/// Supervisor → worker: create a deployment in `slot` (the index the
/// watchdog page and reports use), fresh or from a checkpoint.
struct DeployRequest: Codable, Sendable {
    var slot: Int
    var deployment: WireDeployment
    var startAt: Int64
    var checkpoint: DeploymentCheckpoint?
    /// With a checkpoint: refill the indicators from the bars of the last
    /// `warmUp` frame, without running strategy code.
    var warmUp: Bool = false
    /// The first batch the deployment takes part in: batches replayed after a
    /// worker died that were sent before it was created pass it by.
    var firstSequence: UInt64 = 0
}

/// Worker → supervisor, answering `deploy` (the deployment runs, or why it
/// could not start) and `stop` (its final state).
struct SlotReply: Codable, Sendable {
    var slot: Int
    var error: String?
    /// What the script got wrong, when the worker refused a deployment for it.
    var refusal: WireDeploymentError?
    var notifications: [WireNotification]
    var checkpoint: DeploymentCheckpoint?
}

/// Supervisor → worker: stop the deployment in `slot`.
struct StopRequest: Codable, Sendable {
    var slot: Int
}

/// Worker → supervisor: what a batch produced, and the checkpoints of the
/// deployments it changed. Binary (WireCoding+Checkpoint).
struct BatchReport: Sendable {
    var sequence: UInt64
    var notifications: [WireNotification]
    var checkpoints: [SlotCheckpoint]
}

struct SlotCheckpoint: Sendable {
    var slot: Int
    var checkpoint: DeploymentCheckpoint
}

/// Supervisor → worker: engage (with `reason`, at `level`) or release (no
/// reason) a kill switch on the worker's board. `level` was added later: a
/// request without it engages at `halt`, what every switch meant before.
struct KillSwitchRequest: Codable, Sendable, Equatable {
    var scope: KillSwitchScope
    var reason: String?
    var level: KillSwitchLevel?

    /// What the request engages, or nil when it releases.
    var engaged: KillSwitch? {
        reason.map { KillSwitch(scope: scope, level: level ?? .halt, reason: $0) }
    }
}

/// Supervisor → worker: arm a test hook (ignored unless the worker was
/// started with test hooks enabled).
struct TestHookRequest: Codable, Sendable {
    var slot: Int
}

/// Supervisor → worker, tests only: write `bytes` to the socket as they are
/// (a broken worker), then exit if asked (a stream cut inside a frame).
struct TestGarbageRequest: Codable, Sendable {
    var bytes: [UInt8]
    var exitAfter: Bool
}

/// Supervisor → worker: an owner's manual command for the deployment in `slot`.
struct ManualRequest: Codable, Sendable {
    var slot: Int
    var command: ManualCommand
}

/// Worker → supervisor, answering `manual`: the outcome or why there is
/// none, what the command made the deployment report, and its checkpoint.
struct ManualReply: Codable, Sendable {
    var slot: Int
    var outcome: ManualCommandOutcome?
    var error: ManualCommandError?
    var notifications: [WireNotification]
    var checkpoint: DeploymentCheckpoint?
}

/// One `DeploymentNotification` of the deployment in `slot`.
struct WireNotification: Codable, Sendable, Equatable {
    var slot: Int
    var order: Order?
    var fill: Fill?
    var log: DeploymentLogEntry?
    var status: CheckpointStatus?
    var equity: EquitySample?

    init(slot: Int, _ notification: DeploymentNotification) {
        self.slot = slot
        switch notification {
        case .order(let order): self.order = order
        case .fill(let fill): self.fill = fill
        case .log(let entry): log = entry
        case .status(let status): self.status = CheckpointStatus(status)
        case .equity(let sample): equity = sample
        }
    }

    /// Nil unless exactly one field is set with a known value.
    var notification: DeploymentNotification? {
        switch (order, fill, log, status, equity) {
        case (let order?, nil, nil, nil, nil): .order(order)
        case (nil, let fill?, nil, nil, nil): .fill(fill)
        case (nil, nil, let log?, nil, nil): .log(log)
        case (nil, nil, nil, let status?, nil): status.status.map(DeploymentNotification.status)
        case (nil, nil, nil, nil, let sample?): .equity(sample)
        default: nil
        }
    }
}

/// Supervisor → worker: one backtest job.
struct BacktestJob: Codable, Sendable {
    var deployment: WireDeployment
    var bars: [String: [Bar]]
    var timeframe: Int64
    var seed: UInt64
    var dataHash: String
}

/// Worker → supervisor: the job's result as `BacktestResult.jsonData()`
/// wrote it (the bytes are the result: nothing re-encodes them).
struct BacktestReply: Codable, Sendable {
    var resultJSON: Data?
    var error: String?
    var status: CheckpointStatus
    var log: [DeploymentLogEntry]
    var barsProcessed: Int
}

/// Supervisor → worker: inspect the deployment's script (`StrategyInspection`).
struct InspectRequest: Codable, Sendable {
    var deployment: WireDeployment
}

/// Worker → supervisor: the inspection, or what compiling or the main chunk
/// raised (as `"\(error)"` reads in-process, so both hosts word it alike).
struct InspectReply: Codable, Sendable {
    var inspection: StrategyInspection?
    var error: String?
}

enum WireJSON {
    static func encode<T: Encodable>(_ value: T) -> [UInt8] {
        let encoder = JSONEncoder()
        // Encoding our own value types cannot fail; an empty payload would be
        // refused by the peer rather than trusted.
        return (try? Array(encoder.encode(value))) ?? []
    }

    static func decode<T: Decodable>(_ type: T.Type, _ frame: Frame) throws(FrameError) -> T {
        do {
            return try JSONDecoder().decode(type, from: Data(frame.payload))
        } catch {
            throw .malformedPayload(type: frame.type.rawValue, reason: "\(T.self): \(error)")
        }
    }
}
