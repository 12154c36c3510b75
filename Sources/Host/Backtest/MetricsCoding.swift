import Foundation

/// How statistics and money are written to JSON, so that the same run gives
/// the same bytes on every run and every platform:
///
/// - Money is exact decimal text ("1234.56780000"), never a float.
/// - A finite statistic is a JSON number rounded to 10 significant digits.
///   The digits come from Swift's own shortest round-trip printing (the same
///   code on every platform), are rounded half to even as decimal text, and
///   are written through `Decimal`, which JSONEncoder prints verbatim. Ten
///   digits also absorb last-bit differences between platforms' `pow`.
/// - +∞ and −∞ are the strings "inf" and "-inf"; undefined (nil, NaN) is null.
enum StatisticNumber {
    static let significantDigits = 10

    /// `value` (finite) rounded to `digits` significant digits, as an exact Decimal.
    static func decimal(_ value: Double, digits: Int = significantDigits) -> Decimal {
        let text = value.magnitude.description
        let parts = text.split(separator: "e", maxSplits: 1)
        let exponent = parts.count == 2 ? Int(parts[1]) ?? 0 : 0
        var mantissa: [UInt8] = []
        var pointPosition: Int?
        for byte in parts[0].utf8 {
            if byte == UInt8(ascii: ".") { pointPosition = mantissa.count } else { mantissa.append(byte - 48) }
        }
        // value = 0.d₁d₂… × 10^scale
        var scale = (pointPosition ?? mantissa.count) + exponent
        while let leading = mantissa.first, leading == 0 {
            mantissa.removeFirst()
            scale -= 1
        }
        guard !mantissa.isEmpty else { return 0 }
        if mantissa.count > digits {
            let dropped = mantissa[digits...]
            mantissa.removeSubrange(digits...)
            let first = dropped.first!
            let restNonZero = dropped.dropFirst().contains { $0 != 0 }
            let roundUp = first > 5 || (first == 5 && (restNonZero || mantissa[digits - 1] % 2 == 1))
            if roundUp {
                var index = digits - 1
                while index >= 0 && mantissa[index] == 9 {
                    mantissa[index] = 0
                    index -= 1
                }
                if index >= 0 {
                    mantissa[index] += 1
                } else {
                    mantissa.insert(1, at: 0)
                    mantissa.removeLast()
                    scale += 1
                }
            }
        }
        while let trailing = mantissa.last, trailing == 0 { mantissa.removeLast() }
        let significand = mantissa.reduce(UInt64(0)) { $0 * 10 + UInt64($1) }
        return Decimal(sign: value < 0 ? .minus : .plus, exponent: scale - mantissa.count,
                       significand: Decimal(significand))
    }

    /// The Double a decoded statistic stands for.
    static func value(ofText text: String) -> Double? {
        switch text {
        case "inf": .infinity
        case "-inf": -.infinity
        default: Double(text)
        }
    }
}

extension KeyedEncodingContainer {
    mutating func encodeStatistic(_ value: Double?, forKey key: Key) throws {
        guard let value, !value.isNaN else { return try encodeNil(forKey: key) }
        if value.isInfinite { return try encode(value > 0 ? "inf" : "-inf", forKey: key) }
        try encode(StatisticNumber.decimal(value), forKey: key)
    }

    mutating func encodeMoney(_ value: Money, forKey key: Key) throws {
        try encode(value.description, forKey: key)
    }

    mutating func encodeMoney(_ value: Money?, forKey key: Key) throws {
        guard let value else { return try encodeNil(forKey: key) }
        try encode(value.description, forKey: key)
    }
}

extension KeyedDecodingContainer {
    func decodeStatistic(forKey key: Key) throws -> Double? {
        if try decodeNil(forKey: key) { return nil }
        if let text = try? decode(String.self, forKey: key) {
            guard let value = StatisticNumber.value(ofText: text) else {
                throw DecodingError.dataCorruptedError(forKey: key, in: self, debugDescription: "not a statistic: \(text)")
            }
            return value
        }
        return try decode(Double.self, forKey: key)
    }

    func decodeMoney(forKey key: Key) throws -> Money {
        let text = try decode(String.self, forKey: key)
        guard let money = Money(decimalText: text) else {
            throw DecodingError.dataCorruptedError(forKey: key, in: self, debugDescription: "not an amount: \(text)")
        }
        return money
    }

    func decodeMoneyIfPresent(forKey key: Key) throws -> Money? {
        if try !contains(key) || decodeNil(forKey: key) { return nil }
        return try decodeMoney(forKey: key)
    }
}

extension EquityPoint: Codable {
    enum CodingKeys: String, CodingKey { case time, equity }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        time = try container.decode(Int64.self, forKey: .time)
        equity = try container.decodeMoney(forKey: .equity)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(time, forKey: .time)
        try container.encodeMoney(equity, forKey: .equity)
    }
}

extension Double {
    /// This finite statistic as a result's JSON keeps it (10 significant
    /// digits, `StatisticNumber`), read back: a figure shown from memory (a
    /// sweep's trials) equals the same figure of a stored backtest job.
    public var reportedStatistic: Double {
        guard isFinite else { return self }
        return Double(StatisticNumber.decimal(self).description) ?? self
    }
}
