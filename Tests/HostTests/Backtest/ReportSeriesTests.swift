import Testing
@testable import Host

extension ReportTests {
    /// The report's computations, without HTML: monthly returns, the deepest
    /// drawdowns, downsampling and the buy-and-hold benchmark.
    @Suite struct ReportSeriesComputations {
        static func point(_ time: Int64, _ equity: String) -> EquityPoint {
            EquityPoint(time: time, equity: Money(decimalText: equity)!)
        }

        static func close(_ value: Double?, _ expected: Double) -> Bool {
            guard let value else { return false }
            return abs(value - expected) < 1e-12
        }

        @Test func monthlyReturnsAcrossAYearBoundary() {
            let curve = [
                Self.point(1_700_049_600, "100"),    // 2023-11-15 12:00: the base of the first month
                Self.point(1_701_388_799, "110"),    // 2023-11-30 23:59:59: November's end
                Self.point(1_701_388_800, "105"),    // 2023-12-01 00:00: not December's end
                Self.point(1_704_063_600, "99"),     // 2023-12-31 23:00: December's end
                Self.point(1_704_067_200, "120"),    // 2024-01-01 00:00: not January's end
                Self.point(1_706_702_400, "108.9"),  // 2024-01-31 12:00: January's end
                Self.point(1_711_929_599, "119.79"), // 2024-03-31 23:59:59: no February point
            ]
            #expect(ReportFormat.dateTime(curve[1].time) == "2023-11-30 23:59:59")
            #expect(ReportFormat.dateTime(curve[2].time) == "2023-12-01 00:00:00")
            let years = MonthlyReturns(curve: curve).years
            #expect(years.map(\.year) == [2023, 2024])
            let y2023 = years[0], y2024 = years[1]
            #expect(y2023.months[0..<10].allSatisfy { $0 == nil })
            #expect(Self.close(y2023.months[10], 0.10))   // 110 / 100
            #expect(Self.close(y2023.months[11], -0.10))  // 99 / 110
            #expect(Self.close(y2023.total, -0.01))       // 99 / 100
            #expect(Self.close(y2024.months[0], 0.10))    // 108.9 / 99
            #expect(y2024.months[1] == nil)
            #expect(Self.close(y2024.months[2], 0.10))    // 119.79 / 108.9
            #expect(y2024.months[3...].allSatisfy { $0 == nil })
            #expect(Self.close(y2024.total, 0.21))        // 119.79 / 99
            #expect(MonthlyReturns(curve: []).years.isEmpty)
            // The table: rows are years, two decimals, blanks for months without points.
            let html = BacktestReport.monthlyTable(ReportSeries(equityCurve: curve))
            #expect(html.contains("<th class=\"num\">Jan</th>") && html.contains("<th class=\"num\">Dec</th>"))
            #expect(html.contains("<td class=\"num\">2023</td>"))
            #expect(html.contains(">10.00%</td><td class=\"num loss\">-10.00%</td><td class=\"num loss\">-1.00%</td>"))
            #expect(html.contains(">10.00%</td><td class=\"num\"></td><td class=\"num gain\">10.00%</td>"))
            #expect(html.contains(">21.00%</td></tr>"))
        }

        /// Peaks 110, 120, 121 recover; 130 falls to 65 and the curve ends below it.
        static let drawdownCurve: [EquityPoint] = ["100", "110", "99", "104.5", "110", "120", "90", "96", "121", "121",
                                                   "118.58", "130", "117", "65", "100"]
            .enumerated().map { point(PortfolioFixtures.newYear + Int64($0.offset) * 86_400, $0.element) }

        @Test func deepestDrawdownsWithOneNotRecovered() {
            let day: Int64 = 86_400, start = PortfolioFixtures.newYear
            let periods = DrawdownPeriod.deepest(Self.drawdownCurve, count: 5)
            #expect(periods.count == 4)  // only four falls below a peak
            #expect(periods.map(\.peakTime) == [11, 5, 1, 9].map { start + $0 * day })
            #expect(periods.map(\.troughTime) == [13, 6, 2, 10].map { start + $0 * day })
            #expect(periods.map(\.recoveryTime) == [nil, start + 8 * day, start + 4 * day, start + 11 * day])
            #expect(Self.close(periods[0].depth, 0.5))
            #expect(Self.close(periods[1].depth, 0.25))
            #expect(Self.close(periods[2].depth, 0.1))
            #expect(Self.close(periods[3].depth, 0.02))
            #expect(periods.map(\.bars) == [3, 3, 3, 2])
            #expect(periods.map(\.duration) == [3 * day, 3 * day, 3 * day, 2 * day])
            #expect(DrawdownPeriod.deepest(Self.drawdownCurve, count: 2) == Array(periods.prefix(2)))
            // The deepest agrees with the summary's max drawdown.
            let analysis = DrawdownAnalysis(curve: Self.drawdownCurve)
            #expect(periods[0].depth == analysis.maxDrawdown && periods[0].peakTime == analysis.peakTime)
            #expect(DrawdownPeriod.deepest(Self.drawdownCurve.prefix(2).map { $0 }).isEmpty)
            // The table says "not recovered" and names its length unit.
            let html = BacktestReport.drawdownTable(ReportSeries(equityCurve: Self.drawdownCurve))
            #expect(html.contains("not recovered") && html.contains("Length (bars)"))
            #expect(html.contains("<td class=\"num\">50.00%</td><td>2024-01-12 00:00:00</td><td>2024-01-14 00:00:00</td>"))
        }

        @Test func downsamplingKeepsSpikesAndIsBounded() {
            var points = (0..<100_000).map { ChartPoint(time: Int64($0) * 60, value: Double(($0 * 7_919) % 1_009)) }
            points[54_321].value = 1e9
            points[77_777].value = -1e9
            let sampled = ReportDownsample.points(points, maxPoints: 2_000)
            #expect(sampled.count <= 2_000 && sampled.count > 1_900)
            #expect(sampled.first == points.first && sampled.last == points.last)
            #expect(sampled.contains(points[54_321]) && sampled.contains(points[77_777]))
            #expect(zip(sampled, sampled.dropFirst()).allSatisfy { $0.time < $1.time })
            #expect(ReportDownsample.points(Array(points.prefix(10)), maxPoints: 2_000) == Array(points.prefix(10)))
            #expect(ReportDownsample.points(points, maxPoints: 0).count == 2)
            let bounds = ReportDownsample.headAndTail(count: 1_234, limit: 500)
            #expect(bounds.head == 0..<250 && bounds.tail == 984..<1_234 && bounds.omitted == 734)
            #expect(ReportDownsample.headAndTail(count: 7, limit: 500).head == 0..<7)
        }

        @Test func buyAndHoldFollowsTheClose() {
            let closes = [200.0, 210, 190, 300]
            let bars = closes.enumerated().map { index, close in
                let price = PortfolioFixtures.shares.price(close)
                return Bar(time: 1_000 + Int64(index) * 3_600, open: price, high: price, low: price, close: price,
                           volume: Quantity(lots: 1))
            }
            let curve = BuyAndHold.curve(bars: bars, timeframe: 3_600, cash: Money(10_000))
            #expect(curve.map(\.equity) == [Money(10_000), Money(10_500), Money(9_500), Money(15_000)])
            #expect(curve.map(\.time) == [4_600, 8_200, 11_800, 15_400])  // at each bar's close
            #expect(BuyAndHold.totalReturn(bars: bars) == 0.5)
            let series = ReportSeries(equityCurve: [Self.point(1_000, "10000"), Self.point(15_400, "12000")],
                                      symbol: "ACME", bars: bars, timeframe: 3_600)
            #expect(series.benchmark.first?.value == 10_000 && series.benchmark.last?.value == 15_000)
            #expect(series.benchmark.last!.value / series.benchmark.first!.value == 300.0 / 200.0)
            #expect(series.price.map(\.value) == closes)
            #expect(BuyAndHold.curve(bars: [], timeframe: 60, cash: Money(1)).isEmpty)
        }
    }
}
