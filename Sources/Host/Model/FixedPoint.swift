/// Exact decimal arithmetic for prices, quantities and cash.
///
/// The numeric model (docs/numeric-model.md): every price is an integer
/// number of ticks (10^-priceDecimals of the quote currency), every quantity
/// an integer number of lots (10^-quantityDecimals of the instrument), and
/// every amount of cash an integer number of 10^-8 quote units. Values cross
/// into floating point only for display and for statistics.
public enum FixedPoint {
    static let powersOfTen: [Int64] = (0...18).map { exponent in
        (0..<exponent).reduce(Int64(1)) { value, _ in value * 10 }
    }

    /// 10^exponent for 0...18.
    @inline(__always)
    public static func power(_ exponent: Int) -> Int64 { powersOfTen[exponent] }

    /// Rescales an integer from `from` decimals to `to` decimals, rounding
    /// half to even when digits are dropped.
    @inline(__always)
    public static func rescale(_ value: Int128, from: Int, to: Int) -> Int128 {
        if from == to { return value }
        if from < to { return value * Int128(power(to - from)) }
        let divisor = Int128(power(from - to))
        let (quotient, remainder) = value.quotientAndRemainder(dividingBy: divisor)
        let twice = remainder.magnitude * 2
        if twice > divisor.magnitude || (twice == divisor.magnitude && quotient % 2 != 0) {
            return value < 0 ? quotient - 1 : quotient + 1
        }
        return quotient
    }

    /// Parses decimal text ("30214.34", "-0.5", "1e-3" is refused) into an
    /// integer with `decimals` digits after the point. Returns nil when the
    /// text is not a plain decimal or has more digits than `decimals` allows.
    public static func parse<S: StringProtocol>(_ text: S, decimals: Int) -> Int64? {
        var negative = false
        var integerPart: Int64 = 0
        var fraction: Int64 = 0
        var fractionDigits = 0
        var seenPoint = false
        var seenDigit = false
        var first = true
        for byte in text.utf8 {
            defer { first = false }
            switch byte {
            case UInt8(ascii: "-") where first: negative = true
            case UInt8(ascii: "+") where first: break
            case UInt8(ascii: ".") where !seenPoint: seenPoint = true
            case UInt8(ascii: "0")...UInt8(ascii: "9"):
                seenDigit = true
                let digit = Int64(byte - UInt8(ascii: "0"))
                if seenPoint {
                    if fractionDigits == decimals {
                        // Extra digits are accepted only if they are zeros.
                        if digit != 0 { return nil }
                        continue
                    }
                    fraction = fraction * 10 + digit
                    fractionDigits += 1
                } else {
                    let (shifted, overflow1) = integerPart.multipliedReportingOverflow(by: 10)
                    let (added, overflow2) = shifted.addingReportingOverflow(digit)
                    if overflow1 || overflow2 { return nil }
                    integerPart = added
                }
            default:
                return nil
            }
        }
        guard seenDigit else { return nil }
        let (scaled, overflow) = integerPart.multipliedReportingOverflow(by: power(decimals))
        if overflow { return nil }
        // The fraction can carry the sum past the range (92233720368.54775808 at 8 decimals).
        let (value, carried) = scaled.addingReportingOverflow(fraction * power(decimals - fractionDigits))
        if carried { return nil }
        return negative ? -value : value
    }

    /// `value` (already rounded) as an Int64: NaN is 0, values beyond the
    /// range clamp to its ends. Conversions of untrusted numbers go through
    /// here so a hostile value cannot trap the process.
    @inline(__always)
    public static func clampedInt64(_ value: Double) -> Int64 {
        if value.isNaN { return 0 }
        if value >= 9_223_372_036_854_775_807.0 { return .max }
        if value <= -9_223_372_036_854_775_808.0 { return .min }
        return Int64(value)
    }

    /// Formats an integer with `decimals` digits after the point.
    public static func format(_ value: Int64, decimals: Int) -> String {
        guard decimals > 0 else { return String(value) }
        let magnitude = value.magnitude
        let divisor = UInt64(power(decimals))
        var fraction = String(magnitude % divisor)
        fraction = String(repeating: "0", count: decimals - fraction.count) + fraction
        return (value < 0 ? "-" : "") + String(magnitude / divisor) + "." + fraction
    }
}

/// A price in ticks of 10^-priceDecimals quote units.
public struct Price: Sendable, Hashable, Comparable, Codable {
    public var ticks: Int64
    @inline(__always) public init(ticks: Int64) { self.ticks = ticks }
    public static func < (lhs: Price, rhs: Price) -> Bool { lhs.ticks < rhs.ticks }
    public static let zero = Price(ticks: 0)
}

/// A quantity in lots of 10^-quantityDecimals instrument units. Signed where
/// it is a position (negative: short).
public struct Quantity: Sendable, Hashable, Comparable, Codable {
    public var lots: Int64
    @inline(__always) public init(lots: Int64) { self.lots = lots }
    public static func < (lhs: Quantity, rhs: Quantity) -> Bool { lhs.lots < rhs.lots }
    public static let zero = Quantity(lots: 0)
    public var magnitude: Quantity { Quantity(lots: lots.magnitude > UInt64(Int64.max) ? Int64.max : abs(lots)) }
    public static prefix func - (value: Quantity) -> Quantity { Quantity(lots: -value.lots) }
    public static func + (lhs: Quantity, rhs: Quantity) -> Quantity { Quantity(lots: lhs.lots + rhs.lots) }
    public static func - (lhs: Quantity, rhs: Quantity) -> Quantity { Quantity(lots: lhs.lots - rhs.lots) }
    public static func += (lhs: inout Quantity, rhs: Quantity) { lhs.lots += rhs.lots }
    public static func -= (lhs: inout Quantity, rhs: Quantity) { lhs.lots -= rhs.lots }
}

/// An amount of quote currency in units of 10^-8.
public struct Money: Sendable, Hashable, Comparable, Codable {
    public static let decimals = 8
    public var units: Int64
    @inline(__always) public init(units: Int64) { self.units = units }
    public static func < (lhs: Money, rhs: Money) -> Bool { lhs.units < rhs.units }
    public static let zero = Money(units: 0)

    /// Whole currency amount, e.g. Money(100_000) is 100,000.00000000.
    public init(_ whole: Int64) { self.units = whole * FixedPoint.power(Money.decimals) }

    /// Exact conversion from decimal text; nil if it has more than 8 decimals.
    public init?(decimalText: String) {
        guard let units = FixedPoint.parse(decimalText, decimals: Money.decimals) else { return nil }
        self.units = units
    }

    /// The nearest Money to a floating-point amount (used only for inputs
    /// that arrive as Lua numbers; rounding is half to even at 10^-8).
    public init(approximately value: Double) {
        self.units = FixedPoint.clampedInt64((value * 1e8).rounded(.toNearestOrEven))
    }

    public var doubleValue: Double { Double(units) / 1e8 }
    public var description: String { FixedPoint.format(units, decimals: Money.decimals) }

    public static prefix func - (value: Money) -> Money { Money(units: -value.units) }
    public static func + (lhs: Money, rhs: Money) -> Money { Money(units: lhs.units + rhs.units) }
    public static func - (lhs: Money, rhs: Money) -> Money { Money(units: lhs.units - rhs.units) }
    public static func += (lhs: inout Money, rhs: Money) { lhs.units += rhs.units }
    public static func -= (lhs: inout Money, rhs: Money) { lhs.units -= rhs.units }
}
