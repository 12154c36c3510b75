/// What the paper exchange charges per fill: a proportional rate on the
/// fill's notional plus a fixed fee charged once per order, on its first fill.
///
/// Rates are integers in hundredths of a basis point (10 bps = 1000), so fees
/// are computed exactly: `ceil(notional × rate / 1_000_000)` in 10^-8 units.
public struct CommissionModel: Sendable, Hashable, Codable {
    /// The proportional rate in hundredths of a basis point (1/1,000,000 of
    /// the notional); 10 bps = 1000.
    public var hundredthsOfBasisPoint: Int64
    /// Charged once per order, added to the fee of its first fill.
    public var fixedPerOrder: Money

    /// A commission of `hundredthsOfBasisPoint` (≥ 0) plus `fixedPerOrder` (≥ 0).
    public init(hundredthsOfBasisPoint: Int64 = 0, fixedPerOrder: Money = .zero) {
        precondition(hundredthsOfBasisPoint >= 0, "a commission rate cannot be negative")
        precondition(fixedPerOrder.units >= 0, "a fixed commission cannot be negative")
        self.hundredthsOfBasisPoint = hundredthsOfBasisPoint
        self.fixedPerOrder = fixedPerOrder
    }

    /// No commission at all.
    public static let free = CommissionModel()

    /// The fee for one fill of `notional`: the proportional part rounded up
    /// to 10^-8 (the exchange never undercharges), plus the fixed fee when
    /// this is the order's first fill.
    @inline(__always)
    public func fee(notional: Money, firstFill: Bool) -> Money {
        var units = FixedPoint.millionthsRoundedUp(of: notional.units, rate: hundredthsOfBasisPoint)
        if firstFill { units += fixedPerOrder.units }
        return Money(units: units)
    }

    /// The largest quantity whose notional at `price` plus this model's fee
    /// (including the fixed fee when `includesFixedFee`) fits in `budget`.
    ///
    /// This is the sizing rule for equity-fraction orders: an all-in order
    /// spends at most its budget, commission included. Exact (binary search
    /// over the lot grid using the same rounding as a real fill).
    public func maximumQuantity(budget: Money, price: Price, instrument: Instrument,
                                includesFixedFee: Bool) -> Quantity {
        let spendable = budget.units - (includesFixedFee ? fixedPerOrder.units : 0)
        guard spendable > 0, price.ticks > 0 else { return .zero }
        // Without commission this many lots would fit; with it, never more.
        var high = instrument.quantity(affordableWith: Money(units: spendable), at: price).lots
        var low: Int64 = 0
        func cost(_ lots: Int64) -> Int64 {
            let notional = instrument.notional(price, Quantity(lots: lots)).units
            return notional + FixedPoint.millionthsRoundedUp(of: notional, rate: hundredthsOfBasisPoint)
        }
        // Invariant: cost(low) ≤ spendable; the answer is in low...high.
        while low < high {
            let middle = low + (high - low + 1) / 2
            if cost(middle) <= spendable { low = middle } else { high = middle - 1 }
        }
        return Quantity(lots: low)
    }
}

extension CommissionModel: CustomStringConvertible {
    /// "10bp", "2.5bp + 1.00000000 per order": for reports.
    public var description: String {
        let rate = FixedPoint.basisPointText(hundredthsOfBasisPoint)
        return fixedPerOrder == .zero ? rate : "\(rate) + \(fixedPerOrder.description) per order"
    }
}
