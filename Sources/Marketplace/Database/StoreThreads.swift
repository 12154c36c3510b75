import Foundation
import Synchronization

/// The store's own threads, where `MarketplaceStore.read` and `write` run
/// their bodies: one writer thread (SQLite takes one writer at a time, so a
/// second would only wait) and one thread per reader connection. Async
/// callers await a job here instead of blocking their own thread (a Swift
/// concurrency or event-loop thread) on a disk.
final class StoreThreads: Sendable {
    /// One thread and its job queue. The thread starts with the first job
    /// and ends after `idleExit` without one (a store that is released, or
    /// idle, holds no threads); the next job starts it again.
    private final class Lane: Sendable {
        private struct State {
            var jobs: [@Sendable () -> Void] = []
            var running = false
        }
        private static let idleExit = 2.0
        private let state = Mutex(State())
        private let wake = NSCondition()
        private let name: String

        init(name: String) { self.name = name }

        func submit(_ job: @escaping @Sendable () -> Void) {
            let start = state.withLock { state -> Bool in
                state.jobs.append(job)
                guard !state.running else { return false }
                state.running = true
                return true
            }
            if start {
                let thread = Thread { [self] in run() }
                thread.name = name
                thread.start()
            } else {
                wake.lock()
                wake.signal()
                wake.unlock()
            }
        }

        var depth: Int { state.withLock { $0.jobs.count } }

        private func take() -> (@Sendable () -> Void)? { state.withLock { $0.jobs.isEmpty ? nil : $0.jobs.removeFirst() } }

        private func run() {
            while true {
                wake.lock()
                var next = take()
                if next == nil {
                    _ = wake.wait(until: Date(timeIntervalSinceNow: Self.idleExit))
                    next = take()
                }
                wake.unlock()
                if let next {
                    next()
                    continue
                }
                let idle = state.withLock { state -> Bool in
                    guard state.jobs.isEmpty else { return false }
                    state.running = false
                    return true
                }
                if idle { return }
            }
        }
    }

    private let writer: Lane
    private let readers: [Lane]
    private let nextReader = Atomic<Int>(0)

    init(readers count: Int) {
        writer = Lane(name: "lunar-store-writer")
        readers = (0..<max(1, count)).map { Lane(name: "lunar-store-reader-\($0)") }
    }

    func submit(write: Bool, _ job: @escaping @Sendable () -> Void) {
        if write { return writer.submit(job) }
        // The least busy reader, starting from a rotating point.
        let start = nextReader.add(1, ordering: .relaxed).oldValue & Int.max
        var best = readers[start % readers.count]
        var bestDepth = best.depth
        for offset in 1..<readers.count where bestDepth > 0 {
            let lane = readers[(start + offset) % readers.count]
            let depth = lane.depth
            if depth < bestDepth { (best, bestDepth) = (lane, depth) }
        }
        best.submit(job)
    }
}
