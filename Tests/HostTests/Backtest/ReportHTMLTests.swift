import Testing
@testable import Host

extension ReportTests {
    /// The self-contained HTML report and the terminal summary.
    @Suite struct ReportHTML {
        typealias R = ReportFixtures

        static let hostileName = "<script>alert('x')</script>\"&<img src=x onerror=alert(1)>"

        @Test func containsTheChartsTablesAndMetadata() {
            let result = R.result()
            let html = BacktestReport.html(for: result)
            #expect(html.hasPrefix("<!DOCTYPE html>"))
            #expect(html.contains("<svg") && html.contains("<polyline") && html.contains("<polygon"))
            #expect(html.components(separatedBy: "<svg").count - 1 == 2)
            #expect(html.contains("aria-label=\"Equity\"") && html.contains("aria-label=\"Drawdown\""))
            #expect(html.contains("<h2>Summary</h2>") && html.contains("<h2>Trades</h2>") && html.contains("<h2>Run</h2>"))
            #expect(html.contains("Sharpe ratio"))
            #expect(html.contains(result.metadata.scriptHash) && html.contains(result.metadata.dataHash))
            #expect(html.contains("18446744073709551614"))
            #expect(html.contains("Parameter param39"))
            #expect(html.contains("2024-01-01"))
            #expect(html.contains("Open positions at the end"))
            #expect(html == BacktestReport.html(for: R.result()))  // deterministic
        }

        @Test func isSelfContained() {
            let html = BacktestReport.html(for: R.result())
            #expect(!html.contains("<script"))
            #expect(!html.contains("<link"))
            #expect(!html.contains("src="))
            #expect(!html.contains("href="))
            #expect(!html.contains("@import") && !html.contains("url("))
            // The one URL is the SVG namespace, which is never fetched.
            #expect(html.components(separatedBy: "http").count - 1 == 2)
            #expect(html.contains("xmlns=\"http://www.w3.org/2000/svg\""))
        }

        @Test func escapesStrategyProvidedText() {
            let metadata = R.metadata(
                name: Self.hostileName,
                parameters: ["<b>key</b>": "</td><script>evil()</script>", "quote": "\"onmouseover=\"x"],
                symbols: ["<i>SYM</i>"])
            let instrument = Instrument(symbol: "<i>SYM</i>", priceDecimals: 2, quantityDecimals: 0)
            let html = BacktestReport.html(for: R.result(metadata: metadata, instrument: instrument))
            #expect(!html.contains("<script"))
            #expect(!html.contains("<img"))
            #expect(!html.contains("<b>key"))
            #expect(!html.contains("<i>SYM"))
            #expect(!html.contains("\"onmouseover"))
            #expect(html.contains("<title>Backtest: &lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&quot;&amp;&lt;img"))
            #expect(html.contains("&lt;/td&gt;&lt;script&gt;evil()&lt;/script&gt;"))
            #expect(html.contains("<td>&lt;i&gt;SYM&lt;/i&gt;</td>"))
            #expect(ReportFormat.html("a\u{0}b\u{1b}[31m") == "a\u{FFFD}b\u{FFFD}[31m")
        }

        @Test func listsTheFirstAndLast250Trades() {
            let result = R.result(bars: 2_600, tradeEvery: 2)
            #expect(result.trades.count > BacktestReport.tradeLimit)
            let html = BacktestReport.html(for: result)
            #expect(html.contains("First 250 and last 250 of \(result.trades.count) trades"
                                  + " (\(result.trades.count - 500) left out)"))
            let rows = html.components(separatedBy: "<table class=\"trades\">")[1].components(separatedBy: "</table>")[0]
            #expect(rows.components(separatedBy: "<tr>").count - 1 == 501)  // header + 500
        }

        @Test func emptyRunsStillRender() {
            let metrics = BacktestMetrics(equityCurve: [], trades: [], barCount: 0, barsInMarket: 0)
            let result = BacktestResult(metadata: R.metadata(), metrics: metrics, trades: [], equityCurve: [],
                                        finalPositions: [])
            let html = BacktestReport.html(for: result)
            #expect(html.contains("No data") && html.contains("No closed trades."))
            #expect(BacktestSummary.table(for: result).contains("n/a"))
        }

        @Test func terminalSummaryIsAnAlignedTableWithoutEscapes() {
            let result = R.result(metadata: R.metadata(name: "evil\u{1b}[2J\u{1b}]0;title\u{7}\nname"))
            let table = BacktestSummary.table(for: result)
            #expect(!table.contains("\u{1b}") && !table.contains("\u{7}"))
            let lines = table.split(separator: "\n")
            #expect(lines[0].hasPrefix("Backtest: evil\u{FFFD}[2J"))
            #expect(lines[1].hasPrefix("Period:   2024-01-01 00:00:00 to "))
            let rows = lines.filter { $0.hasPrefix("|") }
            #expect(rows.count == BacktestSummary.summaryRows(result).count)
            #expect(Set(lines.filter { $0.hasPrefix("|") || $0.hasPrefix("+") }.map(\.count)).count == 1)
            #expect(table.contains("| Total return "))
            #expect(table.contains("| Trades "))
        }

        @Test func humanFormats() {
            #expect(ReportFormat.money(Money(decimalText: "-1234567.895")!) == "-1,234,567.90")
            #expect(ReportFormat.money(Money(decimalText: "1234567.885")!) == "1,234,567.88")
            #expect(ReportFormat.exactMoney(Money(decimalText: "0.00012")!) == "0.00012")
            #expect(ReportFormat.exactMoney(Money(decimalText: "1000.5")!) == "1,000.50")
            #expect(ReportFormat.percent(0.19791) == "19.79%")
            #expect(ReportFormat.percent(nil) == "n/a")
            #expect(ReportFormat.fixed(.infinity, decimals: 2) == "inf")
            #expect(ReportFormat.duration(3 * 86_400 + 4 * 3_600 + 5) == "3d 4h")
            #expect(ReportFormat.duration(59) == "59s")
            #expect(ReportFormat.dateTime(0) == "1970-01-01 00:00:00")
            #expect(ReportFormat.dateTime(951_782_400 + 3_661) == "2000-02-29 01:01:01")
            #expect(ReportFormat.dateTime(-1) == "1969-12-31 23:59:59")
            #expect(ReportFormat.date(PortfolioFixtures.newYear) == "2024-01-01")
        }
    }
}
