import Foundation
import Glibc
import Testing
@testable import Host
import TestSupport

// A worker that crashes on the same input again and again must not wedge the
// supervisor: the deployment that caused it is faulted, a batch no deployment
// is to blame for is quarantined after two deaths, restarts back off, and no
// caller waits on a worker past its reply deadline. The crashes are real
// (SIGSEGV in the worker), triggered by the workers' poison test hooks.

@Suite struct CrashLoopTests {
    static let quiet = """
    function on_bar(ctx, bar) ctx.state.bars = (ctx.state.bars or 0) + 1 end
    """

    static func deployment(_ id: String, symbol: String, source: String = IsolationFixtures.trader) -> DeploymentConfiguration {
        DeploymentConfiguration(id: id, source: source, instruments: IsolationFixtures.market().instruments, symbols: [symbol])
    }

    /// A crash inside one deployment's event work (not in a callback: where
    /// the kernel's exchange or portfolio code runs) names that deployment.
    @Test func aCrashInOneDeploymentsEventWorkFaultsItAloneOnce() throws {
        var isolation = IsolationFixtures.isolation(workers: 1)
        isolation.testEnvironment = [WorkerRuntime.testPoisonSymbolVariable: "ETHUSD"]
        let host = try SupervisedHost(configuration: isolation)
        try host.deploy(Self.deployment("poisoned", symbol: "ETHUSD", source: Self.quiet), startAt: 1_700_000_000)
        try host.deploy(Self.deployment("healthy", symbol: "BTCUSD"), startAt: 1_700_000_000)
        let batches = IsolationFixtures.batches(300)
        for batch in batches { host.publish(batch) }
        host.drain()
        #expect(host.replacedWorkers == 1, "one death, not a loop")
        let poisoned = try #require(host.snapshot("poisoned"))
        guard case .faulted(let reason) = poisoned.status else { Issue.record("not faulted: \(poisoned.status)"); return }
        #expect(reason.contains("SIGSEGV"), "\(reason)")
        let healthy = try #require(host.snapshot("healthy"))
        #expect(healthy.status == .running)
        let reference = try SupervisedHostTests.reference(["healthy"], batches).1.snapshot("healthy")
        #expect(healthy.fillCount == reference?.fillCount)
        #expect(healthy.fillCount > 0)
    }

    /// A batch that ends a worker before any deployment sees it ends two,
    /// then is dropped; the second replacement waits out the backoff.
    @Test func aBatchThatKillsTwoWorkersIsQuarantinedAndRestartsBackOff() throws {
        var isolation = IsolationFixtures.isolation(workers: 1)
        isolation.testEnvironment = [WorkerRuntime.testPoisonBatchVariable: "POISON"]
        isolation.restartBackoff = .milliseconds(300)
        let host = try SupervisedHost(configuration: isolation)
        try host.deploy(Self.deployment("trader", symbol: "BTCUSD"), startAt: 1_700_000_000)
        let batches = IsolationFixtures.batches(400)
        for batch in batches[..<200] { host.publish(batch) }
        host.drain()
        let before = try #require(host.snapshot("trader")).fillCount
        let time = batches[199].last!.time
        let price = Price(ticks: 100)
        let poison = MarketEvent.bar(Bar(time: time, open: price, high: price, low: price, close: price,
                                         volume: Quantity(lots: 1)), symbol: "POISON", timeframe: 5)
        let started = DispatchTime.now().uptimeNanoseconds
        host.publish([poison])
        for batch in batches[200...] { host.publish(batch) }
        host.drain()
        let elapsed = DispatchTime.now().uptimeNanoseconds - started
        #expect(host.replacedWorkers == 2)
        #expect(host.quarantinedBatches == 1)
        #expect(elapsed >= 300_000_000, "the second replacement waited for the backoff (\(elapsed) ns)")
        let trader = try #require(host.snapshot("trader"))
        #expect(trader.status == .running)
        #expect(trader.fillCount > before, "trading went on after the quarantined batch")
        #expect(trader.recentLog.contains { $0.message.contains("quarantined") }, "\(trader.recentLog)")
        let reference = try SupervisedHostTests.reference(["trader"], batches).1.snapshot("trader")
        #expect(trader.fillCount == reference?.fillCount, "the dropped batch held nothing for it")
    }

    @Test func restartDelaysDoubleUpToTheCeiling() {
        var isolation = IsolationFixtures.isolation(workers: 1)
        isolation.restartBackoff = .milliseconds(100)
        isolation.maximumRestartBackoff = .seconds(1)
        let delays = (1...7).map { SupervisorCore.restartDelay(deathsInWindow: $0, isolation) / 1_000_000 }
        #expect(delays == [0, 100, 200, 400, 800, 1_000, 1_000])
        #expect(SupervisorCore.restartDelay(deathsInWindow: 10_000, isolation) == 1_000_000_000)
    }

    /// A worker stuck in a callback (the watchdog told to wait long): a stop
    /// and a manual command each return by their deadline.
    @Test func stopAndManualCommandsReturnByTheReplyDeadline() throws {
        var isolation = IsolationFixtures.isolation(workers: 1)
        isolation.grace = .seconds(120)
        isolation.replyDeadline = .milliseconds(400)
        let host = try SupervisedHost(configuration: isolation)
        try host.deploy(Self.deployment("stuck", symbol: "BTCUSD"), startAt: 1_700_000_000)
        try host.deploy(Self.deployment("other", symbol: "BTCUSD"), startAt: 1_700_000_000)
        let batches = IsolationFixtures.batches(200)
        for batch in batches[..<50] { host.publish(batch) }
        host.drain()
        host.testStall("stuck")
        for batch in batches[50..<100] { host.publish(batch) }
        var clock = ContinuousClock.now
        #expect(throws: ManualCommandError.self) {
            _ = try host.execute(.squareOff, on: "other")
        }
        #expect(ContinuousClock.now - clock < .seconds(5))
        clock = ContinuousClock.now
        let stopped = host.stop("stuck")
        #expect(ContinuousClock.now - clock < .seconds(5))
        #expect(stopped != nil)
        #expect(host.snapshot("stuck") == nil)
        for batch in batches[100...] { host.publish(batch) }
        host.drain()
        #expect(host.snapshot("other")?.status == .running)
        #expect(host.replacedWorkers == 1)
    }
}

@Suite struct WorkerSpawnTests {
    /// A descriptor the host holds without close-on-exec (as the server's
    /// listening socket is) does not live on in a worker.
    @Test func aWorkerInheritsNoDescriptorOfTheHostButItsOwn() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("lunar-inherit-\(UUID().uuidString)").path
        let leaked = open(path, O_CREAT | O_RDWR, 0o600)
        try #require(leaked >= 0)
        defer { close(leaked); unlink(path) }
        let host = try SupervisedHost(configuration: IsolationFixtures.isolation(workers: 1))
        let pid = try #require(host.workerProcessIDs.first)
        let descriptors = try FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/fd")
        let targets = descriptors.compactMap { try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/\(pid)/fd/\($0)") }
        #expect(!targets.contains(path), "\(targets)")
        #expect(targets.contains { $0.hasPrefix("socket:") }, "its own socket (3) is there: \(targets)")
    }
}
