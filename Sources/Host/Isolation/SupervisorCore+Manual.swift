import Foundation

/// Manual commands in worker mode: sent in the deployment's worker's frame
/// stream (so they fall between the same batches there as anywhere), and
/// applied to the supervisor's copy only when answered. A worker that dies
/// first takes the command with it: the caller hears that it was not applied,
/// and the replacement resumes from a checkpoint without it.
extension SupervisorCore {
    func execute(_ command: ManualCommand, on id: String) throws(ManualCommandError) -> ManualCommandOutcome {
        lock.lock()
        while records[id]?.phase == .deploying && !closed { lock.wait() }
        guard let record = records[id] else {
            lock.unlock()
            throw .unknownDeployment(id)
        }
        guard record.phase == .running else {
            lock.unlock()
            throw .notTrading(id: id, status: record.checkpoint?.status.status?.description ?? "\(record.phase)")
        }
        let shard = shards[record.shard]
        let ticket = nextManualTicket
        nextManualTicket += 1
        lock.unlock()
        var recipient: WorkerProcess?
        send(to: shard) { shard in
            guard let slot = records[id]?.slot, shard.slots[slot] == id, records[id]?.phase == .running,
                  let process = shard.process else { return nil }
            recipient = process
            shard.manualTickets.append(ticket)
            shard.lifecycle.sent(.reply(.manualDone))
            return Frame(type: .manual, payload: WireJSON.encode(ManualRequest(slot: slot, command: command))).encoded()
        }
        lock.lock()
        defer { lock.unlock() }
        guard let recipient else { throw .hostUnavailable("deployment \(id) has no running worker") }
        let deadline = replyDeadlineFromNow
        while manualOutcomes[ticket] == nil && shard.process === recipient && !closed && lock.wait(until: deadline) {}
        guard let outcome = manualOutcomes.removeValue(forKey: ticket) else {
            if shard.process === recipient && !closed {
                // Still owed: its answer, if it comes, is dropped.
                abandonedManualTickets.insert(ticket)
                throw .hostUnavailable("the worker running deployment \(id) did not answer within \(configuration.replyDeadline); "
                                       + "the command may still take effect: check the deployment's orders")
            }
            throw .hostUnavailable(closed ? "the host shut down" : "the worker running deployment \(id) ended before answering")
        }
        return try outcome.get()
    }
}
