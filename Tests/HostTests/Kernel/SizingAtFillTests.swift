import Foundation
import Testing
@testable import Host
import Sandbox
import TestSupport

/// Notional and equity-fraction orders are sized at their fill price, fee
/// included, after earlier fills of the same event (docs/fills.md, "Sizing at
/// the fill"): the way backtesting.py and backtrader size an all-in order.
@Suite struct SizingAtFillTests {
    /// Whole shares, so a size is easy to check by hand.
    static let shares = Instrument(symbol: "STOCK", priceDecimals: 2, quantityDecimals: 0)

    static func bars(_ prices: [(Double, Double, Double, Double)]) -> [Bar] {
        prices.enumerated().map { index, price in
            Bar(time: 1_700_000_000 + Int64(index) * 86_400, open: shares.price(price.0), high: shares.price(price.1),
                low: shares.price(price.2), close: shares.price(price.3), volume: shares.quantity(1_000_000))
        }
    }

    /// A strategy that runs `order` (Lua) on its first bar only.
    static func onFirstBar(_ order: String) -> String {
        """
        local n = 0
        function on_bar(ctx, bar)
          n = n + 1
          if n == 1 then \(order) end
        end
        """
    }

    static func run(_ source: String, _ prices: [(Double, Double, Double, Double)], bps: Int64 = 20,
                    risk: LayeredRiskLimits = LayeredRiskLimits()) throws -> BacktestOutcome {
        try BacktestEngine.run(BacktestConfiguration(
            source: source, instruments: [shares], bars: ["STOCK": bars(prices)], timeframe: 86_400,
            startingCash: Money(10_000), exchange: ExchangeConfiguration(commission: CommissionModel(hundredthsOfBasisPoint: bps * 100)),
            risk: risk))
    }

    /// Signal at a close of 100, fill at the next open of 110: sized at 110
    /// with the 20 bps fee (90 shares: 9,900 + 19.80 ≤ 10,000; 91 would cost
    /// 10,030.02), not at 100 (99 shares, which would overdraw at 110).
    @Test func allInIsSizedAtTheNextOpenWithTheFee() throws {
        let outcome = try Self.run(Self.onFirstBar("ctx.buy { equity = 1 }"),
                                   [(100, 100, 100, 100), (110, 112, 108, 111), (111, 111, 111, 111)])
        let position = try #require(outcome.result.finalPositions.first)
        #expect(position.quantity == "90", "\(position)")
        #expect(outcome.rejectedOrders.isEmpty, "\(outcome.rejectedOrders.map { $0.reason?.description ?? "" })")
        // Cash never goes negative: 10,000 − 9,900 − 19.80.
        #expect(outcome.result.metrics.endEquity > .zero)
    }

    /// A notional buy of 1,000 placed at 100 and filled at 125 buys 8 shares.
    @Test func notionalIsSizedAtTheFillPrice() throws {
        let outcome = try Self.run(Self.onFirstBar("ctx.buy { notional = 1000 }"),
                                   [(100, 100, 100, 100), (125, 125, 125, 125), (125, 125, 125, 125)])
        let position = try #require(outcome.result.finalPositions.first)
        #expect(position.quantity == "8", "\(position)")
    }

    /// A reversal on one bar: `ctx.close()` then `ctx.sell{equity = 1}` sizes
    /// the short with the cash the close left at the same open.
    @Test func reversalSizesWithTheCashTheCloseLeft() throws {
        let outcome = try Self.run("""
        local n = 0
        function on_bar(ctx, bar)
          n = n + 1
          if n == 1 then ctx.buy { equity = 1 } end
          if n == 3 then
            ctx.close()
            ctx.sell { equity = 1 }
          end
        end
        """, [(100, 100, 100, 100), (100, 100, 100, 100), (100, 100, 100, 100), (120, 120, 120, 120), (120, 120, 120, 120)])
        #expect(outcome.rejectedOrders.isEmpty, "\(outcome.rejectedOrders.map { $0.reason?.description ?? "" })")
        // Bought 99 at 100 (9,900 + 19.80); sold them at 120 (11,880 − 23.76):
        // cash 10,000 − 9,919.80 + 11,856.24 = 11,936.44. Short: the largest
        // q with q·120 + fee ≤ 11,936.44 is 99 (11,880 + 23.76 = 11,903.76).
        let position = try #require(outcome.result.finalPositions.first)
        #expect(position.quantity == "-99", "\(position)")
        let trade = try #require(outcome.result.trades.first)
        #expect(trade.quantity == "99")
    }

    /// The estimate the gate checks and the size at the fill use one rule:
    /// an all-in order at leverage 1 passes the buying-power check exactly.
    @Test func allInPassesTheBuyingPowerCheckItSizedFor() throws {
        let outcome = try Self.run("""
        function on_bar(ctx, bar)
          if ctx.position().quantity == 0 then
            local id, code = ctx.buy { equity = 1 }
            assert(code == nil, "refused: " .. tostring(code))
          end
        end
        """, [(100, 100, 100, 100), (101, 101, 101, 101), (99, 99, 99, 99)])
        #expect(outcome.status == .stopped, "\(outcome.status)")
        #expect(outcome.rejectedOrders.isEmpty)
    }

    /// A short that has lost more than 1 % is worth more than equity at
    /// leverage 1; closing it and going long on the same bar still passes
    /// the buying-power check: the entry adds only its own side (found by the
    /// differential tests against backtesting.py and backtrader).
    @Test func reversalFromALosingShortPasses() throws {
        let outcome = try Self.run("""
        local n = 0
        function on_bar(ctx, bar)
          n = n + 1
          if n == 1 then ctx.sell { equity = 0.99 } end
          if n == 3 then
            ctx.close()
            local _, code = ctx.buy { equity = 0.99 }
            assert(code == nil, "the reversal was refused: " .. tostring(code))
          end
        end
        """, [(100, 100, 100, 100), (100, 100, 100, 100), (105, 105, 105, 105), (105, 105, 105, 105), (105, 105, 105, 105)])
        #expect(outcome.status == .stopped, "\(outcome.status)")
        #expect(outcome.rejectedOrders.isEmpty, "\(outcome.rejectedOrders.map { $0.reason?.description ?? "" })")
        let position = try #require(outcome.result.finalPositions.first)
        #expect(position.quantity.hasPrefix("-") == false && position.quantity != "0", "\(position)")
    }

    /// `ctx.close()` closes exactly the position's lots, even when the size
    /// does not survive a trip through a Double (1389.2486 × 10^4).
    @Test func closeTakesExactlyThePositionsLots() throws {
        let fractional = Instrument(symbol: "STOCK", priceDecimals: 2, quantityDecimals: 4)
        #expect(fractional.quantity(1389.2486) == Quantity(lots: 13_892_486))
        #expect(fractional.quantity(0.29) == Quantity(lots: 2_900))
        #expect(fractional.quantity(0.00019) == Quantity(lots: 1), "still rounds down off the grid")
        let bars = Self.bars([(100, 100, 100, 100), (100, 100, 100, 100), (100, 100, 100, 100), (100, 100, 100, 100)])
        let outcome = try BacktestEngine.run(BacktestConfiguration(
            source: """
            local n = 0
            function on_bar(ctx, bar)
              n = n + 1
              if n == 1 then ctx.buy { quantity = 1389.2486 } end
              if n == 2 then ctx.close() end
            end
            """, instruments: [fractional], bars: ["STOCK": bars], timeframe: 86_400, startingCash: Money(1_000_000)))
        #expect(outcome.result.finalPositions.isEmpty, "\(outcome.result.finalPositions)")
        #expect(outcome.result.trades.first?.quantity == "1389.2486")
    }
}

