extension FixedPoint {
    /// ceil(|value| × rate / 10^6): a rate in millionths (hundredths of a
    /// basis point) applied to an integer amount, rounded away from zero so
    /// fees and slippage are never understated. Int128 intermediate: exact
    /// for every Int64 input.
    @inline(__always)
    static func millionthsRoundedUp(of value: Int64, rate: Int64) -> Int64 {
        guard rate != 0, value != 0 else { return 0 }
        let product = Int128(value.magnitude) * Int128(rate)
        let (quotient, remainder) = product.quotientAndRemainder(dividingBy: 1_000_000)
        return Int64(clamping: remainder == 0 ? quotient : quotient + 1)
    }

    /// A fraction in 0...1 as an exact count of billionths (rounded to
    /// nearest), so every later product with it is integer math.
    static func billionths(_ fraction: Double) -> Int64 {
        Int64((min(max(fraction, 0), 1) * 1e9).rounded(.toNearestOrEven))
    }

    /// floor(value × billionths / 10^9) for a non-negative value.
    @inline(__always)
    static func scale(_ value: Int64, byBillionths billionths: Int64) -> Int64 {
        Int64(clamping: Int128(value) * Int128(billionths) / 1_000_000_000)
    }

    /// Hundredths of a basis point as text: 1000 → "10bp", 250 → "2.5bp".
    static func basisPointText(_ hundredths: Int64) -> String {
        var text = format(hundredths, decimals: 2)
        while text.hasSuffix("0") { text.removeLast() }
        if text.hasSuffix(".") { text.removeLast() }
        return text + "bp"
    }
}
