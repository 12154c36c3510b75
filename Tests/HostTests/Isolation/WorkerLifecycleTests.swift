import Glibc
import Testing
@testable import Host

/// The supervisor's per-worker rules, without processes.
@Suite struct WorkerLifecycleTests {
    @Test func framesAreAcceptedOnlyInTheOrderTheyWereOwed() {
        var lifecycle = WorkerLifecycle()
        lifecycle.sent(.reply(.deployed))
        lifecycle.sent(.batch(1))
        lifecycle.sent(.batch(2))
        #expect(lifecycle.received(.deployed) == .accept)
        #expect(lifecycle.received(.batchDone, sequence: 1) == .accept)
        #expect(lifecycle.received(.batchDone, sequence: 3) == .kill, "a batch nobody sent")
        #expect(lifecycle.state == .killing(.badFrame("unexpected frame type 65")))
        #expect(lifecycle.received(.batchDone, sequence: 2) == .none, "nothing is accepted from a worker being killed")
    }

    @Test func anUnaskedReplyKillsTheWorker() {
        var lifecycle = WorkerLifecycle()
        #expect(lifecycle.received(.stopped) == .kill)
    }

    @Test func aBadFrameFaultsNoDeploymentEvenOneOurKillInterrupted() {
        var lifecycle = WorkerLifecycle()
        #expect(lifecycle.rejected("frame length 1 is below the 2 header bytes") == .kill)
        let action = lifecycle.ended(.signaled(SIGKILL), slotInCallback: 2)
        guard case .recover(nil, let reason) = action else { Issue.record("\(action)"); return }
        #expect(reason.hasPrefix("protocol:"))
    }

    @Test func aTimeoutFaultsTheDeploymentTheWatchdogSaw() {
        var lifecycle = WorkerLifecycle()
        #expect(lifecycle.overdue(slot: 3, deadlineMilliseconds: 200) == .kill)
        let action = lifecycle.ended(.signaled(SIGKILL), slotInCallback: 3)
        guard case .recover(3, let reason) = action else { Issue.record("\(action)"); return }
        #expect(reason.hasPrefix("timeout:"))
    }

    @Test func aCrashFaultsTheDeploymentInsideACallback() {
        var lifecycle = WorkerLifecycle()
        let action = lifecycle.ended(.signaled(SIGSEGV), slotInCallback: 1)
        guard case .recover(1, let reason) = action else { Issue.record("\(action)"); return }
        #expect(reason.contains("SIGSEGV"))
        #expect(lifecycle.ended(.signaled(SIGSEGV), slotInCallback: 1) == .none, "a death is handled once")
        #expect(WorkerLifecycle.describe(.signaled(SIGXCPU)).hasPrefix("cpu:"))
        #expect(WorkerLifecycle.describe(.signaled(SIGABRT)).hasPrefix("memory"))
    }

    @Test func aWorkerToldToShutDownIsRetired() {
        var lifecycle = WorkerLifecycle()
        lifecycle.shuttingDown()
        #expect(lifecycle.ended(.exited(code: 0), slotInCallback: nil) == .retire)
    }
}
