import Foundation
import Testing
@testable import Host
import TestSupport

/// A deployment taken out of one host by checkpoint and deployed into a new
/// one carries on with the same account, working orders and order counter,
/// in process and in worker processes alike.
@Suite struct HostCheckpointTests {
    /// Buys on its first bar and leaves a resting limit far below the market;
    /// then buys a little every 20 bars, so orders keep coming after a restore.
    static let strategy = """
    function on_start(ctx) ctx.state.starts = (ctx.state.starts or 0) + 1 end
    function on_bar(ctx, bar)
      ctx.state.bars = (ctx.state.bars or 0) + 1
      if ctx.state.bars == 1 then
        ctx.buy { quantity = 0.05 }
        ctx.buy { quantity = 0.01, price = bar.close * 0.5, tif = "GTC", tag = "resting" }
      elseif ctx.state.bars % 20 == 0 then
        ctx.buy { quantity = 0.01 }
      end
    end
    """

    static let startTime: Int64 = 1_700_000_000

    enum Mode: String, CaseIterable, CustomTestStringConvertible {
        case inProcess, isolated
        var testDescription: String { rawValue }

        func makeHost() throws -> any DeploymentHost {
            switch self {
            case .inProcess: LiveHost(configuration: .init(workers: 1))
            case .isolated: try SupervisedHost(configuration: IsolationFixtures.isolation(workers: 1))
            }
        }
    }

    static func deployment() -> DeploymentConfiguration { IsolationFixtures.deployment("a", source: strategy) }

    static func run(_ host: any DeploymentHost, _ batches: ArraySlice<[MarketEvent]>) {
        for batch in batches { host.publish(batch) }
        host.drain()
    }

    static func shutDown(_ host: any DeploymentHost) {
        (host as? SupervisedHost)?.shutdown()
    }

    @Test(arguments: Mode.allCases)
    func aCheckpointTakenFromOneHostResumesInANewOneExactly(mode: Mode) throws {
        let batches = IsolationFixtures.batches(300)
        let reference = LiveHost(configuration: .init(workers: 1))
        try reference.deploy(Self.deployment(), startAt: Self.startTime)
        Self.run(reference, batches[...])

        let first = try mode.makeHost()
        try first.deploy(Self.deployment(), startAt: Self.startTime, restoring: nil)
        Self.run(first, batches[..<150])
        let before = try #require(first.snapshot("a"))
        let checkpoint = try #require(first.checkpoint("a"))
        #expect(first.checkpoints() == [checkpoint], "every checkpoint in one pass, the same as one by one")
        Self.shutDown(first)
        #expect(!before.positions.isEmpty, "the first bar's buy filled")
        #expect(before.openOrders.map(\.tag) == ["resting"], "the resting limit is still working")
        #expect(checkpoint.openOrders == before.openOrders)

        let second = try mode.makeHost()
        defer { Self.shutDown(second) }
        try second.deploy(Self.deployment(), startAt: Self.startTime, restoring: checkpoint)
        let after = try #require(second.snapshot("a"))
        #expect(after.status == .running)
        #expect(after.cash == before.cash)
        #expect(after.equity == before.equity)
        #expect(after.positions == before.positions)
        #expect(after.openOrders == before.openOrders)
        #expect(after.fillCount == before.fillCount)
        #expect(second.checkpoint("a")?.state == checkpoint.state, "ctx.state came along; on_start did not run again")

        Self.run(second, batches[150...])
        let resumed = try #require(second.snapshot("a"))
        let uninterrupted = try #require(reference.snapshot("a"))
        #expect(resumed.cash == uninterrupted.cash)
        #expect(resumed.positions == uninterrupted.positions)
        #expect(resumed.openOrders == uninterrupted.openOrders)
        #expect(resumed.fillCount == uninterrupted.fillCount && resumed.fillCount > before.fillCount)
        #expect(second.checkpoint("a")?.nextOrderID == reference.checkpoint("a")?.nextOrderID,
                "order ids continue from the checkpoint, none reused")
    }

    @Test(arguments: Mode.allCases)
    func aStoppedDeploymentRestartsWithItsAccountAndRunsOnStartAgain(mode: Mode) throws {
        let batches = IsolationFixtures.batches(100)
        let host = try mode.makeHost()
        defer { Self.shutDown(host) }
        try host.deploy(Self.deployment(), startAt: Self.startTime, restoring: nil)
        Self.run(host, batches[...])
        let running = try #require(host.snapshot("a"))
        let stopped = try #require(host.stopTakingCheckpoint("a"))
        #expect(host.deploymentCount == 0)
        #expect(stopped.status.status == .stopped && stopped.openOrders.isEmpty, "the stop canceled the resting order")
        #expect(stopped.portfolio.cash == running.cash)
        #expect(host.stopTakingCheckpoint("a") == nil)

        try host.deploy(Self.deployment(), startAt: Self.startTime + 10_000, restoring: stopped.restarted())
        let restarted = try #require(host.snapshot("a"))
        #expect(restarted.status == .running)
        #expect(restarted.cash == running.cash && restarted.positions == running.positions)
        #expect(restarted.openOrders.isEmpty)
        let state = try #require(host.checkpoint("a")?.state)
        #expect(state["starts"] == .integer(2), "on_start ran for the new start: \(state)")
        #expect(host.checkpoint("a")?.nextOrderID == stopped.nextOrderID)
    }
}
