import Foundation
import Glibc
import Testing
@testable import Host
import TestSupport

/// Real worker processes (`lunar worker`), real Lua, real signals.
@Suite struct SupervisedHostTests {
    /// Runs the same deployments on the same batches in process, for reference.
    static func reference(_ ids: [String], _ batches: [[MarketEvent]]) throws -> (NotificationRecorder, LiveHost) {
        let recorder = NotificationRecorder()
        let host = LiveHost(configuration: .init(workers: 1), observer: recorder.observer)
        for id in ids { try host.deploy(IsolationFixtures.deployment(id), startAt: 1_700_000_000) }
        for batch in batches { host.publish(batch) }
        host.drain()
        return (recorder, host)
    }

    @Test func killingAWorkerMidRunResumesTheOthersWithIdenticalPositionsAndNoDuplicateOrders() throws {
        let ids = (0..<6).map { "d\($0)" }
        let batches = IsolationFixtures.batches(1_500)
        let recorder = NotificationRecorder()
        let host = try SupervisedHost(configuration: IsolationFixtures.isolation(), observer: recorder.observer)
        for id in ids { try host.deploy(IsolationFixtures.deployment(id), startAt: 1_700_000_000) }
        let victim = host.workerProcessIDs[0]
        for (index, batch) in batches.enumerated() {
            host.publish(batch)
            if index == 700 { kill(victim, SIGKILL) }
        }
        host.drain()
        #expect(host.replacedWorkers == 1)
        #expect(!host.workerProcessIDs.contains(victim))

        let (expected, reference) = try Self.reference(ids, batches)
        var resumed = 0
        for id in ids {
            let snapshot = try #require(host.snapshot(id))
            if case .faulted(let reason) = snapshot.status {
                // Killed while inside its callback: faulted with the reason, never resumed.
                #expect(reason.hasPrefix("signal:"), "\(reason)")
                continue
            }
            let lines = recorder.lines(id)
            #expect(lines == expected.lines(id), "\(id): the order and fill stream is the in-process one, exactly once")
            #expect(Set(lines.filter { $0.hasPrefix("order") && $0.contains("ACCEPTED") }).count
                    == lines.filter { $0.hasPrefix("order") && $0.contains("ACCEPTED") }.count, "no order accepted twice")
            let want = try #require(reference.snapshot(id))
            #expect(snapshot.positions == want.positions)
            #expect(snapshot.cash == want.cash)
            #expect(snapshot.fillCount == want.fillCount)
            #expect(snapshot.fillCount > 50)
            if snapshot.recentLog.contains(where: { $0.message.hasPrefix("resumed") }) { resumed += 1 }
        }
        #expect(resumed >= 2, "the victim's deployments resumed in a fresh worker")
    }

    @Test func aWorkerThatCrashesIsReplaced() throws {
        let host = try SupervisedHost(configuration: IsolationFixtures.isolation(workers: 1))
        try host.deploy(IsolationFixtures.deployment("a"), startAt: 1_700_000_000)
        let batches = IsolationFixtures.batches(600)
        for batch in batches[..<300] { host.publish(batch) }
        host.drain()
        let before = host.workerProcessIDs
        host.testCrashWorker(0)
        for batch in batches[300...] { host.publish(batch) }
        host.drain()
        #expect(host.replacedWorkers == 1)
        #expect(host.workerProcessIDs != before)
        let snapshot = try #require(host.snapshot("a"))
        #expect(snapshot.status == .running, "crashing between callbacks faults nobody")
        let (_, reference) = try Self.reference(["a"], batches)
        #expect(snapshot.positions == reference.snapshot("a")?.positions)
        #expect(snapshot.fillCount == reference.snapshot("a")?.fillCount)
        #expect(snapshot.recentLog.contains { $0.message.contains("SIGSEGV") })
    }

    @Test func aCallbackStuckInACCallIsStoppedWithinItsDeadlinePlusGrace() throws {
        var isolation = IsolationFixtures.isolation(workers: 1)
        isolation.grace = .milliseconds(300)
        let host = try SupervisedHost(configuration: isolation)
        try host.deploy(IsolationFixtures.deployment("stuck"), startAt: 1_700_000_000)
        try host.deploy(IsolationFixtures.deployment("bystander"), startAt: 1_700_000_000)
        let batches = IsolationFixtures.batches(400)
        for batch in batches[..<100] { host.publish(batch) }
        host.drain()
        host.testStall("stuck")
        let start = DispatchTime.now().uptimeNanoseconds
        for batch in batches[100...] { host.publish(batch) }
        host.drain()
        let elapsed = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        // 200 ms sandbox wall budget + 300 ms grace; the rest is slack for a busy machine.
        #expect(elapsed < 5, "stopped after \(elapsed) s")
        let stuck = try #require(host.snapshot("stuck"))
        guard case .faulted(let reason) = stuck.status else { Issue.record("not faulted: \(stuck.status)"); return }
        #expect(reason.hasPrefix("timeout:"), "\(reason)")
        #expect(stuck.openOrders.isEmpty)
        let bystander = try #require(host.snapshot("bystander"))
        #expect(bystander.status == .running)
        #expect(bystander.fillCount == (try Self.reference(["bystander"], batches).1.snapshot("bystander")?.fillCount))
    }

    @Test func malformedOrTruncatedFramesFromAWorkerMeanADeadWorker() throws {
        let cases: [(bytes: [UInt8], exit: Bool)] = [
            ([1, 0, 0, 0, 1, 65], false),                                   // length below the header
            ([0xff, 0xff, 0xff, 0x7f, 1, 65], false),                       // oversized
            ([2, 0, 0, 0, 9, 65], false),                                   // wrong version
            ([2, 0, 0, 0, 1, 3], false),                                    // a supervisor's type
            (Frame(type: .batchDone, payload: Array("{".utf8)).encoded(), false), // payload not JSON
            (Frame(type: .stopped, payload: Array("{}".utf8)).encoded(), false),  // nothing asked for
            (Array(Frame(type: .batchDone, payload: [1, 2, 3]).encoded().prefix(7)), true), // cut mid-frame
        ]
        let host = try SupervisedHost(configuration: IsolationFixtures.isolation(workers: 1))
        try host.deploy(IsolationFixtures.deployment("a"), startAt: 1_700_000_000)
        let batches = IsolationFixtures.batches(50 * (cases.count + 1))
        for (index, attack) in cases.enumerated() {
            for batch in batches[(index * 50)..<(index * 50 + 25)] { host.publish(batch) }
            host.testSendGarbage(0, attack.bytes, exitAfter: attack.exit)
            for batch in batches[(index * 50 + 25)..<(index * 50 + 50)] { host.publish(batch) }
            host.drain()
            #expect(host.replacedWorkers == index + 1, "case \(index) killed and replaced the worker")
        }
        let snapshot = try #require(host.snapshot("a"))
        #expect(snapshot.status == .running)
        let (_, reference) = try Self.reference(["a"], Array(batches[..<(50 * cases.count)]))
        #expect(snapshot.fillCount == reference.snapshot("a")?.fillCount)
        #expect(snapshot.positions == reference.snapshot("a")?.positions)
        #expect(snapshot.recentLog.filter { $0.message.contains("protocol:") }.count == cases.count)
    }

    /// Also with a strategy timeframe longer than the data's (4-hour bars
    /// built from hourly data): one rule in both hosts.
    @Test(arguments: [nil, 14_400] as [Int64?])
    func aBacktestInAWorkerIsByteForByteTheInProcessOne(strategyTimeframe: Int64?) throws {
        let instrument = Instrument(symbol: "BTCUSD", priceDecimals: 2, quantityDecimals: 8)
        let bars = try BarCSV.load(path: TestPaths.data("sample-btcusd-1h.csv").path, instrument: instrument)
        let source = try TestPaths.read(TestPaths.strategy("sma_crossover.lua"))
        var configuration = BacktestConfiguration(
            source: source, instruments: [instrument], bars: ["BTCUSD": bars], timeframe: 3600,
            exchange: ExchangeConfiguration(commission: CommissionModel(hundredthsOfBasisPoint: 1_000)), seed: 7,
            dataHash: "sample")
        configuration.strategyTimeframe = strategyTimeframe
        let local = try BacktestEngine.run(configuration)
        let isolated = try BacktestEngine.runIsolated(configuration, isolation: IsolationFixtures.isolation(workers: 1))
        #expect(isolated.resultJSON == (try local.result.jsonData()))
        #expect(isolated.barsProcessed == local.barsProcessed)
        #expect(isolated.status == local.status)
        #expect(local.result.metrics.tradeCount > 0)
    }

    @Test func aScriptThatDoesNotLoadIsRefusedAndTheModeIsOneValue() throws {
        let host = try makeDeploymentHost(.isolated(IsolationFixtures.isolation(workers: 1)))
        #expect(throws: DeploymentHostError.self) {
            try host.deploy(IsolationFixtures.deployment("bad", source: "function on_bar("), startAt: 0)
        }
        try host.deploy(IsolationFixtures.deployment("good"), startAt: 1_700_000_000)
        for batch in IsolationFixtures.batches(200) { host.publish(batch) }
        host.drain()
        #expect(host.deploymentCount == 1)
        let final = try #require(host.stop("good"))
        #expect(final.status == .stopped)
        #expect(host.deploymentCount == 0)
    }
}
