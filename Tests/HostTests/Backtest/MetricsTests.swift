import Foundation
import Testing
@testable import Host

/// Every metrics suite nests here so `--filter MetricsTests` runs them all.
enum MetricsTests {}

/// Curves and trades for the metrics and report tests.
enum MetricsFixtures {
    static let day: Int64 = 86_400
    static let start = PortfolioFixtures.newYear

    /// A curve with one point per day from `start`.
    static func daily(_ equities: [String]) -> [EquityPoint] {
        equities.enumerated().map { index, text in
            EquityPoint(time: start + Int64(index) * day, equity: Money(decimalText: text)!)
        }
    }

    static func trade(net pnl: String, fees: String = "0", symbol: String = "ACME") -> ClosedTrade {
        ClosedTrade(symbol: symbol, side: .buy, quantity: Quantity(lots: 1), entryTime: start, exitTime: start + day,
                    entryPrice: Price(ticks: 10_000), exitPrice: Price(ticks: 10_100),
                    pnl: Money(decimalText: pnl)! + Money(decimalText: fees)!, fees: Money(decimalText: fees)!)
    }

    static func close(_ actual: Double?, _ expected: Double, tolerance: Double = 1e-12) -> Bool {
        guard let actual else { return false }
        return abs(actual - expected) <= tolerance * max(1, abs(expected))
    }
}

extension MetricsTests {
    @Suite struct Returns {
        typealias M = MetricsFixtures

        /// 100 → 110 → 99 → 108.9 → 119.79, one point a day. Per-day returns
        /// +10 %, −10 %, +10 %, +10 %: mean 0.05, sample deviation 0.1,
        /// downside deviation √(0.01 / 4) = 0.05, 365 periods a year.
        @Test func fivePointCurveByHand() {
            let metrics = BacktestMetrics(equityCurve: M.daily(["100", "110", "99", "108.9", "119.79"]), trades: [],
                                          barCount: 5, barsInMarket: 3)
            #expect(metrics.startEquity == Money(100) && metrics.endEquity == Money(decimalText: "119.79")!)
            #expect(metrics.netProfit == Money(decimalText: "19.79")!)
            #expect(metrics.elapsedSeconds == 4 * M.day)
            #expect(M.close(metrics.totalReturn, 0.1979))
            #expect(M.close(metrics.annualizedReturn, pow(1.1979, 365.0 / 4) - 1, tolerance: 1e-9))
            #expect(M.close(metrics.periodsPerYear, 365))
            #expect(M.close(metrics.volatility, 0.1 * 365.0.squareRoot()))
            #expect(M.close(metrics.sharpe, 0.5 * 365.0.squareRoot()))
            #expect(M.close(metrics.sortino, 1 * 365.0.squareRoot()))
            #expect(M.close(metrics.maxDrawdown, 0.1))
            #expect(metrics.maxDrawdownDuration == 3 * M.day)  // 110 on day 1, regained on day 4
            #expect(metrics.maxDrawdownRecovered)
            #expect(M.close(metrics.exposure, 0.6))
        }

        @Test func annualizesOverCalendarTime() {
            let curve = [EquityPoint(time: 0, equity: Money(100)), EquityPoint(time: 2 * 365 * M.day, equity: Money(121))]
            let metrics = BacktestMetrics(equityCurve: curve, trades: [], barCount: 2, barsInMarket: 0)
            #expect(M.close(metrics.totalReturn, 0.21))
            #expect(M.close(metrics.annualizedReturn, 0.1))
            let wiped = BacktestMetrics(equityCurve: [curve[0], EquityPoint(time: 365 * M.day, equity: .zero)],
                                        trades: [], barCount: 2, barsInMarket: 2)
            #expect(wiped.annualizedReturn == -1)
            #expect(wiped.totalReturn == -1)
        }

        @Test func periodsPerYearUsesTheMedianSpacing() {
            // Hourly points with one weekend-sized gap: still hourly.
            var times: [Int64] = (0..<10).map { $0 * 3_600 }
            times.append(times.last! + 2 * M.day)
            times.append(times.last! + 3_600)
            let curve = times.enumerated().map { EquityPoint(time: $1, equity: Money(100 + Int64($0))) }
            let metrics = BacktestMetrics(equityCurve: curve, trades: [], barCount: curve.count, barsInMarket: 0)
            #expect(M.close(metrics.periodsPerYear, 365 * 24))
            // Even count of spacings: the mean of the middle two.
            #expect(M.close(MetricsReturns.periodsPerYear(M.daily(["1", "1", "1"]).enumerated().map {
                EquityPoint(time: $1.time + ($0 == 2 ? M.day : 0), equity: $1.equity)
            }), 365.0 / 1.5))
        }

        @Test func flatAndTinyCurvesAreUndefinedNotCrashes() {
            let empty = BacktestMetrics(equityCurve: [], trades: [], barCount: 0, barsInMarket: 0)
            #expect(empty.totalReturn == nil && empty.sharpe == nil && empty.exposure == nil && empty.maxDrawdown == 0)
            let single = BacktestMetrics(equityCurve: M.daily(["100"]), trades: [], barCount: 1, barsInMarket: 0)
            #expect(single.totalReturn == 0 && single.annualizedReturn == nil && single.volatility == nil)
            let flat = BacktestMetrics(equityCurve: M.daily(["100", "100", "100"]), trades: [], barCount: 3,
                                       barsInMarket: 0)
            // 0 ÷ 0: undefined, not infinite.
            #expect(flat.volatility == 0 && flat.sharpe == nil && flat.sortino == nil)
            let rising = BacktestMetrics(equityCurve: M.daily(["100", "101", "102.01"]), trades: [], barCount: 3,
                                         barsInMarket: 3)
            // No losing period: Sortino's denominator is zero and its numerator positive.
            #expect(rising.sortino == .infinity)
            let broke = BacktestMetrics(equityCurve: M.daily(["0", "10"]), trades: [], barCount: 2, barsInMarket: 0)
            #expect(broke.totalReturn == nil && broke.sharpe == nil)
        }
    }

    @Suite struct Drawdowns {
        typealias M = MetricsFixtures

        @Test func unrecoveredDrawdownRunsToTheEnd() {
            let analysis = DrawdownAnalysis(curve: M.daily(["100", "120", "90", "100", "60", "80"]))
            #expect(MetricsFixtures.close(analysis.maxDrawdown, 0.5))
            #expect(analysis.peakTime == M.start + M.day)
            #expect(analysis.troughTime == M.start + 4 * M.day)
            #expect(analysis.recoveryTime == nil)
            #expect(analysis.maxDrawdownDuration == 4 * M.day)
            #expect(analysis.longestDuration == 4 * M.day)
        }

        @Test func deepestAndLongestAreDifferentEpisodes() {
            // Episode 1: peak 100 (day 0), trough 50, recovered day 2 (2 days, 50 %).
            // Episode 2: peak 110 (day 3), shallow, recovered day 8 (5 days, ~9 %).
            let curve = M.daily(["100", "50", "100", "110", "105", "100", "104", "106", "111"])
            let analysis = DrawdownAnalysis(curve: curve)
            #expect(MetricsFixtures.close(analysis.maxDrawdown, 0.5))
            #expect(analysis.recoveryTime == M.start + 2 * M.day)
            #expect(analysis.maxDrawdownDuration == 2 * M.day)
            #expect(analysis.longestDuration == 5 * M.day)
            let series = DrawdownAnalysis.series(curve)
            #expect(series.count == curve.count && series[1] == 0.5 && series[3] == 0)
            #expect(MetricsFixtures.close(series[5], 10.0 / 110))
        }

        @Test func equalingThePeakCountsAsRecovery() {
            let analysis = DrawdownAnalysis(curve: M.daily(["100", "90", "100", "95"]))
            #expect(analysis.recoveryTime == M.start + 2 * M.day)
            #expect(analysis.maxDrawdownDuration == 2 * M.day)
            // The later, shallower dip (from the new peak on day 2 to the end) is shorter.
            #expect(analysis.longestDuration == 2 * M.day)
        }

        @Test func neverFalling() {
            let analysis = DrawdownAnalysis(curve: M.daily(["100", "100", "101"]))
            #expect(analysis.maxDrawdown == 0 && analysis.maxDrawdownDuration == 0 && analysis.longestDuration == 0)
            let metrics = BacktestMetrics(equityCurve: M.daily(["100", "101"]), trades: [], barCount: 2, barsInMarket: 0)
            #expect(metrics.maxDrawdownRecovered)
        }
    }

    @Suite struct Trades {
        typealias M = MetricsFixtures

        @Test func winRateProfitFactorAndAverages() {
            let trades = [M.trade(net: "30", fees: "1"), M.trade(net: "-10", fees: "1"), M.trade(net: "15"),
                          M.trade(net: "-5"), M.trade(net: "0", fees: "2")]
            let metrics = BacktestMetrics(equityCurve: M.daily(["100", "130"]), trades: trades, barCount: 2,
                                          barsInMarket: 1)
            #expect(metrics.tradeCount == 5)
            #expect(metrics.winningTrades == 2 && metrics.losingTrades == 2)  // break-even counts in neither
            #expect(metrics.winRate == 0.4)
            #expect(metrics.grossProfit == Money(45) && metrics.grossLoss == Money(15))
            #expect(metrics.profitFactor == 3)
            #expect(metrics.averageWin == Money(decimalText: "22.5"))
            #expect(metrics.averageLoss == Money(-15) / 2)
            #expect(metrics.tradeFees == Money(4))
        }

        @Test func netOfFeesDecidesTheWin() {
            // Made 10, paid 12: a loss.
            let trade = M.trade(net: "-2", fees: "12")
            #expect(trade.pnl == Money(10))
            let metrics = BacktestMetrics(equityCurve: [], trades: [trade], barCount: 0, barsInMarket: 0)
            #expect(metrics.losingTrades == 1 && metrics.winningTrades == 0)
        }

        @Test func profitFactorWithoutLossesIsInfiniteAndWithoutTradesUndefined() {
            let wins = BacktestMetrics(equityCurve: [], trades: [M.trade(net: "5"), M.trade(net: "7")], barCount: 0,
                                       barsInMarket: 0)
            #expect(wins.profitFactor == .infinity)
            #expect(wins.averageLoss == nil && wins.averageWin == Money(6))
            let none = BacktestMetrics(equityCurve: [], trades: [], barCount: 0, barsInMarket: 0)
            #expect(none.profitFactor == nil && none.winRate == nil && none.averageWin == nil)
            let losses = BacktestMetrics(equityCurve: [], trades: [M.trade(net: "-5")], barCount: 0, barsInMarket: 0)
            #expect(losses.profitFactor == 0)
        }

        @Test func averagesRoundHalfEvenAtTheUnit() {
            let trades = [M.trade(net: "0.00000001"), M.trade(net: "0.00000002"), M.trade(net: "0.00000002"),
                          M.trade(net: "0.00000001")]
            // 6 units / 4 = 1.5 → 2.
            let metrics = BacktestMetrics(equityCurve: [], trades: trades, barCount: 0, barsInMarket: 0)
            #expect(metrics.averageWin == Money(units: 2))
        }
    }
}

extension Money {
    fileprivate static func / (lhs: Money, rhs: Int64) -> Money { Money(units: lhs.units / rhs) }
}
