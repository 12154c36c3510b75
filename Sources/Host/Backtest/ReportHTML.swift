/// The backtest report as one self-contained HTML file: inline CSS, inline
/// SVG charts, no scripts, fonts or other external resources, so it opens
/// offline and can be archived next to the JSON.
///
/// Its size is bounded whatever the run's length: every chart series has at
/// most `ReportSeries.maxChartPoints` points, the trades table at most
/// `tradeLimit` rows, the price chart markers for at most `markerTradeLimit`
/// trades, the monthly table at most `yearLimit` rows (a million bars give
/// well under 2 MB). Money is shown rounded to cents; the JSON keeps it exact.
///
/// Every string that came from the strategy or its configuration (name,
/// parameters, symbols, model descriptions) is HTML-escaped.
public enum BacktestReport {
    /// How many trades the report lists: the first half and the last half
    /// of this many (the JSON has them all).
    public static let tradeLimit = 500
    /// How many trades get entry and exit markers on the price chart (the
    /// first half and the last half of this many).
    public static let markerTradeLimit = 200
    /// How many years the monthly returns table lists (first and last halves).
    public static let yearLimit = 100

    /// The report of `result`. Pass the run's `series` (`BacktestOutcome.report`)
    /// for the price chart, the buy-and-hold benchmark, and monthly returns
    /// and drawdowns from every equity point; without it they come from the
    /// curve the result kept and there is no price chart or benchmark.
    public static func html(for result: BacktestResult, series: ReportSeries? = nil) -> String {
        let series = series ?? ReportSeries(equityCurve: result.equityCurve, startingCash: result.metadata.initialCash)
        let name = ReportFormat.html(result.metadata.strategyName)
        var out = """
        <!DOCTYPE html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>Backtest: \(name)</title>
        <style>\(stylesheet)</style>
        </head>
        <body>
        <h1>Backtest: \(name)</h1>

        """
        if let first = result.equityCurve.first, let last = result.equityCurve.last {
            out += "<p class=\"period\">" + ReportFormat.dateTime(first.time) + " to " + ReportFormat.dateTime(last.time)
                + " UTC</p>\n"
        }
        if let fault = result.error { out += section("Stopped by a fault: partial result", faultBlock(fault)) }
        var summary = BacktestSummary.summaryRows(result).map { [$0.label, $0.value] }
        if let benchmarkReturn = series.benchmarkReturn {
            summary.append(["Buy and hold return", ReportFormat.percent(benchmarkReturn)])
        }
        out += section("Summary", table(rows: summary, numericColumns: [1], className: "summary"))
        out += section("Equity", equityChart(result, series))
        if let symbol = series.symbol { out += section("Price: " + symbol, priceChart(result, series)) }
        out += section("Drawdown", drawdownChart(series))
        out += section("Worst drawdowns", drawdownTable(series) + derivedNote(result, series))
        out += section("Monthly returns", monthlyTable(series) + derivedNote(result, series))
        out += section("Trades", trades(result))
        if !result.finalPositions.isEmpty { out += section("Open positions at the end", positions(result)) }
        out += section("Run", metadata(result))
        out += "</body>\n</html>\n"
        return out
    }

    // MARK: - Charts

    private static func equityChart(_ result: BacktestResult, _ series: ReportSeries) -> String {
        var lines = [ReportChart.Series(label: "Strategy equity", points: series.equity, color: "#1f6feb")]
        if let symbol = series.symbol, !series.benchmark.isEmpty {
            lines.append(ReportChart.Series(label: "Buy and hold " + symbol, points: series.benchmark,
                                            color: "#8c959f", dashed: true))
        }
        let chart = ReportChart(label: "Equity", series: lines,
                                formatValue: { ReportFormat.money(Money(approximately: $0)) })
        // Built from a result alone, the series starts from the kept curve: count the full one.
        let total = max(series.equityPointCount, result.equityCurvePointCount)
        return chart.svg() + "\n" + pointsNote(shown: series.equity.count, of: total)
    }

    private static func priceChart(_ result: BacktestResult, _ series: ReportSeries) -> String {
        let symbol = series.symbol ?? ""
        let trades = result.trades.enumerated().filter { $0.element.symbol == symbol }
        let bounds = ReportDownsample.headAndTail(count: trades.count, limit: markerTradeLimit)
        var markers: [ReportChart.Marker] = []
        for (number, trade) in trades[bounds.head] + trades[bounds.tail] {
            let long = trade.side == "long"
            for (isEntry, time, price) in [(true, trade.entryTime, trade.entryPrice), (false, trade.exitTime, trade.exitPrice)] {
                guard let value = Double(price) else { continue }
                let isBuy = isEntry == long
                markers.append(ReportChart.Marker(
                    time: time, value: value, isBuy: isBuy,
                    title: (isBuy ? "Buy " : "Sell ") + ReportFormat.dateTime(time) + " at " + price
                        + " (trade \(number + 1))"))
            }
        }
        let decimals = series.priceDecimals
        let chart = ReportChart(label: "Price", series: [ReportChart.Series(label: symbol, points: series.price,
                                                                             color: "#24292f")],
                                markers: markers, formatValue: { ReportFormat.fixed($0, decimals: decimals) })
        var out = chart.svg() + "\n<p class=\"note\">Close of each bar; ▲ buy, ▼ sell at the fill price.</p>\n"
        out += pointsNote(shown: series.price.count, of: series.priceBarCount)
        if bounds.omitted > 0 {
            out += "<p class=\"note\">Markers for the first \(bounds.head.count) and last \(bounds.tail.count)"
                + " of \(trades.count) trades.</p>\n"
        }
        return out
    }

    private static func drawdownChart(_ series: ReportSeries) -> String {
        let chart = ReportChart(label: "Drawdown", points: series.drawdown, formatValue: { ReportFormat.percent($0) },
                                color: "#cf222e", fillsToZero: true)
        return chart.svg() + "\n"
    }

    private static func pointsNote(shown: Int, of total: Int) -> String {
        guard total > shown else { return "" }
        return "<p class=\"note\">\(shown) of \(total) points shown (lowest and highest of each stretch kept).</p>\n"
    }

    /// Says so when tables were computed from a downsampled curve.
    private static func derivedNote(_ result: BacktestResult, _ series: ReportSeries) -> String {
        guard result.equityCurvePointCount > series.equityPointCount else { return "" }
        return "<p class=\"note\">From the \(series.equityPointCount) equity points the result kept of"
            + " \(result.equityCurvePointCount).</p>\n"
    }

    // MARK: - Building blocks

    /// What stopped a faulted run, escaped: the summary, the event time and
    /// Lua's traceback.
    private static func faultBlock(_ fault: StrategyFault) -> String {
        var out = "<p class=\"fault\">" + ReportFormat.html(fault.summary) + " at " + ReportFormat.dateTime(fault.time)
            + " UTC. Everything below covers the bars before it.</p>\n"
        if let traceback = fault.traceback { out += "<pre>" + ReportFormat.html(traceback) + "</pre>\n" }
        return out
    }

    static func section(_ title: String, _ body: String) -> String {
        "<section>\n<h2>\(ReportFormat.html(title))</h2>\n" + body + "</section>\n"
    }

    /// A table; every cell is escaped here, so callers pass raw text.
    static func table(header: [String]? = nil, rows: [[String]], numericColumns: Set<Int>,
                      className: String, signedColumns: Set<Int> = []) -> String {
        var out = "<table class=\"\(className)\">\n"
        if let header {
            out += "<thead><tr>"
            for (column, title) in header.enumerated() {
                out += numericColumns.contains(column) ? "<th class=\"num\">" : "<th>"
                out += ReportFormat.html(title) + "</th>"
            }
            out += "</tr></thead>\n"
        }
        out += "<tbody>\n"
        for row in rows {
            out += "<tr>"
            for (column, cell) in row.enumerated() {
                var classes: [String] = []
                if numericColumns.contains(column) { classes.append("num") }
                if signedColumns.contains(column), !cell.isEmpty, cell != "n/a" {
                    classes.append(cell.hasPrefix("-") ? "loss" : "gain")
                }
                out += classes.isEmpty ? "<td>" : "<td class=\"\(classes.joined(separator: " "))\">"
                out += ReportFormat.html(cell) + "</td>"
            }
            out += "</tr>\n"
        }
        return out + "</tbody>\n</table>\n"
    }

    private static let stylesheet = """

    body { font: 14px/1.45 -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; color: #1f2328; \
    margin: 24px auto; max-width: 960px; padding: 0 16px; }
    h1 { font-size: 22px; margin-bottom: 4px; word-break: break-word; }
    h2 { font-size: 17px; margin: 28px 0 8px; border-bottom: 1px solid #d0d7de; padding-bottom: 4px; }
    .period, .note { color: #59636e; margin: 4px 0; }
    table { border-collapse: collapse; font-variant-numeric: tabular-nums; }
    th, td { padding: 3px 10px; border-bottom: 1px solid #eaeef2; text-align: left; vertical-align: top; }
    th { background: #f6f8fa; font-weight: 600; }
    td.num, th.num { text-align: right; white-space: nowrap; }
    table.metadata td { word-break: break-all; }
    table.metadata td:first-child { white-space: nowrap; color: #59636e; }
    table.trades { font-size: 12px; }
    .gain { color: #1a7f37; } .loss { color: #cf222e; }
    svg.chart { display: block; max-width: 100%; height: auto; }
    svg .grid { stroke: #eaeef2; stroke-width: 1; }
    svg .axis-line { stroke: #8c959f; stroke-width: 1; }
    svg .axis { fill: #59636e; font-size: 11px; font-family: inherit; }
    svg .legend { fill: #1f2328; font-size: 12px; font-family: inherit; }
    svg .buy { fill: #1a7f37; } svg .sell { fill: #cf222e; }
    table.monthly, table.drawdowns { font-size: 12px; }

    """
}
