import Testing
@testable import Host
import Sandbox

/// A kernel rebuilt from a checkpoint carries on exactly as the original.
@Suite struct DeploymentRestoreTests {
    /// Trades on every bar, keeps a counter in `ctx.state`, leaves a resting
    /// limit order and a bracket working, and uses a timer.
    static let strategy = """
    function on_start(ctx) ctx.state.bars = ctx.state.bars or 0; ctx.set_timer("tick", 600, true) end
    function on_bar(ctx, bar)
      ctx.state.bars = ctx.state.bars + 1
      if ctx.state.bars % 3 == 0 then ctx.buy { quantity = 0.02, price = bar.close * 0.99, tag = "dip" } end
      if ctx.position().quantity == 0 then
        ctx.bracket { side = "buy", quantity = 0.01, take_profit = bar.close * 1.01, stop_loss = bar.close * 0.99 }
      elseif ctx.state.bars % 5 == 0 then ctx.close() end
    end
    function on_timer(ctx, name) ctx.state.timers = (ctx.state.timers or 0) + 1 end
    """

    static func events(_ count: Int) -> [MarketEvent] {
        var market = SyntheticMarket(configuration: .init(barSeconds: 5, seed: 4))
        return (0..<count).compactMap { _ in market.next() }
    }

    static func configuration(_ instruments: [Instrument]) -> DeploymentConfiguration {
        DeploymentConfiguration(id: "d", source: strategy, instruments: instruments, symbols: ["BTCUSD"])
    }

    @Test func aRestoredKernelMatchesTheOriginalEventForEvent() throws {
        let market = SyntheticMarket(configuration: .init(barSeconds: 5, seed: 4))
        let events = Self.events(6_000)
        let original = try DeploymentKernel(configuration: Self.configuration(market.instruments))
        var originalLog: [String] = []
        original.observer = { if case .order(let order) = $0 { originalLog.append("\(order.id) \(order.status) \(order.filledQuantity.lots)") } }
        original.start(at: events[0].time - 5)
        for event in events[..<3_000] { original.handle(event) }
        let checkpoint = original.checkpoint()
        #expect(!checkpoint.workingOrders.isEmpty, "the checkpoint should hold working orders to restore")
        #expect(checkpoint.state != nil)

        let restored = try DeploymentKernel(configuration: Self.configuration(market.instruments), restoring: checkpoint)
        #expect(restored.checkpoint() == checkpoint, "a restore reproduces the checkpoint it came from")
        var restoredLog: [String] = []
        restored.observer = { if case .order(let order) = $0 { restoredLog.append("\(order.id) \(order.status) \(order.filledQuantity.lots)") } }
        originalLog.removeAll()
        for event in events[3_000...] {
            original.handle(event)
            restored.handle(event)
        }
        #expect(restoredLog == originalLog)
        #expect(restoredLog.count > 20)
        #expect(restored.checkpoint() == original.checkpoint())
    }

    @Test func checkpointsAndNotificationsSurviveTheWire() throws {
        let market = SyntheticMarket(configuration: .init(barSeconds: 5, seed: 4))
        let kernel = try DeploymentKernel(configuration: Self.configuration(market.instruments))
        let events = Self.events(300)
        kernel.start(at: events[0].time - 5)
        for event in events { kernel.handle(event) }
        let checkpoint = kernel.checkpoint()
        let frame = Frame(type: .batchDone, payload: WireJSON.encode(checkpoint))
        #expect(try WireJSON.decode(DeploymentCheckpoint.self, frame) == checkpoint)
        var notifications: [WireNotification] = []
        let observed = try DeploymentKernel(configuration: Self.configuration(market.instruments))
        observed.observer = { notifications.append(WireNotification(slot: 3, $0)) }
        observed.start(at: events[0].time - 5)
        for event in events { observed.handle(event) }
        #expect(notifications.count > 20)
        let bytes = BatchReport.encode(sequence: 9, notifications: notifications,
                                       checkpoints: [(1, BatchReport.checkpointBytes(checkpoint))])
        let report = try BatchReport.decode(bytes)
        #expect(report.sequence == 9)
        #expect(report.notifications == notifications)
        #expect(report.checkpoints.map(\.checkpoint) == [checkpoint])
        #expect(report.checkpoints.map(\.slot) == [1])
        for cut in stride(from: 0, to: bytes.count - 1, by: max(1, bytes.count / 97)) {
            #expect(throws: WireError.self) { try BatchReport.decode(Array(bytes.prefix(cut))) }
        }
        let wire = WireDeployment(Self.configuration(market.instruments))
        let back = try WireDeployment(wire.configuration())
        #expect(back == wire)
    }
}
