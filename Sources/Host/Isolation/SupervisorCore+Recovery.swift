import Foundation
import Glibc

/// Replacing a dead worker: fault the deployment that was inside a
/// callback, start a fresh process, re-create every other deployment from
/// its checkpoint, and replay the batches the dead one never reported.
/// Batches are applied only when reported, so nothing is applied twice, and
/// kernels are deterministic, so the replay yields the same orders with the
/// same ids the dead worker would have.
extension SupervisorCore {
    func recover(_ shard: Shard, _ process: WorkerProcess, _ exit: WorkerExit) {
        shard.writeLock.lock()
        lock.lock()
        guard shard.process === process else {
            lock.unlock()
            shard.writeLock.unlock()
            return
        }
        let action = shard.lifecycle.ended(exit, slotInCallback: WatchdogPage.slot(of: process.page.value))
        guard case .recover(let culprit, let reason) = action, !closed, backOff(shard, process) else {
            shard.process = nil
            lock.broadcast()
            lock.unlock()
            shard.writeLock.unlock()
            return
        }
        var deliveries: [(String, DeploymentNotification)] = []
        if let culprit, let id = shard.slots[culprit], var record = records[id], record.lives {
            fault(&record, reason: reason, &deliveries)
            records[id] = record
            shard.suspectBatch = nil
        } else {
            quarantineRepeatedBatch(shard, reason: reason, &deliveries)
        }
        var frames: [[UInt8]] = []
        let replacement: WorkerProcess
        do {
            replacement = try WorkerProcess.spawn(configuration)
            frames = resume(shard, reason: reason, &deliveries)
        } catch {
            for id in shard.slots.values.sorted() {
                guard var record = records[id], record.lives else { continue }
                fault(&record, reason: "\(reason); no replacement worker: \(error)", &deliveries)
                records[id] = record
            }
            shard.slots = [:]
            shard.pending = []
            shard.manualTickets = []
            shard.process = nil
            lock.broadcast()
            lock.unlock()
            shard.writeLock.unlock()
            for (id, notification) in deliveries { observer(id, notification) }
            return
        }
        shard.process = replacement
        shard.replacements += 1
        shard.watchedWord = 0
        lock.broadcast()
        lock.unlock()
        // The fault and resume notes reach the observer before anything the
        // replacement reports (its reader starts after them).
        for (id, notification) in deliveries { observer(id, notification) }
        startReader(shard, replacement)
        for frame in frames {
            do { try replacement.channel.send(bytes: frame) } catch { break }
        }
        shard.writeLock.unlock()
    }

    /// Called with both locks held, after an unasked death: waits out the
    /// restart backoff (without the locks, so the feed and other shards go
    /// on; what is sent meanwhile is queued for the replacement). False when
    /// the supervisor closed or the shard moved on meanwhile.
    private func backOff(_ shard: Shard, _ process: WorkerProcess) -> Bool {
        let now = DispatchTime.now().uptimeNanoseconds
        let window = UInt64(max(0, configuration.crashWindow.wholeNanoseconds))
        shard.crashTimes = shard.crashTimes.filter { now &- $0 < window } + [now]
        let delay = Self.restartDelay(deathsInWindow: shard.crashTimes.count, configuration)
        guard delay > 0 else { return true }
        shard.writeLock.unlock()
        let deadline = Date().addingTimeInterval(Double(delay) / 1e9)
        while !closed && lock.wait(until: deadline) {}
        lock.unlock()
        shard.writeLock.lock()
        lock.lock()
        return !closed && shard.process === process
    }

    /// The wait before the replacement of a worker that is the
    /// `deathsInWindow`-th to die in the crash window: none for the first,
    /// then `restartBackoff` doubling up to `maximumRestartBackoff`.
    static func restartDelay(deathsInWindow deaths: Int, _ configuration: IsolationConfiguration) -> Int64 {
        guard deaths > 1 else { return 0 }
        let base = max(0, configuration.restartBackoff.wholeNanoseconds)
        let ceiling = max(0, configuration.maximumRestartBackoff.wholeNanoseconds)
        let (delay, overflow) = base.multipliedReportingOverflow(by: Int64(1) << min(deaths - 2, 40))
        return overflow ? ceiling : min(delay, ceiling)
    }

    /// Under the lock, after a death no deployment was blamed for: the first
    /// unreported batch is suspect; the second death in a row with the same
    /// batch first quarantines it — it is dropped instead of replayed into
    /// the same crash, and every deployment of the shard logs the skip.
    private func quarantineRepeatedBatch(_ shard: Shard, reason: String, _ deliveries: inout [(String, DeploymentNotification)]) {
        guard let first = shard.pending.first?.sequence else {
            shard.suspectBatch = nil
            return
        }
        let deaths = shard.suspectBatch?.sequence == first ? shard.suspectBatch!.deaths + 1 : 1
        guard deaths >= 2 else {
            shard.suspectBatch = (first, deaths)
            return
        }
        shard.suspectBatch = nil
        shard.pending.removeFirst()
        shard.quarantinedBatches += 1
        for id in shard.slots.values.sorted() {
            guard var record = records[id], record.lives else { continue }
            let entry = DeploymentLogEntry(
                time: record.checkpoint?.time ?? record.startAt, level: "error",
                message: "market batch \(first) skipped: it ended \(deaths) workers in a row and is quarantined (\(reason))")
            record.log(entry)
            records[id] = record
            deliveries.append((id, .log(entry)))
        }
    }

    /// Under the lock: renumbers the shard's surviving deployments for the
    /// new process and returns the frames that re-create them and replay the
    /// unreported batches, in order.
    private func resume(_ shard: Shard, reason: String, _ deliveries: inout [(String, DeploymentNotification)]) -> [[UInt8]] {
        shard.lifecycle = WorkerLifecycle()
        // Unanswered manual commands died with the worker (their callers see
        // the process change); the replacement never hears them.
        abandonedManualTickets.subtract(shard.manualTickets)
        shard.manualTickets = []
        let survivors = shard.slots.keys.sorted().compactMap { shard.slots[$0] }
        shard.slots = [:]
        shard.nextSlot = 0
        var frames = killSwitches.sorted { "\($0.key)" < "\($1.key)" }.map { _, request in
            Frame(type: .killSwitch, payload: WireJSON.encode(request)).encoded()
        }
        let firstUnreported = shard.pending.first?.sequence ?? nextSequence
        for id in survivors {
            guard var record = records[id] else { continue }
            if record.phase == .stopping {
                // Its stop was sent and never answered: it ends where its
                // checkpoint left it.
                record.phase = .stopped
                if var checkpoint = record.checkpoint {
                    checkpoint.status = CheckpointStatus(.stopped)
                    record.checkpoint = checkpoint
                }
                records[id] = record
                continue
            }
            guard record.phase == .deploying || record.phase == .running else { continue }
            let slot = shard.nextSlot
            shard.nextSlot += 1
            shard.slots[slot] = id
            record.slot = slot
            let restoring = record.phase == .running ? record.checkpoint : nil
            let entry = DeploymentLogEntry(time: record.checkpoint?.time ?? record.startAt, level: "warn",
                                           message: "resumed in a fresh worker (\(reason))")
            record.log(entry)
            deliveries.append((id, .log(entry)))
            records[id] = record
            let request = DeployRequest(slot: slot, deployment: record.wire, startAt: record.startAt, checkpoint: restoring,
                                        warmUp: restoring != nil,
                                        firstSequence: record.firstSequence)
            frames.append(Frame(type: .deploy, payload: WireJSON.encode(request)).encoded())
            shard.lifecycle.sent(.reply(.deployed))
        }
        if let bars = warmUpFrame(for: survivors, before: firstUnreported) { frames.insert(bars, at: 0) }
        for batch in shard.pending {
            frames.append(batch.frame)
            shard.lifecycle.sent(.batch(batch.sequence))
        }
        return frames
    }

    /// One `warmUp` frame for all the resumed deployments: the remembered
    /// bars of their instruments from batches already reported, in delivery
    /// order. Each restored kernel takes the bars of its own instruments.
    private func warmUpFrame(for ids: [String], before sequence: UInt64) -> [UInt8]? {
        let symbols = Set(ids.flatMap { records[$0]?.configuration.instruments.map(\.symbol) ?? [] })
        var events: [MarketEvent] = []
        for symbol in symbols.sorted() {
            events += (warmUp[symbol] ?? []).filter { $0.sequence < sequence }.suffix(configuration.warmUpBars).map(\.event)
        }
        guard !events.isEmpty else { return nil }
        events.sort(by: MarketEvent.precedes)
        return Frame(type: .warmUp, payload: WireMarketEvents.encode(sequence: 0, events)).encoded()
    }
}
