/// Integer division with the rounding the numeric model prescribes
/// (docs/numeric-model.md). Everything that splits an exact amount into parts
/// goes through here, so the rule lives in one place.
enum ExactDivision {
    /// `numerator / denominator` rounded half to even. `denominator` ≠ 0.
    @inline(__always)
    static func halfEven(_ numerator: Int128, _ denominator: Int128) -> Int128 {
        let (quotient, remainder) = numerator.quotientAndRemainder(dividingBy: denominator)
        if remainder == 0 { return quotient }
        // |remainder| < |denominator| ≤ 2^127, so doubling it fits in UInt128.
        let twice = remainder.magnitude * 2
        let magnitude = denominator.magnitude
        guard twice > magnitude || (twice == magnitude && quotient % 2 != 0) else { return quotient }
        // The exact quotient lies beyond the truncated one, away from zero.
        return (numerator < 0) != (denominator < 0) ? quotient - 1 : quotient + 1
    }

    /// `numerator / denominator` rounded toward +∞, for non-negative operands
    /// (commissions: the venue never undercharges).
    @inline(__always)
    static func ceiling(_ numerator: Int128, _ denominator: Int128) -> Int128 {
        let (quotient, remainder) = numerator.quotientAndRemainder(dividingBy: denominator)
        return remainder > 0 ? quotient + 1 : quotient
    }

    /// `amount × part / whole` rounded half to even: the share of an exact
    /// amount that belongs to `part` of `whole` lots. The caller keeps
    /// `amount − share` for the rest, so the parts always add up to the whole.
    @inline(__always)
    static func share(of amount: Int64, part: Int64, whole: Int64) -> Int64 {
        if part == whole { return amount }
        return Int64(halfEven(Int128(amount) * Int128(part), Int128(whole)))
    }

    /// The average price of `lots` that cost `notional` in total: ticks =
    /// units·10^(pd+qd) / (lots·10^8), rounded half to even; nil for no lots.
    static func averagePrice(notional: Money, lots: Int64, instrument: Instrument) -> Price? {
        guard lots != 0 else { return nil }
        let scale = Int128(FixedPoint.power(instrument.priceDecimals + instrument.quantityDecimals))
        let numerator = Int128(notional.units).magnitude * UInt128(scale)
        let denominator = UInt128(lots.magnitude) * UInt128(FixedPoint.power(Money.decimals))
        // |units|·10^16 < 2^63·2^54 fits easily; magnitudes keep the rounding
        // symmetric for long (positive) and short (negative) cost bases.
        let (quotient, remainder) = numerator.quotientAndRemainder(dividingBy: denominator)
        let twice = remainder * 2
        let rounded = twice > denominator || (twice == denominator && quotient % 2 != 0) ? quotient + 1 : quotient
        return Price(ticks: Int64(clamping: rounded))
    }
}
