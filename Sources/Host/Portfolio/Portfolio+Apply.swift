extension Portfolio {
    /// Books a fill and returns the P&L it realized (before fees).
    ///
    /// The fill's symbol must be registered: the exchange only fills
    /// instruments the portfolio was built with, so an unknown one is a bug.
    @discardableResult
    public mutating func apply(_ fill: Fill) -> Money {
        guard let index = indexBySymbol[fill.symbol] else {
            preconditionFailure("fill for unregistered instrument \(fill.symbol)")
        }
        return apply(fill, at: index)
    }

    /// Whether booking `fill` at `index` stays inside the numeric model's
    /// safe range: every amount it touches, and the fill itself, below
    /// 2^60 in magnitude (about 1.15 × 10^10 quote units, 1.15 × 10^18 lots),
    /// so no sum `apply` forms can overflow Int64. A fill that fails this is
    /// not booked: the kernel faults the deployment instead of trapping the
    /// process (docs/numeric-model.md, "Ranges").
    public func canApply(_ fill: Fill, at index: Int) -> Bool {
        @inline(__always) func safe(_ value: Int64) -> Bool { value.magnitude < 1 << 60 }
        let slot = slots[index]
        // A chain of comparisons, not an array: this runs on every fill.
        return safe(fill.quantity.lots) && safe(fill.notional.units) && safe(fill.fee.units) && safe(cash.units)
            && safe(fees.units) && safe(dayFees.units) && safe(realizedPnL.units) && safe(dayRealizedPnL.units)
            && safe(costBasisTotal.units) && safe(markValueTotal.units) && safe(grossExposureTotal.units)
            && safe(slot.position.quantity.lots) && safe(slot.position.costBasis.units)
            && safe(slot.position.realizedPnL.units) && safe(slot.position.fees.units) && safe(slot.trade.entryLots)
            && safe(slot.trade.entryNotional.units) && safe(slot.trade.exitLots) && safe(slot.trade.exitNotional.units)
            && safe(slot.trade.pnl.units) && safe(slot.trade.fees.units) && safe(slot.markValue.units)
    }

    /// Books a fill for the instrument at `index` (see `index(of:)`).
    ///
    /// - Adding (from flat or in the position's direction): the fill's
    ///   notional joins the cost basis.
    /// - Reducing: the closed lots take their proportional share of the cost
    ///   basis (half to even) and realize proceeds − share; the remainder
    ///   stays, so closing the last lot takes exactly what is left.
    /// - Flipping: the fill's notional and fee are split by lots (half to
    ///   even, remainder to the new side); the closing part realizes as
    ///   above and the rest opens at the fill price.
    @discardableResult
    public mutating func apply(_ fill: Fill, at index: Int) -> Money {
        precondition(fill.quantity.lots > 0, "a fill has a positive quantity")
        precondition(slots[index].position.symbol == fill.symbol, "fill symbol does not match the index")
        let sign = fill.side.sign
        let fillLots = fill.quantity.lots
        let notional = fill.notional.units
        let fee = fill.fee.units

        cash.units -= sign * notional + fee
        fees.units += fee
        let fillDay = DailyPnL.utcDay(of: fill.time)
        if fillDay != day {
            day = fillDay
            dayRealizedPnL = .zero
            dayFees = .zero
        }
        dayFees.units += fee

        if !slots[index].hasMark {
            slots[index].mark = fill.price
            slots[index].hasMark = true
        }
        let heldBefore = slots[index].position.quantity.lots
        let costBefore = slots[index].position.costBasis.units
        slots[index].position.fees.units += fee

        var realized: Int64 = 0
        if heldBefore == 0 || (heldBefore > 0) == (sign > 0) {
            if heldBefore == 0 {
                slots[index].trade = OpenTrade(side: fill.side, entryTime: fill.time)
            }
            slots[index].position.quantity.lots = heldBefore + sign * fillLots
            slots[index].position.costBasis.units = costBefore + sign * notional
            slots[index].trade.entryLots += fillLots
            slots[index].trade.entryNotional.units += notional
            slots[index].trade.fees.units += fee
        } else {
            let held = abs(heldBefore)
            let closing = min(held, fillLots)
            let opening = fillLots - closing
            let closingNotional = ExactDivision.share(of: notional, part: closing, whole: fillLots)
            let closingFee = ExactDivision.share(of: fee, part: closing, whole: fillLots)
            let removedCost = ExactDivision.share(of: costBefore, part: closing, whole: held)
            // Selling out of a long: +proceeds − cost; buying back a short:
            // −cost − (negative) basis. One formula for both.
            realized = -sign * closingNotional - removedCost

            slots[index].position.quantity.lots = heldBefore + sign * closing
            slots[index].position.costBasis.units = costBefore - removedCost
            slots[index].position.realizedPnL.units += realized
            slots[index].trade.exitLots += closing
            slots[index].trade.exitNotional.units += closingNotional
            slots[index].trade.pnl.units += realized
            slots[index].trade.fees.units += closingFee

            if closing == held {
                if recordsTrades {
                    let slot = slots[index]
                    closedTrades.append(slot.trade.closed(symbol: slot.position.symbol, exitTime: fill.time,
                                                          instrument: slot.instrument))
                }
                if opening > 0 {
                    slots[index].position.quantity.lots = sign * opening
                    slots[index].position.costBasis.units = sign * (notional - closingNotional)
                    slots[index].trade = OpenTrade(
                        side: fill.side, entryTime: fill.time, entryLots: opening,
                        entryNotional: Money(units: notional - closingNotional), fees: Money(units: fee - closingFee))
                }
            }
        }

        let heldAfter = slots[index].position.quantity.lots
        costBasisTotal.units += slots[index].position.costBasis.units - costBefore
        openPositionCount += (heldAfter != 0 ? 1 : 0) - (heldBefore != 0 ? 1 : 0)
        realizedPnL.units += realized
        dayRealizedPnL.units += realized
        revalue(at: index)
        return Money(units: realized)
    }
}
