import Foundation
import Synchronization
import Testing
@testable import Host
import Sandbox

@Suite struct LiveHostTests {
    static let trader = """
    function on_bar(ctx, bar)
      if ctx.position().quantity == 0 then ctx.buy { quantity = 0.01 } else ctx.close() end
    end
    """

    /// One deployment blows its CPU quota mid-run; the others keep trading.
    @Test func aFaultStopsOnlyItsDeployment() throws {
        let host = LiveHost(configuration: .init(workers: 2))
        var market = SyntheticMarket(configuration: .init(barSeconds: 10, seed: 9))
        let spinner = """
        local n = 0
        function on_bar(ctx, bar)
          n = n + 1
          if n == 5 then while true do end end
          ctx.buy { quantity = 0.01 }
        end
        """
        for index in 0..<4 {
            try host.deploy(DeploymentConfiguration(
                id: "good-\(index)", source: Self.trader, instruments: market.instruments, symbols: ["BTCUSD"]),
                startAt: 1_700_000_000)
        }
        try host.deploy(DeploymentConfiguration(
            id: "bad", source: spinner, instruments: market.instruments, symbols: ["BTCUSD"]), startAt: 1_700_000_000)
        host.feed(from: &market, speed: 0, limit: 2_000)
        host.drain()
        let bad = try #require(host.snapshot("bad"))
        guard case .faulted(let reason) = bad.status else { Issue.record("not faulted: \(bad.status)"); return }
        #expect(reason.contains("quota") || reason.contains("deadline"), "\(reason)")
        #expect(bad.openOrders.isEmpty, "a faulted deployment's orders are canceled")
        for index in 0..<4 {
            let good = try #require(host.snapshot("good-\(index)"))
            #expect(good.status == .running)
            #expect(good.fillCount > 10, "good-\(index) kept trading: \(good.fillCount) fills")
        }
        #expect(host.stop("good-0")?.status == .stopped)
        #expect(host.deploymentCount == 4)
    }

    @Test func emergencyStopRefusesNewOrdersWhileEventsFlow() throws {
        let host = LiveHost(configuration: .init(workers: 1))
        var market = SyntheticMarket(configuration: .init(barSeconds: 10, seed: 2))
        try host.deploy(DeploymentConfiguration(id: "d1", source: Self.trader, instruments: market.instruments,
                                                symbols: ["BTCUSD"]), startAt: 1_700_000_000)
        host.feed(from: &market, speed: 0, limit: 600)
        host.drain()
        let before = try #require(host.snapshot("d1")).fillCount
        #expect(before > 0)
        host.killSwitches.engage(.global, reason: "test")
        host.feed(from: &market, speed: 0, limit: 600)
        host.drain()
        let after = try #require(host.snapshot("d1"))
        #expect(after.fillCount <= before + 1, "at most an order already working fills")
        #expect(after.recentLog.isEmpty || after.status == .running)
        host.killSwitches.release(.global)
        host.feed(from: &market, speed: 0, limit: 600)
        host.drain()
        #expect(try #require(host.snapshot("d1")).fillCount > after.fillCount)
    }
}
