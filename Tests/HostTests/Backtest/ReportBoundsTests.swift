import Foundation
import Testing
@testable import Host
import Sandbox
import TestSupport

extension ReportTests {
    /// The report with a run's series: the price chart with trade markers,
    /// the benchmark, the tables, and its size and self-containment at a
    /// million bars.
    @Suite struct ReportBounds {
        typealias R = ReportFixtures

        /// A made-up million-bar run (hourly, about 114 years): a price walk,
        /// equity that follows it, and a round trip every 50 bars.
        struct MillionBars {
            let result: BacktestResult
            let series: ReportSeries

            init(bars count: Int = 1_000_000) {
                let instrument = PortfolioFixtures.shares
                let start: Int64 = 946_684_800  // 2000-01-01
                var state: UInt64 = 42
                var ticks: Int64 = 10_000
                var bars: [Bar] = []
                bars.reserveCapacity(count)
                var curve: [EquityPoint] = [EquityPoint(time: start, equity: Money(10_000))]
                curve.reserveCapacity(count + 1)
                for index in 0..<count {
                    state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
                    ticks = max(1_000, ticks + Int64(state >> 33) % 101 - 50)
                    let price = Price(ticks: ticks)
                    bars.append(Bar(time: start + Int64(index) * 3_600, open: price, high: price, low: price,
                                    close: price, volume: Quantity(lots: 100)))
                    curve.append(EquityPoint(time: start + Int64(index + 1) * 3_600,
                                             equity: Money(units: 100_000_000 * ticks)))
                }
                var trades: [ClosedTrade] = []
                for entry in stride(from: 0, to: count - 25, by: 50) {
                    let exit = entry + 25
                    let long = entry % 100 == 0
                    let difference = Int64(bars[exit].close.ticks - bars[entry].close.ticks) * (long ? 1 : -1)
                    trades.append(ClosedTrade(symbol: instrument.symbol, side: long ? .buy : .sell,
                                              quantity: Quantity(lots: 10), entryTime: bars[entry].time + 3_600,
                                              exitTime: bars[exit].time + 3_600, entryPrice: bars[entry].close,
                                              exitPrice: bars[exit].close, pnl: Money(units: difference * 10_000_000),
                                              fees: Money(units: 12_345_678)))
                }
                let metrics = BacktestMetrics(equityCurve: curve, trades: trades, barCount: count, barsInMarket: count / 2)
                result = BacktestResult(metadata: R.metadata(), metrics: metrics,
                                        trades: trades.map { TradeRecord($0, instrument: instrument) },
                                        equityCurve: BacktestResult.downsample(curve, maxPoints: 2_000),
                                        equityCurvePointCount: curve.count, finalPositions: [])
                series = ReportSeries(equityCurve: curve, symbol: instrument.symbol,
                                      priceDecimals: instrument.priceDecimals, bars: bars, timeframe: 3_600,
                                      startingCash: Money(10_000))
            }
        }

        static func polylineSizes(_ html: String) -> [Int] {
            html.components(separatedBy: "<polyline ").dropFirst().map { element in
                let points = element.components(separatedBy: "points=\"")[1].components(separatedBy: "\"")[0]
                return points.split(separator: " ").count
            }
        }

        @Test func aMillionBarReportIsUnderTwoMegabytesAndOffline() {
            let run = MillionBars()
            #expect(run.result.trades.count > 19_000)
            #expect(run.series.equityPointCount == 1_000_001 && run.series.priceBarCount == 1_000_000)
            let html = BacktestReport.html(for: run.result, series: run.series)
            let bytes = html.utf8.count
            print("1,000,000-bar report: \(bytes) bytes")
            #expect(bytes < 2_000_000)
            // Nothing to fetch: the only URLs are the SVG namespace (never fetched).
            #expect(html.components(separatedBy: "<svg").count - 1 == 3)
            let withoutNamespace = html.replacingOccurrences(of: "xmlns=\"http://www.w3.org/2000/svg\"", with: "")
            for reference in ["http:", "https:", "//", "src=", "href=", "url(", "@import", "<script", "<link", "<img",
                              "<iframe", "<object", "<embed", "@font-face"] {
                #expect(!withoutNamespace.contains(reference), "found \(reference)")
            }
            // Every series is bounded: equity, benchmark, price (and the drawdown area).
            let sizes = Self.polylineSizes(html)
            #expect(sizes.count == 3)
            #expect(sizes.allSatisfy { $0 > 1_000 && $0 <= ReportSeries.maxChartPoints }, "\(sizes)")
            #expect(run.series.drawdown.count <= ReportSeries.maxChartPoints)
            // Markers for the first and last 100 trades, two each.
            #expect(html.components(separatedBy: "<path class=\"buy\"").count - 1
                    + html.components(separatedBy: "<path class=\"sell\"").count - 1 == 2 * BacktestReport.markerTradeLimit)
            #expect(html.contains("Markers for the first 100 and last 100 of \(run.result.trades.count) trades."))
            // The trades table: the first and the last 250, numbered as in the JSON.
            let rows = html.components(separatedBy: "<table class=\"trades\">")[1].components(separatedBy: "</table>")[0]
            #expect(rows.components(separatedBy: "<tr>").count - 1 == 501)
            #expect(rows.contains("<td class=\"num\">250</td>") && !rows.contains("<td class=\"num\">251</td>"))
            #expect(rows.contains("<td class=\"num\">\(run.result.trades.count)</td>"))
            // 115 years of months: the first and last 50 rows.
            #expect(run.series.monthlyReturns.years.count == 115)
            let monthly = html.components(separatedBy: "<table class=\"monthly\">")[1].components(separatedBy: "</table>")[0]
            #expect(monthly.components(separatedBy: "<tr>").count - 1 == 101)
            #expect(html.contains("First 50 and last 50 of 115 years (15 left out)."))
            #expect(html.contains(" of 1000001 points shown (lowest and highest of each stretch kept)."))
            // Deterministic: the same run gives the same bytes.
            #expect(BacktestReport.html(for: run.result, series: MillionBars().series) == html)
        }

        @Test func aBacktestReportHasPriceMarkersBenchmarkAndTables() throws {
            let bars = try KernelFixtures.sampleBars()
            let outcome = try BacktestEngine.run(BacktestConfiguration(
                source: try TestPaths.read(TestPaths.strategy("sma_crossover.lua")), chunkName: "sma_crossover.lua",
                parameters: ["fast": 20, "slow": 100], instruments: [KernelFixtures.sampleInstrument],
                bars: ["BTCUSD": bars], timeframe: 3600, startingCash: Money(100_000)))
            let series = outcome.report
            #expect(series.symbol == "BTCUSD")
            #expect(series.equityPointCount == bars.count + 1 && series.priceBarCount == bars.count)
            #expect(series.price.count <= ReportSeries.maxChartPoints && series.price.count > 1_000)
            #expect(series.price.last?.time == outcome.result.equityCurve.last?.time)
            // Buy and hold: the starting cash times last close over first close.
            let expected = 100_000 * Double(bars.last!.close.ticks) / Double(bars.first!.close.ticks)
            #expect(abs(series.benchmark.last!.value - expected) < 0.01)
            #expect(series.benchmark.first!.value == 100_000)
            #expect(series.monthlyReturns.years.count >= 1 && !series.drawdowns.isEmpty)
            #expect(series.drawdowns[0].depth == outcome.result.metrics.maxDrawdown)

            let html = BacktestReport.html(for: outcome.result, series: series)
            #expect(html.components(separatedBy: "<svg").count - 1 == 3)
            #expect(html.contains("<h2>Price: BTCUSD</h2>") && html.contains("aria-label=\"Price\""))
            #expect(html.contains("Buy and hold BTCUSD") && html.contains("Strategy equity"))
            #expect(html.contains("<td>Buy and hold return</td>"))
            #expect(html.contains("<h2>Worst drawdowns</h2>") && html.contains("<h2>Monthly returns</h2>"))
            #expect(html.contains("<table class=\"drawdowns\">") && html.contains("<table class=\"monthly\">"))
            // One ▲ and one ▼ per long round trip.
            let buys = html.components(separatedBy: "<path class=\"buy\"").count - 1
            let sells = html.components(separatedBy: "<path class=\"sell\"").count - 1
            let marked = min(outcome.result.trades.count, BacktestReport.markerTradeLimit)
            #expect(marked > 3 && buys == marked && sells == marked)
            let first = outcome.result.trades[0]
            #expect(html.contains("<title>Buy " + ReportFormat.dateTime(first.entryTime) + " at " + first.entryPrice
                                  + " (trade 1)</title>"))
            // Deterministic across runs.
            let again = try BacktestEngine.run(BacktestConfiguration(
                source: try TestPaths.read(TestPaths.strategy("sma_crossover.lua")), chunkName: "sma_crossover.lua",
                parameters: ["fast": 20, "slow": 100], instruments: [KernelFixtures.sampleInstrument],
                bars: ["BTCUSD": bars], timeframe: 3600, startingCash: Money(100_000)))
            #expect(BacktestReport.html(for: again.result, series: again.report) == html)
        }

        @Test func aReportFromAResultAloneSaysWhatItComputedFrom() {
            let result = R.result(bars: 3_000, maxCurvePoints: 500)
            let html = BacktestReport.html(for: result)
            #expect(html.contains("\(result.equityCurve.count) of 3000 points shown"))
            #expect(html.contains("From the \(result.equityCurve.count) equity points the result kept of 3000."))
            #expect(!html.contains("Price: ") && !html.contains("Buy and hold"))
            #expect(html.components(separatedBy: "<svg").count - 1 == 2)
        }

        @Test func moneyIsRoundedToCentsInTheText() {
            let result = R.result()
            let html = BacktestReport.html(for: result)
            let trade = result.trades[0]
            #expect(html.contains(">" + ReportFormat.money(trade.netPnL) + "</td></tr>"))
            #expect(html.contains("<td>Initial cash</td><td>10,000.00</td>"))
            // No money cell shows more than two decimals (quantities and prices are not money).
            let trades = html.components(separatedBy: "<table class=\"trades\">")[1].components(separatedBy: "</table>")[0]
            for row in trades.components(separatedBy: "<tr>").dropFirst(2) {
                let cells = row.components(separatedBy: "<td").dropFirst().map {
                    $0.components(separatedBy: ">")[1].components(separatedBy: "<")[0]
                }
                for money in cells[8...10] {
                    #expect(money.split(separator: ".").last?.count == 2, "\(money)")
                }
            }
        }
    }
}
