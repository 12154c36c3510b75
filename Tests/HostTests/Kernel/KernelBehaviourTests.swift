import Foundation
import Testing
@testable import Host
import Sandbox
import TestSupport

@Suite struct KernelBehaviourTests {
    /// A strategy that buys at market on bar 1 can only be filled at bar 2's
    /// open, never at the close of the bar it saw.
    @Test func noLookAhead() throws {
        let bars = KernelFixtures.bars([(100, 101, 99, 100.5), (110, 111, 109, 110.5), (120, 121, 119, 120.5)])
        let outcome = try KernelFixtures.backtest("""
        local n = 0
        fills = {}
        function on_bar(ctx, bar)
          n = n + 1
          if n == 1 then ctx.buy { quantity = 1 } end
        end
        function on_fill(ctx, fill) fills[#fills + 1] = fill.price end
        """, bars: bars)
        #expect(outcome.status == .stopped)
        let position = try #require(outcome.result.finalPositions.first)
        #expect(position.averagePrice == "110.00", "filled at the next bar's open, not at 100.5: \(position)")
    }

    @Test func identicalRunsGiveIdenticalJSON() throws {
        let bars = try KernelFixtures.sampleBars()
        let source = try TestPaths.read(TestPaths.strategy("sma_crossover.lua"))
        func run() throws -> Data {
            let outcome = try BacktestEngine.run(BacktestConfiguration(
                source: source, instruments: [KernelFixtures.sampleInstrument], bars: ["BTCUSD": bars], timeframe: 3600,
                exchange: ExchangeConfiguration(commission: CommissionModel(hundredthsOfBasisPoint: 1_000)), seed: 7))
            return try outcome.result.jsonData()
        }
        let first = try run()
        let second = try run()
        #expect(first == second)
        #expect(first.count > 10_000)
    }

    @Test func riskRejectionReachesOnOrderWithReasonAndLimit() throws {
        let bars = KernelFixtures.bars([(100, 101, 99, 100), (100, 101, 99, 100), (100, 101, 99, 100)])
        var limits = RiskLimits.none
        limits.maxOrderNotional = Money(500)
        let outcome = try KernelFixtures.backtest("""
        seen = false
        function on_bar(ctx, bar)
          if not seen then
            local id, code = ctx.buy { quantity = 10 }
            assert(code == "maxOrderNotional", "expected a synchronous rejection code, got " .. tostring(code))
            seen = "waiting"
          end
        end
        function on_order(ctx, order)
          assert(order.status == "REJECTED" and order.reason == "maxOrderNotional" and order.limit ~= nil)
          seen = "rejected"
          ctx.log("warn", "rejected: " .. order.message)
        end
        """, bars: bars, risk: LayeredRiskLimits(deployment: limits))
        #expect(outcome.status == .stopped, "\(outcome.status)")
        #expect(outcome.rejectedOrders.count == 1)
        #expect(outcome.log.contains { $0.level == "warn" && $0.message.contains("rejected") })
    }

    @Test func parameterErrorsNameEveryField() throws {
        let source = """
        strategy = { params = {
          fast = { type = "integer", default = 10, min = 2, max = 50 },
          mode = { type = "string", default = "long", choices = {"long", "short"} },
        } }
        function on_bar(ctx, bar) end
        """
        do {
            _ = try KernelFixtures.backtest(source, bars: KernelFixtures.bars([(1, 1, 1, 1)]),
                                            parameters: ["fast": 1, "mode": "sideways", "speed": 3])
            Issue.record("expected parameter errors")
        } catch let error as DeploymentError {
            guard case .schema(let issues) = error else { Issue.record("wrong error \(error)"); return }
            let fields = issues.issues.map(\.field).sorted()
            #expect(fields == ["parameters.fast", "parameters.mode", "parameters.speed"])
        }
    }

    @Test func strategyErrorFaultsTheDeploymentWithLine() throws {
        let bars = KernelFixtures.bars(Array(repeating: (100, 101, 99, 100), count: 5))
        let outcome = try KernelFixtures.backtest("""
        local n = 0
        function on_bar(ctx, bar)
          n = n + 1
          if n == 3 then error("boom") end
        end
        """, bars: bars)
        guard case .faulted(let reason) = outcome.status else { Issue.record("not faulted: \(outcome.status)"); return }
        #expect(reason.contains(":4:") && reason.contains("boom"), "\(reason)")
        #expect(outcome.barsProcessed == 2)
    }

    @Test func stateIsReadableForPersistence() throws {
        let kernel = try DeploymentKernel(configuration: DeploymentConfiguration(
            source: "function on_bar(ctx, bar) ctx.state.bars = (ctx.state.bars or 0) + 1 end",
            instruments: [KernelFixtures.instrument], restoredState: .table(["bars": 41])))
        kernel.start(at: 0)
        for bar in KernelFixtures.bars([(1, 1, 1, 1)]) {
            kernel.handle(.bar(bar, symbol: "TEST", timeframe: 3600))
        }
        #expect(kernel.persistedState() == .table(["bars": 42]))
    }

    @Test func timersFireOnTheEventClockBeforeTheEvent() throws {
        let bars = KernelFixtures.bars(Array(repeating: (100, 101, 99, 100), count: 6))
        let outcome = try KernelFixtures.backtest("""
        function on_start(ctx) ctx.set_timer("tick", 7200, true) end
        function on_timer(ctx, name) ctx.log(name .. "@" .. ctx.now()) end
        """, bars: bars)
        let fired = outcome.log.filter { $0.message.hasPrefix("tick@") }.map(\.message)
        #expect(fired == ["tick@1700007200", "tick@1700014400", "tick@1700021600"])
    }
}
