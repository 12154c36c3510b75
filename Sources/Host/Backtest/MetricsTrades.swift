/// Win/loss statistics of closed trades, on net P&L (after fees): a trade
/// that made 10 and paid 12 in fees lost.
struct MetricsTrades {
    var wins = 0
    var losses = 0
    var grossProfit = Money.zero
    var grossLoss = Money.zero
    var fees = Money.zero

    init(_ trades: [ClosedTrade]) {
        for trade in trades {
            let net = trade.netPnL
            fees += trade.fees
            if net.units > 0 {
                wins += 1
                grossProfit += net
            } else if net.units < 0 {
                losses += 1
                grossLoss -= net
            }
        }
    }

    /// Mean net win, half to even at 10^-8; nil without wins.
    var averageWin: Money? {
        wins == 0 ? nil : Money(units: ExactDivision.share(of: grossProfit.units, part: 1, whole: Int64(wins)))
    }

    /// Mean net loss (negative), half to even at 10^-8; nil without losses.
    var averageLoss: Money? {
        losses == 0 ? nil : Money(units: -ExactDivision.share(of: grossLoss.units, part: 1, whole: Int64(losses)))
    }
}
