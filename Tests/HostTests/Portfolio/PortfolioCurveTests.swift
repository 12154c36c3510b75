import Testing
@testable import Host

/// Accounts added up over market time (docs/api.md, "Portfolio"): sums on a
/// grid, a time-weighted index that a new account's cash does not move, and
/// historical value at risk.
@Suite struct PortfolioCurveTests {
    static func sample(_ time: Int64, _ equity: Int64, gross: Int64 = 0) -> EquitySample {
        EquitySample(time: time, equity: Money(equity), cash: Money(equity - gross), grossExposure: Money(gross), netExposure: Money(gross),
                     realizedPnL: .zero, unrealizedPnL: .zero, fills: 0)
    }

    @Test func theGridSpansTheWindowEvenly() {
        #expect(PortfolioCurve.grid(from: 0, to: 100, count: 5) == [0, 25, 50, 75, 100])
        #expect(PortfolioCurve.grid(from: 10, to: 10, count: 5) == [10])
        #expect(PortfolioCurve.grid(from: 0, to: 3, count: 100) == [0, 1, 2, 3])
        let wide = PortfolioCurve.grid(from: .min, to: .max, count: 3)
        #expect(wide.first == .min && wide.last == .max && wide.count == 3)
    }

    @Test func totalsAreStepValuesAddedUpExactly() {
        let a = [Self.sample(0, 100), Self.sample(10, 110)], b = [Self.sample(5, 50), Self.sample(20, 40)]
        let totals = PortfolioCurve.totals([a, b], at: [0, 5, 10, 20])
        #expect(totals.map(\.equity) == [100, 150, 160, 150].map { Int128($0) * 100_000_000 })
        #expect(totals.map(\.deployments) == [1, 2, 2, 2])
        // Ten accounts at the numeric model's ceiling still add up.
        let huge = Array(repeating: [EquitySample(time: 0, equity: Money(units: .max), cash: .zero, grossExposure: .zero, netExposure: .zero,
                                                  realizedPnL: .zero, unrealizedPnL: .zero, fills: 0)], count: 10)
        #expect(PortfolioCurve.totals(huge, at: [0]).first?.equity == Int128(Int64.max) * 10)
    }

    @Test func anAccountOpeningIsNotAReturn() {
        // A grows 10 %; B opens with 1,000 halfway and stays flat: the portfolio grew 10 % over A's part only.
        let a = [Self.sample(0, 100), Self.sample(10, 105), Self.sample(20, 110)]
        let b = [Self.sample(10, 1_000), Self.sample(20, 1_000)]
        let index = PortfolioCurve.index([a, b], at: [0, 10, 20], base: Money(1_000))
        let growth = index.last!.equity.doubleValue / index.first!.equity.doubleValue
        // 0 → 10: A alone, 100 → 105; 10 → 20: (110 + 1000) ÷ (105 + 1000).
        let expected = 1.05 * (1_110.0 / 1_105.0)
        #expect(abs(growth - expected) < 1e-9, "\(growth) vs \(expected)")
        // The summed equity jumps by B's cash; the index does not.
        #expect(PortfolioCurve.totals([a, b], at: [0, 10]).map(\.equity) == [100, 1_105].map { Int128($0) * 100_000_000 })
    }

    @Test func valueAtRiskIsTheTailOfDailyReturns() throws {
        // 100 returns: −10 %, −9 % … −1 % and 90 gains of 1 %.
        let returns = (1...10).map { -Double($0) / 100 } + Array(repeating: 0.01, count: 90)
        let at95 = try #require(PortfolioCurve.valueAtRisk(dailyReturns: returns.shuffled(), confidence: 0.95))
        // The worst 5: −10 … −6 %; VaR is the least bad of them, ES their mean.
        #expect(abs(at95.valueAtRisk - 0.06) < 1e-12 && abs(at95.expectedShortfall - 0.08) < 1e-12)
        let at99 = try #require(PortfolioCurve.valueAtRisk(dailyReturns: returns, confidence: 0.99))
        #expect(abs(at99.valueAtRisk - 0.10) < 1e-12 && abs(at99.expectedShortfall - 0.10) < 1e-12)
        #expect(PortfolioCurve.valueAtRisk(dailyReturns: Array(returns.prefix(19)), confidence: 0.95) == nil)
        // All gains: no loss at risk.
        #expect(PortfolioCurve.valueAtRisk(dailyReturns: Array(repeating: 0.02, count: 30), confidence: 0.99)?.valueAtRisk == 0)
        #expect(PortfolioCurve.valueAtRisk(dailyReturns: returns + [.nan, .infinity], confidence: 0.95)?.valueAtRisk == at95.valueAtRisk)
    }

    @Test func dailyReturnsUseEachDaysLastPoint() {
        let day: Int64 = 86_400
        let curve = [EquityPoint(time: 0, equity: Money(100)), EquityPoint(time: day - 1, equity: Money(110)),
                     EquityPoint(time: day + 5, equity: Money(99)), EquityPoint(time: 2 * day + 1, equity: Money(121))]
        let returns = PortfolioCurve.dailyReturns(curve)
        #expect(returns.count == 2 && abs(returns[0] - (99.0 / 110 - 1)) < 1e-12 && abs(returns[1] - (121.0 / 99 - 1)) < 1e-12)
    }
}
