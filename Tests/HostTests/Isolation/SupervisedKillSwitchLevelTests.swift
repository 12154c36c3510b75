import Foundation
import Testing
@testable import Host
import TestSupport

/// The kill switch's level crosses the process boundary: a worker enforces
/// `reduceOnly` and `halt` as the in-process engine does, and a replacement
/// worker gets the level back before its deployments are re-created.
@Suite struct SupervisedKillSwitchLevelTests {
    static let passive = """
    function on_bar(ctx, bar) end
    """

    @Test func workersEnforceTheLevelIncludingReplacements() throws {
        let host = try SupervisedHost(configuration: IsolationFixtures.isolation(workers: 1))
        defer { host.shutdown() }
        try host.deploy(IsolationFixtures.deployment("d1", source: Self.passive), startAt: 1_700_000_000)
        let batches = IsolationFixtures.batches(300)
        for batch in batches[..<100] { host.publish(batch) }
        host.drain()
        let bought = try host.execute(.place(ManualOrder(symbol: "BTCUSD", side: .buy, quantity: 0.1)), on: "d1")
        #expect(bought.rejection == nil, "\(bought)")
        for batch in batches[100..<150] { host.publish(batch) }
        host.drain()
        #expect(try #require(host.snapshot("d1")).positions.count == 1)

        host.engageKillSwitch(.deployment("d1"), level: .reduceOnly, reason: "drill")
        let more = try host.execute(.place(ManualOrder(symbol: "BTCUSD", side: .buy, quantity: 0.1)), on: "d1")
        #expect(more.rejection?.code == OrderReasonCode.killSwitchReduceOnly, "\(more)")

        host.testCrashWorker(0)
        for batch in batches[150..<200] { host.publish(batch) }
        host.drain()
        #expect(host.replacedWorkers == 1)
        let again = try host.execute(.place(ManualOrder(symbol: "BTCUSD", side: .buy, quantity: 0.1)), on: "d1")
        #expect(again.rejection?.code == OrderReasonCode.killSwitchReduceOnly, "the replacement kept the level: \(again)")

        host.engageKillSwitch(.owner("someone"), level: .halt, reason: "not ours")
        host.engageKillSwitch(.global, level: .halt, reason: "everything")
        let halted = try host.execute(.close(symbol: "BTCUSD"), on: "d1")
        #expect(halted.rejection?.code == OrderReasonCode.killSwitch, "\(halted)")
        host.releaseKillSwitch(.global)
        let closed = try host.execute(.close(symbol: "BTCUSD"), on: "d1")
        #expect(closed.rejection == nil, "a reduce-only switch lets the close out: \(closed)")
    }

    @Test func aRequestWithoutALevelEngagesAHalt() throws {
        let old = Data(#"{"scope":{"global":{}},"reason":"from an older supervisor"}"#.utf8)
        let request = try JSONDecoder().decode(KillSwitchRequest.self, from: old)
        #expect(request.engaged == KillSwitch(scope: .global, level: .halt, reason: "from an older supervisor"))
        let release = KillSwitchRequest(scope: .owner("7"), reason: nil, level: .reduceOnly)
        #expect(release.engaged == nil)
        let roundTrip = try JSONDecoder().decode(KillSwitchRequest.self, from: Data(WireJSON.encode(
            KillSwitchRequest(scope: .deployment("d1"), reason: "r", level: .reduceOnly))))
        #expect(roundTrip.engaged == KillSwitch(scope: .deployment("d1"), level: .reduceOnly, reason: "r"))
    }
}
