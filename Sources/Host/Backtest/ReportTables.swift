/// The report's tables: worst drawdowns, monthly returns, trades, open
/// positions and the run's metadata. Money is rounded to cents here (the
/// JSON keeps it exact); prices and quantities stay on the instrument's grid.
extension BacktestReport {
    static let monthNames = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    static func drawdownTable(_ series: ReportSeries) -> String {
        guard !series.drawdowns.isEmpty else { return "<p>Equity never fell below a previous peak.</p>\n" }
        let rows = series.drawdowns.enumerated().map { number, period in
            [String(number + 1), ReportFormat.percent(period.depth), ReportFormat.dateTime(period.peakTime),
             ReportFormat.dateTime(period.troughTime), period.recoveryTime.map(ReportFormat.dateTime) ?? "not recovered",
             String(period.bars), ReportFormat.duration(period.duration)]
        }
        return table(header: ["#", "Depth", "Peak (UTC)", "Trough (UTC)", "Recovery (UTC)", "Length (bars)", "Duration"],
                     rows: rows, numericColumns: [0, 1, 5, 6], className: "drawdowns")
            + "<p class=\"note\">The \(ReportSeries.drawdownCount) deepest falls below a previous peak. Length counts"
            + " bars from the peak to the recovery (or to the last bar); duration is the same span in time.</p>\n"
    }

    static func monthlyTable(_ series: ReportSeries) -> String {
        let years = series.monthlyReturns.years
        guard !years.isEmpty else { return "<p>No equity points.</p>\n" }
        let bounds = ReportDownsample.headAndTail(count: years.count, limit: yearLimit)
        let rows = (years[bounds.head] + years[bounds.tail]).map { year in
            [String(year.year)] + year.months.map { month in month.map { ReportFormat.percent($0) } ?? "" }
                + [year.total.map { ReportFormat.percent($0) } ?? ""]
        }
        var out = ""
        if bounds.omitted > 0 {
            out += "<p class=\"note\">First \(bounds.head.count) and last \(bounds.tail.count) of \(years.count) years"
                + " (\(bounds.omitted) left out).</p>\n"
        }
        out += table(header: ["Year"] + monthNames + ["Year"], rows: rows, numericColumns: Set(0...13),
                     className: "monthly", signedColumns: Set(1...13))
        return out + "<p class=\"note\">Each month's last equity (UTC) over the previous month's last;"
            + " the year column compounds its months.</p>\n"
    }

    static func trades(_ result: BacktestResult) -> String {
        guard !result.trades.isEmpty else { return "<p>No closed trades.</p>\n" }
        let bounds = ReportDownsample.headAndTail(count: result.trades.count, limit: tradeLimit)
        var out = ""
        if bounds.omitted > 0 {
            out += "<p class=\"note\">First \(bounds.head.count) and last \(bounds.tail.count) of \(result.trades.count)"
                + " trades (\(bounds.omitted) left out); the JSON result lists them all.</p>\n"
        }
        let rows = (Array(bounds.head) + Array(bounds.tail)).map { number in
            let trade = result.trades[number]
            return [String(number + 1), trade.symbol, trade.side, trade.quantity,
                    ReportFormat.dateTime(trade.entryTime), trade.entryPrice,
                    ReportFormat.dateTime(trade.exitTime), trade.exitPrice,
                    ReportFormat.money(trade.pnl), ReportFormat.money(trade.fees), ReportFormat.money(trade.netPnL)]
        }
        out += table(header: ["#", "Symbol", "Side", "Quantity", "Entry (UTC)", "Entry price", "Exit (UTC)",
                              "Exit price", "P&L", "Fees", "Net P&L"],
                     rows: rows, numericColumns: [0, 3, 5, 7, 8, 9, 10], className: "trades", signedColumns: [10])
        return out
    }

    static func positions(_ result: BacktestResult) -> String {
        let rows = result.finalPositions.map { position in
            [position.symbol, position.quantity, position.averagePrice ?? "n/a", position.mark ?? "n/a",
             ReportFormat.money(position.marketValue), ReportFormat.money(position.unrealizedPnL)]
        }
        return table(header: ["Symbol", "Quantity", "Average price", "Mark", "Market value", "Unrealized P&L"],
                     rows: rows, numericColumns: [1, 2, 3, 4, 5], className: "positions", signedColumns: [5])
    }

    static func metadata(_ result: BacktestResult) -> String {
        let metadata = result.metadata
        var rows: [[String]] = [
            ["Strategy", metadata.strategyName],
            ["Script SHA-256", metadata.scriptHash],
            ["Data SHA-256", metadata.dataHash],
            ["Symbols", metadata.symbols.joined(separator: ", ")],
            ["Initial cash", ReportFormat.money(metadata.initialCash)],
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
}
