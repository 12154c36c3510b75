/// The backtest report as one self-contained HTML file: inline CSS, inline
/// SVG charts, no scripts, fonts or other external resources, so it opens
/// offline and can be archived next to the JSON.
///
/// Every string that came from the strategy or its configuration (name,
/// parameters, symbols, model descriptions) is HTML-escaped.
public enum BacktestReport {
    /// How many trades the report lists (the JSON has them all).
    public static let tradeLimit = 500

    public static func html(for result: BacktestResult) -> String {
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
        out += section("Summary", table(rows: BacktestSummary.summaryRows(result).map { [$0.label, $0.value] },
                                        numericColumns: [1], className: "summary"))
        out += section("Equity", equityChart(result))
        out += section("Drawdown", drawdownChart(result))
        out += section("Trades", trades(result))
        if !result.finalPositions.isEmpty { out += section("Open positions at the end", positions(result)) }
        out += section("Run", metadata(result))
        out += "</body>\n</html>\n"
        return out
    }

    // MARK: - Sections

    private static func equityChart(_ result: BacktestResult) -> String {
        var note = ""
        if result.equityCurvePointCount > result.equityCurve.count {
            note = "<p class=\"note\">\(result.equityCurve.count) of \(result.equityCurvePointCount) points shown"
                + " (lowest and highest of each stretch kept).</p>\n"
        }
        let chart = ReportChart(label: "Equity", times: result.equityCurve.map(\.time),
                                values: result.equityCurve.map(\.equity.doubleValue),
                                formatValue: { ReportFormat.money(Money(approximately: $0)) }, color: "#1f6feb")
        return chart.svg() + "\n" + note
    }

    private static func drawdownChart(_ result: BacktestResult) -> String {
        let depths = DrawdownAnalysis.series(result.equityCurve).map { -$0 }
        let chart = ReportChart(label: "Drawdown", times: result.equityCurve.map(\.time), values: depths,
                                formatValue: { ReportFormat.percent($0) }, color: "#cf222e", fillsToZero: true)
        return chart.svg() + "\n"
    }

    private static func trades(_ result: BacktestResult) -> String {
        guard !result.trades.isEmpty else { return "<p>No closed trades.</p>\n" }
        var out = ""
        if result.trades.count > tradeLimit {
            out += "<p class=\"note\">First \(tradeLimit) of \(result.trades.count) trades; the JSON result lists them all.</p>\n"
        }
        let rows = result.trades.prefix(tradeLimit).enumerated().map { number, trade in
            [String(number + 1), trade.symbol, trade.side, trade.quantity,
             ReportFormat.dateTime(trade.entryTime), trade.entryPrice,
             ReportFormat.dateTime(trade.exitTime), trade.exitPrice,
             ReportFormat.exactMoney(trade.pnl), ReportFormat.exactMoney(trade.fees), ReportFormat.exactMoney(trade.netPnL)]
        }
        out += table(header: ["#", "Symbol", "Side", "Quantity", "Entry (UTC)", "Entry price", "Exit (UTC)",
                              "Exit price", "P&L", "Fees", "Net P&L"],
                     rows: rows, numericColumns: [0, 3, 5, 7, 8, 9, 10], className: "trades",
                     signedColumn: 10)
        return out
    }

    private static func positions(_ result: BacktestResult) -> String {
        let rows = result.finalPositions.map { position in
            [position.symbol, position.quantity, position.averagePrice ?? "n/a", position.mark ?? "n/a",
             ReportFormat.exactMoney(position.marketValue), ReportFormat.exactMoney(position.unrealizedPnL)]
        }
        return table(header: ["Symbol", "Quantity", "Average price", "Mark", "Market value", "Unrealized P&L"],
                     rows: rows, numericColumns: [1, 2, 3, 4, 5], className: "positions", signedColumn: 5)
    }

    private static func metadata(_ result: BacktestResult) -> String {
        let metadata = result.metadata
        var rows: [[String]] = [
            ["Strategy", metadata.strategyName],
            ["Script SHA-256", metadata.scriptHash],
            ["Data SHA-256", metadata.dataHash],
            ["Symbols", metadata.symbols.joined(separator: ", ")],
            ["Initial cash", metadata.initialCash.description],
            ["Commission", metadata.commission],
            ["Slippage", metadata.slippage],
            ["Seed", String(metadata.seed)],
            ["Engine version", metadata.engineVersion],
            ["Equity points", String(result.equityCurvePointCount)],
        ]
        for key in metadata.parameters.keys.sorted() {
            rows.append(["Parameter " + key, metadata.parameters[key] ?? ""])
        }
        return table(rows: rows, numericColumns: [], className: "metadata")
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

    private static func section(_ title: String, _ body: String) -> String {
        "<section>\n<h2>\(ReportFormat.html(title))</h2>\n" + body + "</section>\n"
    }

    /// A table; every cell is escaped here, so callers pass raw text.
    private static func table(header: [String]? = nil, rows: [[String]], numericColumns: Set<Int>,
                              className: String, signedColumn: Int? = nil) -> String {
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
                if column == signedColumn { classes.append(cell.hasPrefix("-") ? "loss" : "gain") }
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

    """
}
