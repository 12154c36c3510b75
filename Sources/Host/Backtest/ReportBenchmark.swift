/// The buy-and-hold benchmark: the starting cash put into the traded symbol
/// at the first bar's close (a fractional quantity, no fees or slippage) and
/// marked to market at every later close, in the account's currency.
enum BuyAndHold {
    /// One equity point per bar at the bar's close time (open + `timeframe`):
    /// `cash × close ÷ first close`, exact to the money unit (rounded toward
    /// zero). Empty when there are no bars or the first close is not positive.
    static func curve(bars: [Bar], timeframe: Int64, cash: Money) -> [EquityPoint] {
        guard let first = bars.first, first.close.ticks > 0 else { return [] }
        let base = Int128(first.close.ticks)
        return bars.map { bar in
            let units = Int128(cash.units) * Int128(bar.close.ticks) / base
            let clamped = min(max(units, Int128(Int64.min)), Int128(Int64.max))
            return EquityPoint(time: bar.time + timeframe, equity: Money(units: Int64(clamped)))
        }
    }

    /// The benchmark's total return: last close over first close, minus one.
    static func totalReturn(bars: [Bar]) -> Double? {
        guard let first = bars.first, let last = bars.last, first.close.ticks > 0 else { return nil }
        return Double(last.close.ticks - first.close.ticks) / Double(first.close.ticks)
    }
}
