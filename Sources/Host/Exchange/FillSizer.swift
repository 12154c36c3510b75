/// Resolves an equity-fraction order's quantity at the moment it fills.
///
/// The exchange does not know equity; the portfolio does. At an order's first
/// fill opportunity the exchange asks the sizer for the quantity at the actual
/// fill price (after slippage), so an all-in order placed on one bar and
/// filled at the next open is sized with that open, commission included.
public protocol FillSizer {
    /// The quantity (lots, rounded down) that spends `fraction` of equity at
    /// `price` including commission. Return zero when nothing is affordable:
    /// the exchange then rejects the order (`insufficientEquity`).
    func quantity(forEquityFraction fraction: Double, side: Side, price: Price,
                  instrument: Instrument, order: Order) -> Quantity

    /// Told of every fill of the event being matched, in order, so a sizer
    /// that tracks the account can size a later order of the same event with
    /// the cash and position the earlier fills left (a reversal: close, then
    /// an all-in entry). The default does nothing.
    func didFill(_ fill: Fill)
}

extension FillSizer {
    public func didFill(_ fill: Fill) {}
}

/// A sizer against a fixed equity amount: `fraction` of `equity` (exact to
/// 10^-9 of the fraction) is the budget for notional plus commission, the
/// fixed fee included because a sized order is always on its first fill.
/// Useful for tests and for callers whose equity does not move between
/// submission and fill; the portfolio supplies one with live equity.
public struct FixedEquitySizer: FillSizer, Sendable {
    /// The equity the fraction is taken of.
    public var equity: Money
    /// The commission the budget must also cover.
    public var commission: CommissionModel

    /// A sizer for `equity` under `commission`.
    public init(equity: Money, commission: CommissionModel = .free) {
        self.equity = equity
        self.commission = commission
    }

    /// See `FillSizer`. Buys and sells are sized alike (a short of a fraction
    /// of equity).
    public func quantity(forEquityFraction fraction: Double, side: Side, price: Price,
                         instrument: Instrument, order: Order) -> Quantity {
        guard fraction.isFinite, fraction > 0, equity.units > 0 else { return .zero }
        let budget = Money(units: FixedPoint.scale(equity.units, byBillionths: FixedPoint.billionths(fraction)))
        return commission.maximumQuantity(budget: budget, price: price, instrument: instrument,
                                          includesFixedFee: true)
    }
}
