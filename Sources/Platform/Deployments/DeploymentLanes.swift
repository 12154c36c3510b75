import Foundation
import Marketplace

/// One lane per deployment: lifecycle commands (start, stop, delete, a
/// ban's stop) on one deployment run one at a time, in arrival order, each
/// to its end (store change and host call together) even when its caller
/// stopped waiting. Striped over a fixed set of locks: two deployments may
/// share a lane and then merely wait for each other; memory stays bounded.
final class DeploymentLanes: Sendable {
    private let locks: [NSLock]

    init(count: Int = 64) { locks = (0..<max(1, count)).map { _ in NSLock() } }

    /// Runs `work` holding `id`'s lane. Blocking: call it off the event loops.
    func run<T>(_ id: DeploymentID, _ work: () throws -> T) rethrows -> T {
        let lock = locks[Int(UInt64(bitPattern: id.rawValue) % UInt64(locks.count))]
        lock.lock()
        defer { lock.unlock() }
        return try work()
    }
}
