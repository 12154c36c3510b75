/// Sizes a deployment's equity-fraction orders at their fill from its live
/// account (docs/fills.md, "Sizing at the fill").
///
/// Equity at a fill is the account's cash plus every position at its mark,
/// except the filled symbol's position, which is valued at the fill price;
/// fills earlier in the same event are included (`didFill`), so `ctx.close()`
/// followed by `ctx.buy{equity = 1}` sizes the buy with the cash the close
/// left. The budget, `fraction × equity`, pays notional plus commission; a
/// cash account also never spends more than its cash, and never sells more
/// than it holds.
///
/// A class so the exchange, which takes its sizer by value, can report fills
/// into it. Owned by one kernel and used on its thread only; `begin` resets it
/// for each market event.
final class AccountFillSizer: FillSizer {
    let commission: CommissionModel
    /// Whether the account is a cash account (set when the limits change).
    var isCashAccount = false
    /// The account before the event's fills.
    private var cash = Money.zero
    private var equity = Money.zero
    /// The event symbol's position and its value at the mark, before the event's fills.
    private var position = Quantity.zero
    private var positionValue = Money.zero
    /// What the event's fills changed so far.
    private var cashChange: Int128 = 0
    private var positionChange: Int128 = 0

    init(commission: CommissionModel) {
        self.commission = commission
    }

    /// Starts an event on one symbol: the account as it stands before matching.
    @inline(__always)
    func begin(cash: Money, equity: Money, position: Quantity, positionValue: Money) {
        self.cash = cash
        self.equity = equity
        self.position = position
        self.positionValue = positionValue
        cashChange = 0
        positionChange = 0
    }

    func didFill(_ fill: Fill) {
        let sign = Int128(fill.side.sign)
        cashChange -= sign * Int128(fill.notional.units) + Int128(fill.fee.units)
        positionChange += sign * Int128(fill.quantity.lots)
    }

    func quantity(forEquityFraction fraction: Double, side: Side, price: Price,
                  instrument: Instrument, order: Order) -> Quantity {
        guard fraction.isFinite, fraction > 0 else { return .zero }
        let lots = Int128(position.lots) + positionChange
        let valueAtFill = FixedPoint.rescale(lots * Int128(price.ticks),
                                             from: instrument.priceDecimals + instrument.quantityDecimals,
                                             to: Money.decimals)
        let equityNow = Int128(equity.units) - Int128(positionValue.units) + valueAtFill + cashChange
        guard equityNow > 0 else { return .zero }
        var budget = Int128(FixedPoint.scale(Int64(clamping: equityNow), byBillionths: FixedPoint.billionths(fraction)))
        if isCashAccount, side == .buy { budget = min(budget, Int128(cash.units) + cashChange) }
        budget = min(budget, Int128(instrument.maximumNotional.units))
        guard budget > 0 else { return .zero }
        var quantity = commission.maximumQuantity(budget: Money(units: Int64(budget)), price: price,
                                                  instrument: instrument, includesFixedFee: true)
        if isCashAccount, side == .sell { quantity = Quantity(lots: Int64(clamping: min(Int128(quantity.lots), max(lots, 0)))) }
        return quantity
    }
}
