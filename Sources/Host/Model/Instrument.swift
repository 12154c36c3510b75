/// A tradable symbol and the units its prices and quantities are counted in.
public struct Instrument: Sendable, Hashable, Codable {
    public var symbol: String
    /// Digits after the point in a price: 2 means a tick of 0.01.
    public var priceDecimals: Int
    /// Digits after the point in a quantity: 0 for whole units (shares),
    /// 8 for fractional crypto.
    public var quantityDecimals: Int
    /// The smallest order quantity.
    public var minimumQuantity: Quantity

    public init(symbol: String, priceDecimals: Int = 2, quantityDecimals: Int = 8, minimumQuantity: Quantity? = nil) {
        precondition((0...8).contains(priceDecimals) && (0...8).contains(quantityDecimals),
                     "price and quantity decimals must be 0...8")
        self.symbol = symbol
        self.priceDecimals = priceDecimals
        self.quantityDecimals = quantityDecimals
        self.minimumQuantity = minimumQuantity ?? Quantity(lots: 1)
    }

    // MARK: - Ranges (docs/numeric-model.md, "Ranges")

    /// The largest price an order may carry: 10^9 quote units.
    public var maximumPrice: Price { Price(ticks: Self.maximumWhole * FixedPoint.power(priceDecimals)) }
    /// The largest quantity one order may carry: 10^9 instrument units.
    public var maximumQuantity: Quantity { Quantity(lots: Self.maximumWhole * FixedPoint.power(quantityDecimals)) }
    /// The largest notional (price × quantity) of one order: 10^10 quote units.
    public var maximumNotional: Money { Money(units: 10 * Self.maximumWhole * FixedPoint.power(Money.decimals)) }
    /// 10^9: far above any real instrument, and far enough below Int64 that
    /// sums of a few thousand such values cannot overflow.
    static let maximumWhole: Int64 = 1_000_000_000

    // MARK: - Conversions

    /// The price nearest to `value` on the tick grid (half to even). Never
    /// traps: NaN is zero and values beyond Int64 clamp; callers that take
    /// numbers from scripts or requests check them first (`checkedPrice`).
    @inline(__always)
    public func price(_ value: Double) -> Price {
        Price(ticks: FixedPoint.clampedInt64((value * Double(FixedPoint.power(priceDecimals))).rounded(.toNearestOrEven)))
    }

    /// The largest quantity on the lot grid not above `value` in magnitude:
    /// an order never grows by rounding. A value within a few parts in 10^13
    /// of a lot is that lot: 1389.2486 × 10^4 is 13892485.999999998 in a
    /// Double, and means 13892486 lots. Never traps (see `price(_:)`).
    @inline(__always)
    public func quantity(_ value: Double) -> Quantity {
        let scaled = value * Double(FixedPoint.power(quantityDecimals))
        let nearest = scaled.rounded(.toNearestOrEven)
        let lots = abs(scaled - nearest) <= max(1, abs(nearest)) * 1e-13 ? nearest : scaled.rounded(.towardZero)
        return Quantity(lots: FixedPoint.clampedInt64(lots))
    }

    /// `value` as a price when it is finite, positive and at most
    /// `maximumPrice`; nil otherwise (it may still round to zero ticks).
    public func checkedPrice(_ value: Double) -> Price? {
        guard value.isFinite, value > 0, value <= double(maximumPrice) else { return nil }
        return price(value)
    }

    /// `value` as a quantity when it is finite, positive and at most
    /// `maximumQuantity`; nil otherwise (it may still round to zero lots).
    public func checkedQuantity(_ value: Double) -> Quantity? {
        guard value.isFinite, value > 0, value <= double(maximumQuantity) else { return nil }
        return quantity(value)
    }

    @inline(__always)
    public func double(_ price: Price) -> Double { Double(price.ticks) / Double(FixedPoint.power(priceDecimals)) }

    @inline(__always)
    public func double(_ quantity: Quantity) -> Double {
        Double(quantity.lots) / Double(FixedPoint.power(quantityDecimals))
    }

    /// price × quantity in Money, exact when priceDecimals + quantityDecimals
    /// ≤ 8, otherwise rounded half to even at 10^-8 (the one rounding in a fill).
    @inline(__always)
    public func notional(_ price: Price, _ quantity: Quantity) -> Money {
        let raw = Int128(price.ticks) * Int128(quantity.lots)
        let scaled = FixedPoint.rescale(raw, from: priceDecimals + quantityDecimals, to: Money.decimals)
        return Money(units: Int64(clamping: scaled))
    }

    /// The quantity `money` buys at `price`, rounded down to the lot grid.
    public func quantity(affordableWith money: Money, at price: Price) -> Quantity {
        guard price.ticks > 0, money.units > 0 else { return .zero }
        // lots = units·10^(pd+qd) / (10^8·ticks), rounded down
        let numerator = Int128(money.units) * Int128(FixedPoint.power(priceDecimals + quantityDecimals))
        let denominator = Int128(FixedPoint.power(Money.decimals)) * Int128(price.ticks)
        return Quantity(lots: Int64(clamping: numerator / denominator))
    }

    /// Exact conversion of decimal text to a price; nil if off the tick grid.
    public func price(decimalText: String) -> Price? {
        FixedPoint.parse(decimalText, decimals: priceDecimals).map(Price.init(ticks:))
    }
}
