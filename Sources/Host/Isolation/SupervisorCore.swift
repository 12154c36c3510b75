import Foundation
import Glibc

/// The machinery behind `SupervisedHost`: the shards, the deployment
/// records, one reader thread per worker process and the watchdog thread.
///
/// Locking: `lock` (an `NSCondition`) guards every shard field, `records`
/// and the counters; nobody blocks on I/O while holding it. Socket writes
/// happen under the shard's `writeLock`, taken before `lock` when both are
/// needed. Observer calls happen with no lock held, on reader threads; a
/// deployment's notifications come from one reader at a time, in order.
final class SupervisorCore: @unchecked Sendable {
    let configuration: IsolationConfiguration
    let observer: @Sendable (String, DeploymentNotification) -> Void
    let lock = NSCondition()
    let publishLock = NSLock()
    var shards: [Shard] = []
    var records: [String: DeploymentRecord] = [:]
    var nextSequence: UInt64 = 1
    /// Recent bar events per symbol, tagged with their batch, to refill the
    /// indicators of resumed deployments.
    var warmUp: [String: [(sequence: UInt64, event: MarketEvent)]] = [:]
    var closed = false
    /// Engaged kill switches (as the requests that engaged them): forwarded
    /// to every worker, and to every replacement before its deployments are
    /// re-created.
    var killSwitches: [KillSwitchScope: KillSwitchRequest] = [:]
    /// Answers to manual commands, by ticket, until their caller takes them.
    var manualOutcomes: [UInt64: Result<ManualCommandOutcome, ManualCommandError>] = [:]
    var nextManualTicket: UInt64 = 1
    /// Tickets whose callers stopped waiting (past the reply deadline).
    var abandonedManualTickets: Set<UInt64> = []

    /// When a reply asked for now is overdue (`IsolationConfiguration.replyDeadline`).
    var replyDeadlineFromNow: Date { Date().addingTimeInterval(Double(configuration.replyDeadline.wholeNanoseconds) / 1e9) }

    init(configuration: IsolationConfiguration, observer: @escaping @Sendable (String, DeploymentNotification) -> Void) {
        self.configuration = configuration
        self.observer = observer
    }

    /// Starts the workers and the watchdog.
    func start() throws(IsolationError) {
        for index in 0..<configuration.workers {
            let shard = Shard(index: index)
            let process = try WorkerProcess.spawn(configuration)
            shard.process = process
            shards.append(shard)
            startReader(shard, process)
        }
        let watchdog = Thread { [self] in watch() }
        watchdog.name = "lunar-watchdog"
        watchdog.start()
    }

    // MARK: - Sending

    /// Sends frames to a shard's current process under its write lock.
    /// `prepare` runs under the supervisor's lock and says what to send; a
    /// failed write is ignored (the reader finds the worker dead and the
    /// recovery replays what it owed).
    func send(to shard: Shard, _ prepare: (Shard) -> [UInt8]?) {
        shard.writeLock.lock()
        defer { shard.writeLock.unlock() }
        lock.lock()
        let bytes = prepare(shard)
        let process = shard.lifecycle.isRunning ? shard.process : nil
        lock.unlock()
        if let bytes, let process { try? process.channel.send(bytes: bytes) }
    }

    func publish(_ events: [MarketEvent]) {
        guard !events.isEmpty else { return }
        publishLock.lock()
        defer { publishLock.unlock() }
        lock.lock()
        let sequence = nextSequence
        nextSequence += 1
        remember(events, sequence: sequence)
        lock.unlock()
        let frame = Frame(type: .events, payload: WireMarketEvents.encode(sequence: sequence, events)).encoded()
        for shard in shards {
            send(to: shard) { shard in
                guard shard.process != nil else { return nil }
                shard.pending.append((sequence, frame))
                shard.lastSequence = sequence
                shard.lifecycle.sent(.batch(sequence))
                return frame
            }
        }
    }

    private func remember(_ events: [MarketEvent], sequence: UInt64) {
        guard configuration.warmUpBars > 0 else { return }
        for event in events {
            guard case .bar = event.payload else { continue }
            warmUp[event.symbol, default: []].append((sequence, event))
            if warmUp[event.symbol]!.count > 2 * configuration.warmUpBars {
                warmUp[event.symbol]!.removeFirst(configuration.warmUpBars)
            }
        }
    }

    // MARK: - Reading

    func startReader(_ shard: Shard, _ process: WorkerProcess) {
        let thread = Thread { [self] in read(shard, process) }
        thread.name = "lunar-supervisor-\(shard.index)"
        thread.start()
    }

    /// Reads one process's frames until it ends, then recovers.
    private func read(_ shard: Shard, _ process: WorkerProcess) {
        while true {
            let frame: Frame?
            do {
                frame = try process.channel.receive()
            } catch {
                reject(shard, process, error.description)
                break
            }
            guard let frame else { break }
            guard accept(frame, shard, process) else { break }
        }
        let exit = process.reap()
        recover(shard, process, exit)
    }

    private func reject(_ shard: Shard, _ process: WorkerProcess, _ reason: String) {
        lock.lock()
        let action = shard.process === process ? shard.lifecycle.rejected(reason) : .kill
        lock.unlock()
        if action == .kill || action == .none { process.kill() }
    }

    /// Applies one frame; false when it was not to be trusted (the worker is
    /// then killed).
    private func accept(_ frame: Frame, _ shard: Shard, _ process: WorkerProcess) -> Bool {
        var report: BatchReport?
        var reply: SlotReply?
        var manual: ManualReply?
        do throws(FrameError) {
            switch frame.type {
            case .batchDone:
                do {
                    report = try BatchReport.decode(frame.payload)
                } catch {
                    throw .malformedPayload(type: frame.type.rawValue, reason: error.reason)
                }
            case .deployed, .stopped: reply = try WireJSON.decode(SlotReply.self, frame)
            case .manualDone: manual = try WireJSON.decode(ManualReply.self, frame)
            default: break
            }
        } catch {
            reject(shard, process, error.description)
            return false
        }
        lock.lock()
        guard shard.process === process,
              shard.lifecycle.received(frame.type, sequence: report?.sequence) == .accept else {
            lock.unlock()
            process.kill()
            return false
        }
        var deliveries: [(String, DeploymentNotification)] = []
        let applied: Bool = if let report {
            apply(report, shard, &deliveries)
        } else if let reply {
            apply(reply, type: frame.type, shard, &deliveries)
        } else if let manual {
            apply(manual, shard, &deliveries)
        } else {
            false
        }
        if !applied { _ = shard.lifecycle.rejected("report names an unknown deployment") }
        lock.broadcast()
        lock.unlock()
        guard applied else {
            process.kill()
            return false
        }
        for (id, notification) in deliveries { observer(id, notification) }
        return true
    }

    /// Checks that every slot and id in a report is one this process owns.
    private func resolve(_ notifications: [WireNotification], _ shard: Shard,
                         _ deliveries: inout [(String, DeploymentNotification)]) -> Bool {
        for wire in notifications {
            guard let id = shard.slots[wire.slot], let notification = wire.notification else { return false }
            if case .log(let entry) = notification { records[id]?.log(entry) }
            deliveries.append((id, notification))
        }
        return true
    }

    private func apply(_ report: BatchReport, _ shard: Shard, _ deliveries: inout [(String, DeploymentNotification)]) -> Bool {
        for entry in report.checkpoints {
            guard let id = shard.slots[entry.slot], entry.checkpoint.id == id, records[id] != nil else { return false }
        }
        guard resolve(report.notifications, shard, &deliveries) else { return false }
        for entry in report.checkpoints {
            let id = shard.slots[entry.slot]!
            records[id]!.checkpoint = entry.checkpoint
        }
        shard.pending.removeAll { $0.sequence <= report.sequence }
        return true
    }

    private func apply(_ reply: SlotReply, type: FrameType, _ shard: Shard,
                       _ deliveries: inout [(String, DeploymentNotification)]) -> Bool {
        guard let id = shard.slots[reply.slot], var record = records[id] else { return false }
        if let checkpoint = reply.checkpoint, checkpoint.id != id { return false }
        guard resolve(reply.notifications, shard, &deliveries) else { return false }
        if let checkpoint = reply.checkpoint { record.checkpoint = checkpoint }
        switch (type, record.phase) {
        case (.deployed, .deploying):
            record.phase = reply.error.map { .refused($0, reply.refusal?.error) } ?? .running
        case (.deployed, _):
            // A restore in a fresh worker; one that fails faults the deployment.
            if let error = reply.error { fault(&record, reason: "restore failed: \(error)", &deliveries) }
        case (.stopped, _):
            record.phase = .stopped
        default:
            return false
        }
        if record.phase != .running && record.phase != .deploying { shard.slots[reply.slot] = nil }
        records[id] = record
        return true
    }

    /// A manual command's answer goes to the oldest ticket of the shard.
    private func apply(_ reply: ManualReply, _ shard: Shard, _ deliveries: inout [(String, DeploymentNotification)]) -> Bool {
        guard let id = shard.slots[reply.slot], records[id] != nil, !shard.manualTickets.isEmpty else { return false }
        if let checkpoint = reply.checkpoint, checkpoint.id != id { return false }
        guard resolve(reply.notifications, shard, &deliveries) else { return false }
        if let checkpoint = reply.checkpoint { records[id]!.checkpoint = checkpoint }
        let ticket = shard.manualTickets.removeFirst()
        if abandonedManualTickets.remove(ticket) != nil { return true }
        manualOutcomes[ticket] = if let outcome = reply.outcome {
            .success(outcome)
        } else {
            .failure(reply.error ?? .hostUnavailable("the worker answered without an outcome"))
        }
        return true
    }

    /// Marks a deployment faulted in the supervisor's copy: its working
    /// orders are canceled there (the worker that held them is gone) and the
    /// observer hears it as it would from a kernel.
    func fault(_ record: inout DeploymentRecord, reason: String, _ deliveries: inout [(String, DeploymentNotification)]) {
        let id = record.configuration.id
        record.phase = .faulted
        var checkpoint = record.checkpoint ?? DeploymentCheckpoint(
            id: id, status: CheckpointStatus(.ready), time: record.startAt, nextOrderID: 1,
            portfolio: Portfolio(cash: record.configuration.startingCash, instruments: record.configuration.instruments),
            workingOrders: [], exchangeSequence: 0, state: nil, timers: [], subscriptions: [:], fillCount: 0)
        for working in checkpoint.workingOrders {
            var order = working.order
            order.status = .canceled
            order.reason = OrderReason(code: .deploymentFaulted, message: reason)
            order.updatedAt = checkpoint.time
            deliveries.append((id, .order(order)))
        }
        checkpoint.workingOrders = []
        checkpoint.status = CheckpointStatus(.faulted(reason: reason))
        record.checkpoint = checkpoint
        let entry = DeploymentLogEntry(time: checkpoint.time, level: "error", message: "deployment faulted: \(reason)")
        record.log(entry)
        deliveries.append((id, .log(entry)))
        deliveries.append((id, .status(.faulted(reason: reason))))
    }
}
