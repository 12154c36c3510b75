import Foundation
import Testing
@testable import Host

extension PortfolioTests {
    /// Cash, positions, P&L and equity fill by fill.
    @Suite struct Accounting {
        typealias F = PortfolioFixtures

        @Test func buyThenSellMovesCashByNotionalAndFee() {
            var portfolio = Portfolio(cash: Money(10_000), instruments: [F.shares])
            let buy = F.fill(.buy, "10", at: "100.00", F.shares, rate: 1_000)  // 10 bp
            #expect(portfolio.apply(buy) == .zero)
            #expect(buy.notional == Money(1_000))
            #expect(buy.fee == F.money("1"))
            #expect(portfolio.cash == F.money("8999"))
            let position = portfolio.position("ACME")!
            #expect(position.quantity == F.quantity("10", F.shares))
            #expect(position.costBasis == Money(1_000))
            #expect(position.averagePrice(F.shares) == F.price("100.00", F.shares))
            #expect(portfolio.equity == F.money("9999"))  // marked at the fill price

            portfolio.mark(symbol: "ACME", price: F.price("110.00", F.shares))
            #expect(portfolio.unrealizedPnL == Money(100))
            #expect(portfolio.equity == F.money("10099"))
            #expect(portfolio.grossExposure == Money(1_100))

            let sell = F.fill(.sell, "10", at: "110.00", F.shares, rate: 1_000)
            #expect(portfolio.apply(sell) == Money(100))
            #expect(portfolio.cash == F.money("10097.9"))
            #expect(portfolio.realizedPnL == Money(100))
            #expect(portfolio.fees == F.money("2.1"))
            #expect(portfolio.netRealizedPnL == F.money("97.9"))
            #expect(portfolio.position("ACME")!.isFlat)
            #expect(portfolio.position("ACME")!.costBasis == .zero)
            #expect(portfolio.unrealizedPnL == .zero)
            #expect(portfolio.equity == portfolio.cash)
        }

        @Test func shortSaleRaisesCashAndGainsWhenThePriceFalls() {
            var portfolio = Portfolio(cash: Money(10_000), instruments: [F.shares])
            portfolio.apply(F.fill(.sell, "5", at: "200.00", F.shares))
            let position = portfolio.position("ACME")!
            #expect(position.quantity.lots == -5)
            #expect(position.side == .sell)
            #expect(position.costBasis == Money(-1_000))
            #expect(position.averagePrice(F.shares) == F.price("200.00", F.shares))
            #expect(portfolio.cash == Money(11_000))
            #expect(portfolio.equity == Money(10_000))

            portfolio.mark(symbol: "ACME", price: F.price("180.00", F.shares))
            #expect(portfolio.netExposure == Money(-900))
            #expect(portfolio.grossExposure == Money(900))
            #expect(portfolio.unrealizedPnL == Money(100))
            #expect(portfolio.equity == Money(10_100))
            #expect(position.unrealizedPnL(mark: F.price("180.00", F.shares), instrument: F.shares) == Money(100))

            #expect(portfolio.apply(F.fill(.buy, "2", at: "180.00", F.shares)) == Money(40))
            #expect(portfolio.position("ACME")!.costBasis == Money(-600))
            #expect(portfolio.apply(F.fill(.buy, "3", at: "190.00", F.shares)) == Money(30))
            #expect(portfolio.realizedPnL == Money(70))
            #expect(portfolio.cash == Money(10_070))
            #expect(portfolio.closedTrades.count == 1)
            let trade = portfolio.closedTrades[0]
            #expect(trade.side == .sell)
            #expect(trade.quantity.lots == 5)
            #expect(trade.entryPrice == F.price("200.00", F.shares))
            #expect(trade.exitPrice == F.price("186.00", F.shares))  // (2·180 + 3·190) / 5
            #expect(trade.pnl == Money(70))
        }

        @Test func partialCloseTakesProportionalCostAndKeepsTheRemainder() {
            // Cost 100.00 for 3 lots: a third is 33.333…, which cannot be exact.
            var portfolio = Portfolio(cash: Money(1_000), instruments: [F.shares])
            portfolio.apply(F.fill(.buy, "2", at: "33.33", F.shares))
            portfolio.apply(F.fill(.buy, "1", at: "33.34", F.shares))
            #expect(portfolio.position("ACME")!.costBasis == Money(100))
            // 1 of 3: 33.333333333… → 33.33333333; the remainder stays.
            #expect(portfolio.apply(F.fill(.sell, "1", at: "30.00", F.shares)) == F.money("-3.33333333"))
            #expect(portfolio.position("ACME")!.costBasis == F.money("66.66666667"))
            // 1 of 2: 33.333333335 → 33.33333334 (half to even).
            #expect(portfolio.apply(F.fill(.sell, "1", at: "30.00", F.shares)) == F.money("-3.33333334"))
            #expect(portfolio.position("ACME")!.costBasis == F.money("33.33333333"))
            // The last lot takes exactly what is left.
            #expect(portfolio.apply(F.fill(.sell, "1", at: "30.00", F.shares)) == F.money("-3.33333333"))
            #expect(portfolio.position("ACME")!.costBasis == .zero)
            #expect(portfolio.realizedPnL == Money(-10))
            #expect(portfolio.closedTrades.single?.pnl == Money(-10))
        }

        @Test func halfEvenShareWithRemainderKeptOnOddSplits() {
            // A cost basis of 10^-8 × 7 units over 2 lots: 3.5 → 4 (even) then the remainder 3.
            let instrument = Instrument(symbol: "X", priceDecimals: 8, quantityDecimals: 0)
            var portfolio = Portfolio(cash: Money(1), instruments: [instrument])
            portfolio.apply(F.fill(.buy, lots: 2, ticks: 3, instrument))
            portfolio.apply(F.fill(.buy, lots: 1, ticks: 1, instrument))
            #expect(portfolio.position("X")!.costBasis.units == 7)
            // 7 × 1/3 = 2.33 → 2; remainder 5 over 2 lots.
            #expect(portfolio.apply(F.fill(.sell, lots: 1, ticks: 2, instrument)).units == 0)
            #expect(portfolio.position("X")!.costBasis.units == 5)
            // 5 × 1/2 = 2.5 → 2 (half to even); remainder 3.
            #expect(portfolio.apply(F.fill(.sell, lots: 1, ticks: 2, instrument)).units == 0)
            #expect(portfolio.position("X")!.costBasis.units == 3)
            #expect(portfolio.apply(F.fill(.sell, lots: 1, ticks: 2, instrument)).units == -1)
            #expect(portfolio.realizedPnL.units == 6 - 7)
        }

        @Test func flipClosesTheTradeAndOpensTheRestAtTheFillPrice() {
            var portfolio = Portfolio(cash: Money(10_000), instruments: [F.shares])
            portfolio.apply(F.fill(.buy, "2", at: "100.00", F.shares, rate: 1_000, time: 100))
            let realized = portfolio.apply(F.fill(.sell, "5", at: "110.00", F.shares, rate: 1_000, time: 200))
            #expect(realized == Money(20))
            let position = portfolio.position("ACME")!
            #expect(position.quantity.lots == -3)
            #expect(position.costBasis == Money(-330))
            #expect(position.averagePrice(F.shares) == F.price("110.00", F.shares))
            // Fee of the flipping fill: 0.55, split 2/5 → 0.22 to the closed trade.
            let closed = portfolio.closedTrades[0]
            #expect(closed.fees == F.money("0.2") + F.money("0.22"))
            #expect(closed.netPnL == F.money("19.58"))
            #expect(closed.entryTime == 100 && closed.exitTime == 200)
            portfolio.apply(F.fill(.buy, "3", at: "100.00", F.shares, rate: 1_000, time: 300))
            let second = portfolio.closedTrades[1]
            #expect(second.side == .sell && second.quantity.lots == 3 && second.pnl == Money(30))
            #expect(second.fees == F.money("0.33") + F.money("0.3"))
            #expect(second.entryTime == 200 && second.exitTime == 300)
            #expect(portfolio.closedTrades.map(\.fees).reduce(.zero, +) == portfolio.fees)
            #expect(portfolio.closedTrades.map(\.pnl).reduce(.zero, +) == portfolio.realizedPnL)
        }

        @Test func averagePriceRoundsHalfEvenOnTheTickGrid() {
            var portfolio = Portfolio(cash: Money(1_000), instruments: [F.shares])
            portfolio.apply(F.fill(.buy, "1", at: "10.01", F.shares))
            portfolio.apply(F.fill(.buy, "1", at: "10.02", F.shares))
            // 10.015 → 10.02 (1002 is even).
            let position = portfolio.position("ACME")!
            #expect(position.averagePrice(F.shares) == F.price("10.02", F.shares))
            #expect(abs(position.averagePriceValue(F.shares)! - 10.015) < 1e-12)
            portfolio.apply(F.fill(.buy, "2", at: "10.00", F.shares))
            // 40.03 / 4 = 10.0075 → 10.01.
            #expect(portfolio.position("ACME")!.averagePrice(F.shares) == F.price("10.01", F.shares))
        }

        @Test func totalsAcrossInstrumentsAndTheIndexedPath() {
            var portfolio = Portfolio(cash: Money(100_000), instruments: [F.btc, F.shares])
            let btcIndex = portfolio.index(of: "BTCUSD")!
            let acmeIndex = portfolio.index(of: "ACME")!
            portfolio.apply(F.fill(.buy, "0.5", at: "40000.00"), at: btcIndex)
            portfolio.apply(F.fill(.sell, "100", at: "50.00", F.shares), at: acmeIndex)
            #expect(portfolio.openPositionCount == 2 && portfolio.hasOpenPosition)
            portfolio.mark(at: btcIndex, price: F.price("42000.00"))
            portfolio.mark(symbol: "ACME", price: F.price("55.00", F.shares))
            #expect(portfolio.grossExposure == Money(21_000 + 5_500))
            #expect(portfolio.netExposure == Money(21_000 - 5_500))
            #expect(portfolio.unrealizedPnL == Money(1_000 - 500))
            #expect(portfolio.equity == Money(100_000 + 500))
            #expect(portfolio.mark(of: "BTCUSD") == F.price("42000.00"))
            #expect(portfolio.openPositions.map(\.symbol) == ["BTCUSD", "ACME"])
            portfolio.mark(symbol: "NOPE", price: F.price("1.00"))  // ignored
            #expect(portfolio.position("NOPE") == nil)
            #expect(portfolio.add(F.btc) == btcIndex)
        }

        @Test func dailyRealizedPnLFollowsTheUTCDayOfTheFill() {
            var portfolio = Portfolio(cash: Money(10_000), instruments: [F.shares])
            let day0 = F.newYear + 3_600
            portfolio.apply(F.fill(.buy, "10", at: "100.00", F.shares, rate: 1_000, time: day0))
            portfolio.apply(F.fill(.sell, "5", at: "90.00", F.shares, rate: 1_000, time: day0 + 3_600))
            #expect(portfolio.daily(at: day0).realizedPnL == Money(-50))
            #expect(portfolio.daily(at: day0).fees == F.money("1.45"))
            #expect(portfolio.daily(at: day0).net == F.money("-51.45"))
            let midnight = F.newYear + 86_400
            #expect(portfolio.daily(at: midnight).realizedPnL == .zero)  // nothing yet today
            portfolio.apply(F.fill(.sell, "5", at: "120.00", F.shares, time: midnight))
            #expect(portfolio.daily(at: midnight + 10).realizedPnL == Money(100))
            #expect(portfolio.daily(at: midnight).day == DailyPnL.utcDay(of: F.newYear) + 1)
            #expect(portfolio.realizedPnL == Money(50))
            #expect(DailyPnL.utcDay(of: -1) == -1 && DailyPnL.utcDay(of: -86_400) == -1 && DailyPnL.utcDay(of: 0) == 0)
        }

        @Test func survivesACodableRoundTrip() throws {
            var portfolio = Portfolio(cash: Money(10_000), instruments: [F.btc, F.shares])
            portfolio.apply(F.fill(.buy, "0.12345678", at: "30214.37", rate: 1_000))
            portfolio.apply(F.fill(.sell, "7", at: "12.34", F.shares))
            portfolio.mark(symbol: "BTCUSD", price: F.price("31000.00"))
            let data = try JSONEncoder().encode(portfolio)
            let decoded = try JSONDecoder().decode(Portfolio.self, from: data)
            #expect(decoded == portfolio)
            #expect(decoded.equity == portfolio.equity)
        }

        @Test func tradeRecordingCanBeSwitchedOff() {
            var portfolio = Portfolio(cash: Money(1_000), instruments: [F.shares], recordsTrades: false)
            portfolio.apply(F.fill(.buy, "1", at: "10.00", F.shares))
            portfolio.apply(F.fill(.sell, "1", at: "11.00", F.shares))
            #expect(portfolio.closedTrades.isEmpty)
            #expect(portfolio.realizedPnL == Money(1))
        }
    }
}

extension Array {
    /// The only element, nil unless there is exactly one.
    fileprivate var single: Element? { count == 1 ? first : nil }
}
