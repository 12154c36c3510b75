extension Portfolio {
    /// The commission on a fill of `notional`: the rate in hundredths of a
    /// basis point (1 = 0.0001 %) rounded up to the next 10^-8 unit (a venue
    /// never undercharges), plus a fixed fee. The same rule as the paper
    /// exchange's `CommissionModel` for an order's first fill, which is the
    /// fill an equity-fraction order is sized at.
    static func commission(on notional: Money, basisPointsHundredths: Int64, fixedFee: Money) -> Money {
        let proportional = ExactDivision.ceiling(Int128(notional.units.magnitude) * Int128(basisPointsHundredths),
                                                 1_000_000)
        return Money(units: Int64(clamping: proportional)) + fixedFee
    }

    /// The largest quantity whose notional at `price` plus its commission
    /// fits in `fraction` × equity: how the exchange sizes an
    /// `.equityFraction` order at its fill price, so an all-in buy never
    /// overdraws cash.
    ///
    /// Sizing is the same for both sides. For a buy it is the cash spent; for
    /// a sell from flat it is the notional of the short opened (with the same
    /// commission allowance); for a sell out of a long it is the notional
    /// sold — capping that at the position is the order's business
    /// (`reduceOnly`), not sizing's. `fraction` is clamped to 0...1 and
    /// rounded to billionths, the budget is rounded down to the 10^-8 unit
    /// (both as the exchange's `FixedEquitySizer` does), and equity ≤ 0
    /// sizes nothing. The instrument's
    /// minimum quantity is not applied: a result below it is for the order
    /// checks to refuse.
    public func quantity(
        forEquityFraction fraction: Double, side: Side, price: Price, instrument: Instrument,
        commissionBasisPointsHundredths: Int64, fixedFee: Money
    ) -> Quantity {
        precondition(commissionBasisPointsHundredths >= 0, "a commission rate cannot be negative")
        guard fraction.isFinite, fraction > 0, equity.units > 0 else { return .zero }
        let billionths = Int128((min(fraction, 1) * 1e9).rounded(.toNearestOrEven))
        let budget = Money(units: Int64(Int128(equity.units) * billionths / 1_000_000_000))
        return Self.largestQuantity(within: budget, price: price, instrument: instrument,
                                    commissionBasisPointsHundredths: commissionBasisPointsHundredths,
                                    fixedFee: fixedFee)
    }

    /// The largest lots `q` with notional(price, q) + commission ≤ `budget`
    /// (the fixed fee included).
    public static func largestQuantity(
        within budget: Money, price: Price, instrument: Instrument,
        commissionBasisPointsHundredths rate: Int64, fixedFee: Money
    ) -> Quantity {
        let available = budget - fixedFee
        guard price.ticks > 0, available.units > 0 else { return .zero }
        func fits(_ lots: Int64) -> Bool {
            let notional = instrument.notional(price, Quantity(lots: lots))
            let cost = notional + commission(on: notional, basisPointsHundredths: rate, fixedFee: fixedFee)
            return cost <= budget
        }
        // Never more than the commission-free quantity at the exact price
        // (rounded down), even where half-even rounding of the notional would
        // let one more lot squeeze in: the exchange's sizer draws the same line.
        let ceiling = instrument.quantity(affordableWith: available, at: price).lots
        // First guess: that quantity shrunk by the rate; right or one off in
        // nearly every case.
        let guess = Int64(Int128(ceiling) * 1_000_000 / (1_000_000 + Int128(rate)))
        if fits(guess) && (guess == ceiling || !fits(guess + 1)) { return Quantity(lots: guess) }
        // Otherwise bisect: fits is monotone in q (notional and commission both are).
        var low: Int64 = 0  // fits (0 lots cost the fixed fee, which is within budget)
        var high = ceiling < Int64.max ? ceiling + 1 : ceiling  // beyond the ceiling or too dear
        if fits(guess) { low = guess } else { high = guess }
        while high - low > 1 {
            let middle = low + (high - low) / 2
            if fits(middle) { low = middle } else { high = middle }
        }
        return Quantity(lots: low)
    }
}
