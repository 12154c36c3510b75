/// The headline numbers of a run as a plain-text table for the terminal.
public enum BacktestSummary {
    /// An ASCII table of the summary metrics, preceded by the strategy name
    /// and the run's span. Untrusted text (the strategy name) is stripped of
    /// control characters, so it cannot inject terminal escape sequences.
    public static func table(for result: BacktestResult) -> String {
        let rows = summaryRows(result)
        let labelWidth = rows.map { $0.label.count }.max() ?? 0
        let valueWidth = rows.map { $0.value.count }.max() ?? 0
        let rule = "+" + String(repeating: "-", count: labelWidth + 2) + "+" + String(repeating: "-", count: valueWidth + 2) + "+"
        var lines: [String] = []
        lines.append("Backtest: " + ReportFormat.terminal(result.metadata.strategyName))
        if let first = result.equityCurve.first, let last = result.equityCurve.last {
            lines.append("Period:   " + ReportFormat.dateTime(first.time) + " to " + ReportFormat.dateTime(last.time) + " UTC")
        }
        lines.append(rule)
        for row in rows {
            let label = row.label + String(repeating: " ", count: labelWidth - row.label.count)
            let value = String(repeating: " ", count: valueWidth - row.value.count) + row.value
            lines.append("| " + label + " | " + value + " |")
        }
        lines.append(rule)
        return lines.joined(separator: "\n") + "\n"
    }

    /// The rows both the terminal table and the HTML summary show, in order.
    static func summaryRows(_ result: BacktestResult) -> [(label: String, value: String)] {
        let metrics = result.metrics
        var drawdownDuration = ReportFormat.duration(metrics.maxDrawdownDuration)
        if !metrics.maxDrawdownRecovered { drawdownDuration += " (not recovered)" }
        return [
            ("Start equity", ReportFormat.money(metrics.startEquity)),
            ("End equity", ReportFormat.money(metrics.endEquity)),
            ("Net profit", ReportFormat.money(metrics.netProfit)),
            ("Total return", ReportFormat.percent(metrics.totalReturn)),
            ("Annualized return", ReportFormat.percent(metrics.annualizedReturn)),
            ("Volatility (annualized)", ReportFormat.percent(metrics.volatility)),
            ("Sharpe ratio", ReportFormat.fixed(metrics.sharpe, decimals: 2)),
            ("Sortino ratio", ReportFormat.fixed(metrics.sortino, decimals: 2)),
            ("Max drawdown", ReportFormat.percent(metrics.maxDrawdown)),
            ("Max drawdown duration", drawdownDuration),
            ("Longest drawdown", ReportFormat.duration(metrics.longestDrawdownDuration)),
            ("Trades", String(metrics.tradeCount)),
            ("Win rate", ReportFormat.percent(metrics.winRate)),
            ("Profit factor", ReportFormat.fixed(metrics.profitFactor, decimals: 2)),
            ("Average win", metrics.averageWin.map(ReportFormat.money) ?? "n/a"),
            ("Average loss", metrics.averageLoss.map(ReportFormat.money) ?? "n/a"),
            ("Fees (closed trades)", ReportFormat.money(metrics.tradeFees)),
            ("Exposure", ReportFormat.percent(metrics.exposure)),
            ("Bars", String(metrics.barCount)),
        ]
    }
}
