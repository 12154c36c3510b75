import Foundation
import Glibc

/// The watchdog: every `watchdogInterval` it reads each worker's watchdog
/// word. A word that names a deployment and stays the same longer than
/// that deployment's callback deadline plus the grace means a callback
/// overstayed (whatever it is doing: Lua, a C builtin, a system call), and
/// the worker is killed with SIGKILL. Recovery then faults that deployment
/// with a timeout and resumes the others.
extension SupervisorCore {
    func watch() {
        let interval = configuration.watchdogInterval
        let grace = configuration.grace.wholeNanoseconds
        while true {
            Thread.sleep(forTimeInterval: Double(interval.wholeNanoseconds) / 1e9)
            lock.lock()
            if closed {
                lock.unlock()
                return
            }
            let now = DispatchTime.now().uptimeNanoseconds
            var doomed: [WorkerProcess] = []
            for shard in shards {
                guard shard.lifecycle.isRunning, let process = shard.process else { continue }
                let word = process.page.value
                if word != shard.watchedWord {
                    shard.watchedWord = word
                    shard.watchedSince = now
                    continue
                }
                guard let slot = WatchdogPage.slot(of: word), let id = shard.slots[slot],
                      let record = records[id] else { continue }
                let deadline = record.deadlineNanoseconds
                guard Int64(now - shard.watchedSince) > deadline + grace else { continue }
                if shard.lifecycle.overdue(slot: slot, deadlineMilliseconds: deadline / 1_000_000) == .kill {
                    doomed.append(process)
                }
            }
            lock.unlock()
            for process in doomed { process.kill() }
        }
    }
}
