import Foundation
import Testing
@testable import Host
import Sandbox

/// `ta.*` answered in C (published after the first call with given
/// arguments) must be bit for bit what the Swift indicators answer: a
/// strategy asks each indicator three ways every bar -- `ta.f(...)`
/// (published), `ta.f(..., "TEST")` (published, named series) and
/// `ta:f(...)` (a method call, which always runs the Swift body) -- and
/// faults on the first difference.
@Suite struct PublishedIndicatorTests {
    static func randomBars(_ count: Int, seed: UInt64) -> [Bar] {
        var random = SeededRandom(seed: seed)
        var price = 100.0
        return (0..<count).map { index in
            let open = price
            price = max(1, price * (1 + random.normal() * 0.02))
            let high = max(open, price) * (1 + random.uniform() * 0.01)
            let low = min(open, price) * (1 - random.uniform() * 0.01)
            let instrument = KernelFixtures.instrument
            return Bar(time: 1_700_000_000 + Int64(index) * 3600, open: instrument.price(open), high: instrument.price(high),
                       low: instrument.price(low), close: instrument.price(price), volume: instrument.quantity(1 + random.uniform() * 100))
        }
    }

    static let comparingStrategy = """
    local calls = {
      {"sma", {5}}, {"sma", {20}}, {"ema", {9}}, {"ema", {9.0}}, {"rsi", {}}, {"rsi", {7}},
      {"macd", {}}, {"macd", {5, 13, 4}}, {"bollinger", {}}, {"bollinger", {10, 1.5}},
      {"atr", {}}, {"atr", {3}}, {"highest", {10}}, {"lowest", {10}}, {"stdev", {15}}, {"roc", {12}},
    }
    local function same(a, b) return a == b or (a ~= a and b ~= b) end
    checked = 0
    function on_bar(ctx, bar)
      for _, call in ipairs(calls) do
        local name, args = call[1], call[2]
        local direct = { ta[name](table.unpack(args)) }
        local again = { ta[name](table.unpack(args)) }
        local withSymbol = { table.unpack(args) }
        withSymbol[#withSymbol + 1] = "TEST"
        local named = { ta[name](table.unpack(withSymbol)) }
        local method = { ta[name](ta, table.unpack(args)) }
        for i = 1, 3 do
          if not (same(direct[i], method[i]) and same(again[i], method[i]) and same(named[i], method[i])) then
            error(("ta.%s(%s) result %d differs on bar %d: %s %s %s vs %s"):format(name, table.concat(args, ","), i,
              bar.time, tostring(direct[i]), tostring(again[i]), tostring(named[i]), tostring(method[i])))
          end
        end
        checked = checked + 1
      end
    end
    function on_stop(ctx) ctx.log("checked " .. checked) end
    """

    @Test(arguments: [1, 2, 3] as [UInt64])
    func publishedAnswersMatchTheSwiftIndicatorsBitForBit(seed: UInt64) throws {
        let bars = Self.randomBars(400, seed: seed)
        let outcome = try KernelFixtures.backtest(Self.comparingStrategy, bars: bars)
        #expect(outcome.fault == nil, "\(String(describing: outcome.fault))")
        #expect(outcome.log.contains { $0.message == "checked \(400 * 16)" }, "\(outcome.log.map(\.message))")
    }

    /// Errors still come from the Swift body, with the same messages, once
    /// a valid call of the same indicator is published.
    @Test func badArgumentsStillRaiseAfterAPublishedAnswer() throws {
        let strategy = """
        results = {}
        function on_bar(ctx, bar)
          assert(ta.sma(3) == ta.sma(3))
          for _, bad in ipairs({ {0}, {-3}, {0/0}, {math.huge}, {1e300}, {2.5}, {"x"}, {{}}, {true}, {3, "NOPE"} }) do
            local ok, message = pcall(ta.sma, table.unpack(bad))
            assert(not ok, "ta.sma accepted " .. tostring(bad[1]))
            results[#results + 1] = message
          end
          error("done")
        end
        """
        let outcome = try KernelFixtures.backtest(strategy, bars: Self.randomBars(5, seed: 9))
        let message = outcome.fault.map { "\($0)" } ?? ""
        #expect(message.contains("done"), "\(message)")
    }

    @Test func ctxNowIsTheEventTimeInEveryCallback() throws {
        // ctx:now() (method syntax) runs the Swift body; ctx.now() is published.
        let strategy = """
        count = 0
        function on_start(ctx) assert(ctx.now() == 1700000000 - 1, "start " .. ctx.now()) end
        function on_bar(ctx, bar)
          -- A bar's event time is its close: open time + timeframe.
          local close = bar.time + bar.timeframe
          assert(ctx.now() == close and ctx.now() == close, ctx.now() .. " vs " .. close)
          assert(ctx:now() == close and math.type(ctx.now()) == "integer")
          count = count + 1
        end
        function on_stop(ctx) ctx.log("bars " .. count) end
        """
        let bars = Self.randomBars(50, seed: 4)
        let kernel = try DeploymentKernel(configuration: DeploymentConfiguration(
            source: strategy, instruments: [KernelFixtures.instrument]))
        kernel.start(at: 1_700_000_000 - 1)
        for bar in bars { kernel.handle(.bar(bar, symbol: "TEST", timeframe: 3600)) }
        kernel.stop()
        #expect(kernel.strategyFault == nil, "\(String(describing: kernel.strategyFault))")
        #expect(kernel.logEntries.contains { $0.message == "bars 50" })
    }
}
