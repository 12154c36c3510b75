import Foundation
import Glibc
import Testing
@testable import Host
import TestSupport

// Recovery in detail: kill switches across replacements, an outside kill
// inside a callback, replay order, and the workers' rlimits.

@Suite struct SupervisedKillSwitchTests {
    @Test func anEmergencyStopReachesWorkersIncludingReplacements() throws {
        let host = try SupervisedHost(configuration: IsolationFixtures.isolation(workers: 1))
        try host.deploy(IsolationFixtures.deployment("d1"), startAt: 1_700_000_000)
        let batches = IsolationFixtures.batches(900)
        for batch in batches[..<300] { host.publish(batch) }
        host.drain()
        let before = try #require(host.snapshot("d1")).fillCount
        #expect(before > 0)
        host.engageKillSwitch(.global, reason: "test")
        host.testCrashWorker(0)
        for batch in batches[300..<600] { host.publish(batch) }
        host.drain()
        #expect(host.replacedWorkers == 1)
        let after = try #require(host.snapshot("d1")).fillCount
        #expect(after <= before + 1, "at most an order already working fills")
        host.releaseKillSwitch(.global)
        for batch in batches[600...] { host.publish(batch) }
        host.drain()
        #expect(try #require(host.snapshot("d1")).fillCount > after)
    }
}

@Suite struct SupervisedFaultTests {
    /// Keeps one limit order resting far below the market.
    static let rester = """
    function on_start(ctx) ctx.buy { symbol = "BTCUSD", quantity = 0.01, price = 1000, tag = "rest" } end
    function on_bar(ctx, bar) end
    """

    @Test func aWorkerKilledWhileADeploymentIsInsideACallbackFaultsThatDeploymentOnly() throws {
        var isolation = IsolationFixtures.isolation(workers: 1)
        isolation.grace = .seconds(60)
        let recorder = NotificationRecorder()
        let host = try SupervisedHost(configuration: isolation, observer: recorder.observer)
        try host.deploy(IsolationFixtures.deployment("caught", source: Self.rester), startAt: 1_700_000_000)
        try host.deploy(IsolationFixtures.deployment("other"), startAt: 1_700_000_000)
        let batches = IsolationFixtures.batches(300)
        for batch in batches[..<100] { host.publish(batch) }
        host.drain()
        #expect(host.snapshot("caught")?.openOrders.count == 1)
        host.testStall("caught")
        for batch in batches[100..<200] { host.publish(batch) }
        // Wait until the worker is inside the stalled callback, then kill it from outside.
        let worker = host.workerProcessIDs[0]
        // (A watchdog word that stays the same, non-zero, for 100 ms: the stall.)
        var inside = false
        var last: Int64 = 0
        var steady = 0
        for _ in 0..<1_000 where !inside {
            usleep(10_000)
            let word = host.core.lock.withLock { host.core.shards[0].process?.page.value ?? 0 }
            steady = word != 0 && word == last ? steady + 1 : 0
            last = word
            inside = steady >= 10
        }
        #expect(inside)
        kill(worker, SIGKILL)
        for batch in batches[200...] { host.publish(batch) }
        host.drain()
        let caught = try #require(host.snapshot("caught"))
        guard case .faulted(let reason) = caught.status else { Issue.record("not faulted: \(caught.status)"); return }
        #expect(reason.contains("SIGKILL"), "\(reason)")
        #expect(caught.openOrders.isEmpty, "its working order is canceled in the copy")
        #expect(recorder.lines("caught").last?.contains("CANCELED") == true, "\(recorder.lines("caught"))")
        let other = try #require(host.snapshot("other"))
        #expect(other.status == .running)
        #expect(other.fillCount == (try SupervisedHostTests.reference(["other"], batches).1.snapshot("other")?.fillCount))
    }

    @Test func workersRunUnderTheirAddressSpaceAndCPULimits() throws {
        var isolation = IsolationFixtures.isolation(workers: 1)
        isolation.addressSpaceBytes = 3 << 30
        isolation.cpuSecondsPerBatch = 30
        let host = try SupervisedHost(configuration: isolation)
        try host.deploy(IsolationFixtures.deployment("a"), startAt: 1_700_000_000)
        host.publish(IsolationFixtures.batches(1)[0])
        host.drain()
        let limits = try String(contentsOfFile: "/proc/\(host.workerProcessIDs[0])/limits", encoding: .utf8)
        let addressSpace = try #require(limits.split(separator: "\n").first { $0.hasPrefix("Max address space") })
        #expect(addressSpace.contains("\(3 << 30)"), "\(addressSpace)")
        let cpu = try #require(limits.split(separator: "\n").first { $0.hasPrefix("Max cpu time") })
        let soft = cpu.split(separator: " ", omittingEmptySubsequences: true).dropFirst(3).first.flatMap { Int($0) }
        #expect(soft.map { (30...40).contains($0) } == true, "\(cpu)")
    }
}

@Suite struct SupervisedReplayTests {
    /// A deployment created behind batches its worker never reported, then
    /// the worker dies: on replay it passes those batches by, as it did.
    @Test func aDeploymentCreatedBehindUnreportedBatchesSkipsThemOnReplay() throws {
        let batches = IsolationFixtures.batches(900)
        let recorder = NotificationRecorder()
        let host = try SupervisedHost(configuration: IsolationFixtures.isolation(workers: 1), observer: recorder.observer)
        try host.deploy(IsolationFixtures.deployment("early"), startAt: 1_700_000_000)
        for batch in batches[..<600] { host.publish(batch) }
        let deployed = DispatchSemaphore(value: 0)
        let worker = host.workerProcessIDs[0]
        DispatchQueue.global().async {
            try? host.deploy(IsolationFixtures.deployment("late"), startAt: 1_700_000_000)
            deployed.signal()
        }
        usleep(2_000)
        kill(worker, SIGKILL)
        deployed.wait()
        for batch in batches[600...] { host.publish(batch) }
        host.drain()

        let expected = NotificationRecorder()
        let reference = LiveHost(configuration: .init(workers: 1), observer: expected.observer)
        try reference.deploy(IsolationFixtures.deployment("early"), startAt: 1_700_000_000)
        for batch in batches[..<600] { reference.publish(batch) }
        reference.drain()
        try reference.deploy(IsolationFixtures.deployment("late"), startAt: 1_700_000_000)
        for batch in batches[600...] { reference.publish(batch) }
        reference.drain()
        for id in ["early", "late"] {
            guard host.snapshot(id)?.status.isFaulted == false else { continue }
            #expect(recorder.lines(id) == expected.lines(id), "\(id)")
            #expect(host.snapshot(id)?.positions == reference.snapshot(id)?.positions)
        }
        #expect(host.replacedWorkers == 1)
    }
}

@Suite struct SupervisedWarmUpTests {
    /// Trades on a 10-bar average: a resumed deployment whose indicators
    /// restarted empty would stay out of the market for 10 bars.
    static let averager = """
    function on_bar(ctx, bar)
      local average = ta.sma(10)
      if not average then return end
      local long = ctx.position().quantity > 0
      if bar.close > average and not long then ctx.buy { quantity = 0.01 }
      elseif bar.close < average and long then ctx.close() end
    end
    """

    @Test func aResumedDeploymentsIndicatorsAreRefilledFromRecentBars() throws {
        let batches = IsolationFixtures.batches(900)
        let recorder = NotificationRecorder()
        let host = try SupervisedHost(configuration: IsolationFixtures.isolation(workers: 1), observer: recorder.observer)
        try host.deploy(IsolationFixtures.deployment("avg", source: Self.averager), startAt: 1_700_000_000)
        for batch in batches[..<450] { host.publish(batch) }
        host.drain()
        host.testCrashWorker(0)
        for batch in batches[450...] { host.publish(batch) }
        host.drain()
        #expect(host.replacedWorkers == 1)

        let expected = NotificationRecorder()
        let reference = LiveHost(configuration: .init(workers: 1), observer: expected.observer)
        try reference.deploy(IsolationFixtures.deployment("avg", source: Self.averager), startAt: 1_700_000_000)
        for batch in batches { reference.publish(batch) }
        reference.drain()
        #expect(recorder.lines("avg") == expected.lines("avg"))
        #expect(expected.lines("avg").count > 10)
    }
}
