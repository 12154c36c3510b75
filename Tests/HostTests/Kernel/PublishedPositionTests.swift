import Foundation
import Testing
@testable import Host
import Sandbox

/// `ctx.position()` answered in C (published per symbol, withdrawn on every
/// portfolio change until the body answers again) must be exactly the table
/// the Swift body builds:
/// a strategy trades two symbols at random -- fills, partial fills (bar
/// volume participation), closes, reversals -- and after every event, every
/// fill and every order it compares the published forms (`ctx.position()`,
/// `ctx.position("AAA")`) with the Swift body's (`ctx.position(nil)` and
/// `ctx.position("AAA", nil)` never match a published key; the body answers
/// with a value, or with the entry it has just published) field by field:
/// keys in traversal order, types (`math.type`) and values. Halfway the
/// kernel is checkpointed and restored into a new one, which carries on.
@Suite struct PublishedPositionTests {
    static let symbols = ["AAA", "BBB"]
    static let instruments = symbols.map { Instrument(symbol: $0, priceDecimals: 2, quantityDecimals: 4) }

    static let strategy = """
    strategy = { params = { seed = { type = "integer", default = 1 } } }
    local seed = 0
    checked = 0
    local function random(n) seed = (seed * 1103515245 + 12345) % 2147483648; return seed % n end
    local function describe(t)
      if t == nil then return "nil" end
      local parts = {}
      for k, v in pairs(t) do parts[#parts + 1] = k .. "=" .. tostring(v) .. ":" .. (math.type(v) or type(v)) end
      return table.concat(parts, ",")
    end
    local function check(ctx, where)
      -- The published form first (a stale answer would show here), then the
      -- body (which republishes a withdrawn answer), then the published form
      -- again (now answered in C): all three the same.
      local pairsToCompare = {
        { ctx.position(), ctx.position(nil), ctx.position() },
        { ctx.position("AAA"), ctx.position("AAA", nil), ctx.position("AAA") },
        { ctx.position("BBB"), ctx.position("BBB", nil), ctx.position("BBB") },
        { ctx.position("ZZZ"), ctx.position("ZZZ", nil), ctx.position("ZZZ") },
      }
      for i, triple in ipairs(pairsToCompare) do
        local published, body, again = describe(triple[1]), describe(triple[2]), describe(triple[3])
        if published ~= body or again ~= body then
          error(where .. " #" .. i .. ": " .. published .. " / " .. again .. " vs " .. body)
        end
      end
      checked = checked + 1
    end
    function on_start(ctx) seed = ctx.params.seed end
    function on_fill(ctx, fill) check(ctx, "fill") end
    function on_bar(ctx, bar)
      if ctx.state.seed then seed = ctx.state.seed end
      check(ctx, "bar")
      local symbol = bar.symbol
      local held = ctx.position(symbol).quantity
      local action = random(6)
      if action == 0 then ctx.buy { symbol = symbol, quantity = 1 + random(40) / 4 }
      elseif action == 1 then ctx.sell { symbol = symbol, quantity = 1 + random(40) / 4 }
      elseif action == 2 then ctx.close(symbol)
      elseif action == 3 and held ~= 0 then
        -- a reversal: through flat to the other side
        if held > 0 then ctx.sell { symbol = symbol, quantity = held * 2 } else ctx.buy { symbol = symbol, quantity = -held * 2 } end
      elseif action == 4 then ctx.buy { symbol = symbol, quantity = 200 } -- fills over several bars
      end
      check(ctx, "order")
      ctx.state.seed = seed
    end
    """

    static func events(_ count: Int, seed: UInt64) -> [MarketEvent] {
        var random = SeededRandom(seed: seed)
        var prices = [100.0, 50.0]
        return (0..<count).map { index in
            let which = Int(random.uniform() * 2) % 2
            let open = prices[which]
            prices[which] = max(1, open * (1 + random.normal() * 0.02))
            let instrument = instruments[which]
            let bar = Bar(time: 1_700_000_000 + Int64(index) * 60, open: instrument.price(open),
                          high: instrument.price(max(open, prices[which]) * 1.005),
                          low: instrument.price(min(open, prices[which]) * 0.995), close: instrument.price(prices[which]),
                          volume: instrument.quantity(20 + random.uniform() * 400))
            return .bar(bar, symbol: symbols[which], timeframe: 60)
        }
    }

    /// `byValue`: the body answers with the table it builds as a `LuaValue`
    /// (the reference the published form must equal); otherwise with the
    /// entry it has just published (the production path: then the check
    /// compares that entry, pushed by the trampoline, with the entry the
    /// lookup finds for the same symbol and scope).
    @Test(arguments: [1, 2, 3] as [UInt64], [true, false])
    func publishedPositionsMatchTheSwiftBodyThroughTradesAndARestore(seed: UInt64, byValue: Bool) throws {
        let configuration = DeploymentConfiguration(
            source: Self.strategy, parameters: ["seed": .integer(Int64(seed) * 7919)], instruments: Self.instruments,
            symbols: Self.symbols, startingCash: Money(10_000_000),
            exchange: ExchangeConfiguration(barVolumeParticipation: 0.1))
        let events = Self.events(600, seed: seed)
        let first = try DeploymentKernel(configuration: configuration)
        first.answersPositionsAsValues = byValue
        first.start(at: 1_700_000_000 - 1)
        for event in events[..<300] { first.handle(event) }
        #expect(first.strategyFault == nil, "\(String(describing: first.strategyFault))")
        // The comparison is only worth something if the C path answered.
        #expect(first.published.positions.map(\.symbol).sorted() == Self.symbols)
        #expect(first.fillCount > 20)

        let restored = try DeploymentKernel(configuration: configuration, restoring: first.checkpoint())
        restored.answersPositionsAsValues = byValue
        for event in events[300...] { restored.handle(event) }
        #expect(restored.strategyFault == nil, "\(String(describing: restored.strategyFault))")
        #expect(restored.published.positions.count == 2)
        #expect(restored.fillCount > first.fillCount + 20)
        // Two checks per bar plus one per fill, since the restore re-ran the main chunk.
        #expect(try restored.sandbox.global(named: "checked") == .integer(Int64(2 * 300 + restored.fillCount - first.fillCount)))
    }
}
