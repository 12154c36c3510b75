import Foundation
import Glibc

/// The synchronous requests of a supervisor: deploy, stop, drain and
/// shutdown. Each sends its frame, then waits on the lock's condition for
/// the reader thread to record the answer.
extension SupervisorCore {
    func deploy(_ configuration: DeploymentConfiguration, startAt time: Int64,
                restoring checkpoint: DeploymentCheckpoint? = nil) throws(IsolationError) {
        let id = configuration.id
        lock.lock()
        guard !closed else { lock.unlock(); throw .shutDown }
        guard records[id] == nil else { lock.unlock(); throw .duplicateDeployment(id) }
        let live = shards.filter { $0.process != nil }
        guard let shard = live.min(by: { $0.slots.count < $1.slots.count || ($0.slots.count == $1.slots.count && $0.index < $1.index) }) else {
            lock.unlock()
            throw .workerDied(reason: "no worker is running")
        }
        records[id] = DeploymentRecord(
            configuration: configuration, wire: WireDeployment(configuration), startAt: time, shard: shard.index, slot: -1,
            phase: .deploying, deadlineNanoseconds: configuration.sandboxLimits.wallTimePerCall.wholeNanoseconds)
        lock.unlock()
        send(to: shard) { shard in
            let slot = shard.nextSlot
            shard.nextSlot += 1
            shard.slots[slot] = id
            records[id]!.slot = slot
            records[id]!.firstSequence = shard.lastSequence + 1
            shard.lifecycle.sent(.reply(.deployed))
            let request = DeployRequest(slot: slot, deployment: records[id]!.wire, startAt: time, checkpoint: checkpoint,
                                        firstSequence: shard.lastSequence + 1)
            return Frame(type: .deploy, payload: WireJSON.encode(request)).encoded()
        }
        lock.lock()
        defer { lock.unlock() }
        while records[id]?.phase == .deploying && !closed { lock.wait() }
        switch records[id]?.phase {
        case .refused(let reason, let refusal):
            records[id] = nil
            if let refusal { throw .refused(id: id, refusal) }
            throw .deploymentRefused(id: id, reason: reason)
        case .faulted:
            // On_start crashed or hung its worker: the deployment exists, faulted.
            return
        case nil, .deploying:
            throw .shutDown
        default:
            return
        }
    }

    /// Stops a deployment and removes it; its final record (with the
    /// checkpoint the stop left), nil if unknown.
    func stopRecord(_ id: String) -> DeploymentRecord? {
        lock.lock()
        while records[id]?.phase == .deploying && !closed { lock.wait() }
        guard let record = records[id] else { lock.unlock(); return nil }
        let shard = shards[record.shard]
        let needsWorker = record.phase == .running && shard.process != nil
        if needsWorker { records[id]!.phase = .stopping }
        lock.unlock()
        if needsWorker {
            send(to: shard) { shard in
                guard let slot = records[id]?.slot, shard.slots[slot] == id else { return nil }
                shard.lifecycle.sent(.reply(.stopped))
                return Frame(type: .stop, payload: WireJSON.encode(StopRequest(slot: slot))).encoded()
            }
        }
        lock.lock()
        defer { lock.unlock() }
        // A worker that does not answer in time is killed: the recovery ends
        // the deployment where its checkpoint left it and resumes the others.
        // Should even that not happen in time, the record is ended here.
        let deadline = replyDeadlineFromNow
        while records[id]?.phase == .stopping && !closed && lock.wait(until: deadline) {}
        if records[id]?.phase == .stopping && !closed, let process = shard.process {
            lock.unlock()
            process.kill()
            lock.lock()
            let last = replyDeadlineFromNow
            while records[id]?.phase == .stopping && !closed && lock.wait(until: last) {}
        }
        if var record = records[id], record.phase == .stopping {
            record.phase = .stopped
            if var checkpoint = record.checkpoint {
                checkpoint.status = CheckpointStatus(.stopped)
                record.checkpoint = checkpoint
            }
            if shard.slots[record.slot] == id { shard.slots[record.slot] = nil }
            records[id] = record
        }
        return records.removeValue(forKey: id)
    }

    func setKillSwitch(_ request: KillSwitchRequest) {
        publishLock.lock()
        defer { publishLock.unlock() }
        lock.withLock { killSwitches[request.scope] = request.reason == nil ? nil : request }
        let frame = Frame(type: .killSwitch, payload: WireJSON.encode(request)).encoded()
        for shard in shards { send(to: shard) { _ in frame } }
    }

    func drain() {
        lock.lock()
        defer { lock.unlock() }
        // Owed replies count too: after a recovery, the restores.
        while !closed && (shards.contains { $0.process != nil && (!$0.pending.isEmpty || !$0.lifecycle.expected.isEmpty) }
                          || records.values.contains { $0.phase == .deploying }) {
            lock.wait()
        }
    }

    /// Asks every worker to exit, kills those that do not within a second,
    /// and stops the watchdog. Idempotent.
    func shutdown() {
        lock.lock()
        if closed { lock.unlock(); return }
        closed = true
        lock.broadcast()
        lock.unlock()
        let farewell = Frame(type: .shutdown).encoded()
        var processes: [WorkerProcess] = []
        for shard in shards {
            shard.writeLock.lock()
            lock.lock()
            shard.lifecycle.shuttingDown()
            let process = shard.process
            lock.unlock()
            if let process {
                try? process.channel.send(bytes: farewell)
                processes.append(process)
            }
            shard.writeLock.unlock()
        }
        // Readers reap their workers and clear `process`; whoever is not
        // gone within a second is killed.
        lock.lock()
        let deadline = Date().addingTimeInterval(1)
        while shards.contains(where: { $0.process != nil }) && lock.wait(until: deadline) {}
        lock.unlock()
        for process in processes { process.kill() }
    }
}
