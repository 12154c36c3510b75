import Foundation
import Testing
@testable import Host
import Sandbox
import TestSupport

/// The buying-power check (docs/risk.md, "Buying power") and the defaults
/// every deployment gets, through the kernel as a strategy meets them.
@Suite struct BuyingPowerTests {
    static let bars = KernelFixtures.bars(Array(repeating: (100, 100, 100, 100), count: 4))

    /// Runs `script` whose on_bar records the codes of its first orders in `codes`.
    static func codes(_ script: String, risk: RiskLimits = .none) throws -> [String] {
        let outcome = try KernelFixtures.backtest("""
        codes = {}
        local n = 0
        function on_bar(ctx, bar)
          n = n + 1
          \(script)
        end
        function on_stop(ctx) ctx.log("info", "codes=" .. table.concat(codes, ",")) end
        """, bars: bars, cash: Money(10_000), risk: LayeredRiskLimits(deployment: risk))
        #expect(outcome.status == .stopped, "\(outcome.status)")
        let line = try #require(outcome.log.last { $0.message.hasPrefix("codes=") })
        return line.message.dropFirst("codes=".count).split(separator: ",").map(String.init)
    }

    @Test func marginAccountAtLeverageOneRefusesMoreThanEquity() throws {
        let codes = try Self.codes("""
          if n == 1 then
            local _, a = ctx.buy { quantity = 1000 }   -- 100,000 on a 10,000 account
            local _, b = ctx.buy { quantity = 50 }     -- 5,000: fits
            local _, c = ctx.buy { quantity = 60 }     -- 5,000 open + 6,000: does not
            codes = { a or "ok", b or "ok", c or "ok" }
          end
        """)
        #expect(codes == ["insufficientBuyingPower", "ok", "insufficientBuyingPower"])
    }

    @Test func leverageTwoDoublesBuyingPower() throws {
        let codes = try Self.codes("""
          if n == 1 then
            local _, a = ctx.buy { quantity = 150 }
            local _, b = ctx.sell { quantity = 10 }    -- reduces the open buy's exposure: passes
            codes = { a or "ok", b or "ok" }
          end
        """, risk: RiskLimits(maxLeverage: 2))
        #expect(codes == ["ok", "ok"])
    }

    @Test func cashAccountRefusesShortsAndOverdraftsButLetsExitsThrough() throws {
        let codes = try Self.codes("""
          if n == 1 then
            local _, a = ctx.sell { quantity = 1 }      -- a short
            local _, b = ctx.buy { quantity = 101 }     -- 10,100 > cash
            local _, c = ctx.buy { quantity = 90 }
            codes = { a or "ok", b or "ok", c or "ok" }
          elseif n == 3 then
            local _, d = ctx.sell { quantity = 90 }     -- closes: always passes
            local _, e = ctx.sell { quantity = 1 }      -- would go short with the open sell
            codes[#codes + 1] = d or "ok"
            codes[#codes + 1] = e or "ok"
          end
        """, risk: RiskLimits(accountType: .cash))
        #expect(codes == ["insufficientBuyingPower", "insufficientBuyingPower", "ok", "ok", "insufficientBuyingPower"])
    }

    @Test func denialNamesTheNeedAndTheAvailableAmount() throws {
        var engine = RiskEngine(deploymentID: "d", ownerID: "o", killSwitches: KillSwitchBoard())
        let instrument = Instrument(symbol: "X", priceDecimals: 2, quantityDecimals: 0)
        let order = Order(id: 1, symbol: "X", side: .buy, type: .market, sizing: .quantity(Quantity(lots: 200)),
                          quantity: Quantity(lots: 200), createdAt: 0)
        let account = RiskSnapshot(nowNanoseconds: 0, lastPrices: ["X": Price(ticks: 10_000)],
                                   cash: Money(10_000), equity: Money(10_000))
        let reason = try #require(engine.check(order, instrument: instrument, account: account).reason)
        #expect(reason.code == .insufficientBuyingPower)
        #expect(reason.message.contains("20000.00000000") && reason.message.contains("10000.00000000"), "\(reason.message)")
    }

    @Test func defaultsApplyWhereNoLayerSetsALimit() {
        let effective = LayeredRiskLimits().effective
        #expect(effective.accountType == .margin)
        #expect(effective.maxLeverage == 1)
        #expect(effective.maxOpenOrders == RiskDefaults.maxOpenOrders)
        #expect(effective.orderRate == RiskDefaults.orderRate)
        // A layer's own value wins over the default; the tightest layer wins.
        let set = LayeredRiskLimits(deployment: RiskLimits(maxOpenOrders: 20, maxLeverage: 3),
                                    owner: RiskLimits(accountType: .cash, maxLeverage: 2)).effective
        #expect(set.maxOpenOrders == 20 && set.maxLeverage == 2 && set.accountType == .cash)
    }
}
