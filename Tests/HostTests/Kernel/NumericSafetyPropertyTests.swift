import Foundation
import Testing
@testable import Host
import Sandbox
import TestSupport

/// Drives the whole Lua order API with hostile numbers: the process survives,
/// every call is answered (an id and maybe a code, or a Lua error naming the
/// field), and the account reconciles with its fills (docs/numeric-model.md,
/// "Ranges").
@Suite struct NumericSafetyPropertyTests {
    /// Special values, then seeded random magnitudes across the whole range.
    static func values(seed: UInt64) -> [String] {
        var list = ["0", "-0.0", "0/0", "1/0", "-1/0", "4.9e-324", "2.2250738585072014e-308", "2^53 + 1", "2^53 - 1",
                    "2^63", "-(2^63)", "math.maxinteger", "math.mininteger", "1e300", "-1e300", "9.2e10", "9e10",
                    "1e12", "1e-12", "0.5", "1", "\"12\"", "string.rep('9', 5000)", "{}", "true", "nil"]
        var random = SeededRandom(seed: seed)
        for _ in 0..<40 {
            let exponent = Int(random.uniform() * 640) - 320
            list.append("\(random.uniform() < 0.5 ? "-" : "")\(random.uniform() * 9 + 1)e\(exponent)")
        }
        return list
    }

    static func script(values: [String]) -> String {
        """
        local values = { \(values.map { "function() return \($0) end" }.joined(separator: ", ")) }
        answered, errors, accepted = 0, 0, 0
        local function try(f, ...)
          local ok, id, code = pcall(f, ...)
          if not ok then
            assert(type(id) == "string" and #id > 0, "an error without a message")
            errors = errors + 1
          else
            answered = answered + 1
            if id and not code then accepted = accepted + 1 end
          end
          return ok and id or nil
        end
        local n = 0
        function on_bar(ctx, bar)
          n = n + 1
          if n ~= 2 then return end
          for _, make in ipairs(values) do
            local v = make()
            try(ctx.buy, { quantity = v })
            try(ctx.sell, { quantity = v })
            try(ctx.buy, { notional = v })
            try(ctx.buy, { equity = v })
            try(ctx.sell, { equity = v })
            try(ctx.buy, { quantity = 0.01, price = v })
            try(ctx.sell, { quantity = 0.01, trigger = v })
            try(ctx.order, { side = "buy", quantity = v, price = v, trigger = v })
            try(ctx.bracket, { side = "buy", quantity = 0.01, take_profit = v, stop_loss = v })
            try(ctx.bracket, { side = "buy", quantity = v, take_profit = 200 })
            local id = try(ctx.buy, { quantity = 0.01, price = 50 })
            if id then
              try(ctx.replace, id, { quantity = v })
              try(ctx.replace, id, { price = v })
              try(ctx.cancel, id)
            end
            try(ctx.cancel, v)
            try(ctx.close, v)
          end
          ctx.log("info", string.format("answered=%d errors=%d accepted=%d", answered, errors, accepted))
        end
        """
    }

    @Test(arguments: [UInt64(1), 2, 3])
    func hostileNumbersNeverTrapAndTheAccountReconciles(seed: UInt64) throws {
        let values = Self.values(seed: seed)
        let bars = KernelFixtures.bars(Array(repeating: (100, 101, 99, 100), count: 6))
        var fills: [Fill] = []
        let kernel = try DeploymentKernel(configuration: DeploymentConfiguration(
            source: Self.script(values: values), instruments: [KernelFixtures.instrument], startingCash: Money(10_000),
            exchange: ExchangeConfiguration(commission: CommissionModel(hundredthsOfBasisPoint: 1_000)),
            // Over a thousand host calls in one callback of a debug build.
            sandboxLimits: SandboxLimits(cpuTimePerCall: .seconds(5), wallTimePerCall: .seconds(10))))
        kernel.observer = { if case .fill(let fill) = $0 { fills.append(fill) } }
        kernel.start(at: bars[0].time)
        for bar in bars { kernel.handle(MarketEvent(time: bar.time + 3600, symbol: "TEST", payload: .bar(bar, timeframe: 3600))) }
        #expect(!kernel.status.isFaulted, "\(kernel.status)")
        let summary = try #require(kernel.logEntries.last { $0.message.hasPrefix("answered=") })
        // 17 calls per value: every one either answered or raised a message.
        let counts = summary.message.split(separator: " ").map { $0.split(separator: "=")[1] }.compactMap { Int($0) }
        #expect(counts.count == 3)
        #expect(counts[0] + counts[1] >= values.count * 15, "\(summary.message)")
        // Cash = start − Σ (signed notional + fee); position = Σ signed quantity.
        var cash = Money(10_000).units
        var position: Int64 = 0
        for fill in fills {
            cash -= fill.side.sign * fill.notional.units + fill.fee.units
            position += fill.side.sign * fill.quantity.lots
        }
        #expect(kernel.portfolio.cash.units == cash)
        #expect((kernel.portfolio.position("TEST")?.quantity.lots ?? 0) == position)
        // Nothing traded beyond buying power: equity stayed positive.
        #expect(kernel.portfolio.equity > .zero)
    }

    /// The same numbers at the instrument boundary: refused with a code that
    /// names the field and the limit.
    @Test func outOfRangeValuesAreRefusedWithCodes() throws {
        let outcome = try KernelFixtures.backtest("""
        local n = 0
        function on_bar(ctx, bar)
          n = n + 1
          if n ~= 1 then return end
          local _, a = ctx.buy { quantity = 2^63 }
          local _, b = ctx.buy { quantity = 1, price = 1e300 }
          local _, c = ctx.buy { notional = 1e300 }
          local _, d = ctx.bracket { side = "buy", quantity = 1, take_profit = 1e300 }
          local _, e = ctx.buy { quantity = 9e10 }
          ctx.log("info", table.concat({ a, b, c, d, e }, ","))
        end
        """, bars: KernelFixtures.bars([(100, 101, 99, 100), (100, 101, 99, 100)]))
        #expect(outcome.status == .stopped, "\(outcome.status)")
        let line = try #require(outcome.log.last { $0.level == "info" })
        #expect(line.message == "quantityOutOfRange,priceOutOfRange,notionalOutOfRange,priceOutOfRange,quantityOutOfRange",
                "\(line.message)")
        let rejected = try #require(outcome.rejectedOrders.first)
        #expect(rejected.reason?.message.contains("'quantity'") == true && rejected.reason?.limit == "1000000000.0000")
    }

    /// An account pushed past the numeric model's range faults only its own
    /// deployment, with the reason, instead of trapping the process.
    @Test func portfolioOverflowIsRefusedNotTrapped() {
        let instrument = Instrument(symbol: "X", priceDecimals: 2, quantityDecimals: 0)
        var portfolio = Portfolio(cash: Money(units: Int64.max / 2), instruments: [instrument])
        let huge = Fill(orderID: 1, symbol: "X", side: .buy, quantity: Quantity(lots: 1), price: Price(ticks: 100),
                        fee: .zero, notional: Money(units: 1), time: 0)
        #expect(portfolio.canApply(huge, at: 0) == false)
        portfolio = Portfolio(cash: Money(10_000), instruments: [instrument])
        #expect(portfolio.canApply(huge, at: 0))
    }
}
