import Foundation
import Host
import Platform
import Testing

/// The relay passes every notification on, however many: a closure kept
/// directly in a `Mutex` grew a reabstraction thunk per read until a call
/// overflowed its thread's stack (a server died after ~15,000 notifications).
@Suite struct EventRelayTests {
    @Test func aMillionNotificationsPassOnASmallStack() {
        let relay = DeploymentEventRelay()
        let counter = Counter()
        relay.attach { _, _ in counter.add() }
        let done = DispatchSemaphore(value: 0)
        let thread = Thread {
            let note = DeploymentNotification.status(.running)
            for _ in 0..<1_000_000 { relay.receive("deployment-1", note) }
            done.signal()
        }
        thread.stackSize = 256 * 1_024
        thread.start()
        done.wait()
        #expect(counter.value == 1_000_000)
    }

    final class Counter: @unchecked Sendable {
        private let lock = NSLock()
        private var count = 0
        func add() { lock.withLock { count += 1 } }
        var value: Int { lock.withLock { count } }
    }
}
