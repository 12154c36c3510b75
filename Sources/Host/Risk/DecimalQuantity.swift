/// An exact, non-negative decimal number of instrument units ("0.5" BTC,
/// "100" shares), independent of any instrument's lot size.
///
/// Risk limits are configured once per deployment, owner or platform, before
/// anyone knows which instruments will trade, so they cannot be counted in
/// lots. A limit is converted to an instrument's lots when an order is checked,
/// rounding down: `quantity ≤ limit` holds exactly when `lots ≤ floor(limit ×
/// 10^quantityDecimals)`, because lots are integers.
public struct DecimalQuantity: Sendable, Hashable, Codable, CustomStringConvertible, ExpressibleByStringLiteral {
    /// The digits without the point: "1.25" is 125 with 2 decimals.
    public let significand: Int64
    /// Digits after the point, 0...18, with trailing zeros removed.
    public let decimals: Int

    /// Parses plain decimal text ("2", "0.5", "1000.25"); nil for negative
    /// numbers, exponents, more than 18 decimals or values beyond Int64.
    public init?(decimalText text: String) {
        var decimals = 0
        if let point = text.utf8.firstIndex(of: UInt8(ascii: ".")) {
            decimals = text.utf8.distance(from: point, to: text.utf8.endIndex) - 1
        }
        guard decimals <= 18, !text.hasPrefix("-"),
              let value = FixedPoint.parse(text, decimals: decimals) else { return nil }
        self.init(significand: value, decimals: decimals)
    }

    /// `significand` × 10^-`decimals`; both must be in range (non-negative, 0...18).
    public init(significand: Int64, decimals: Int = 0) {
        precondition(significand >= 0 && (0...18).contains(decimals), "a quantity limit is non-negative with 0...18 decimals")
        var significand = significand
        var decimals = decimals
        while decimals > 0, significand % 10 == 0 {
            significand /= 10
            decimals -= 1
        }
        self.significand = significand
        self.decimals = decimals
    }

    /// The exact amount `quantity` stands for in `instrument`'s lots.
    public init(_ quantity: Quantity, of instrument: Instrument) {
        self.init(significand: quantity.lots.magnitude > UInt64(Int64.max) ? Int64.max : abs(quantity.lots),
                  decimals: instrument.quantityDecimals)
    }

    public init(stringLiteral text: String) {
        guard let value = DecimalQuantity(decimalText: text) else { preconditionFailure("not a non-negative decimal quantity: \(text)") }
        self = value
    }

    /// The largest whole number of lots (10^-quantityDecimals units) not above
    /// this amount, clamped to Int64.
    @inline(__always)
    public func lots(quantityDecimals: Int) -> Int64 {
        if decimals <= quantityDecimals {
            return Int64(clamping: Int128(significand) * Int128(FixedPoint.power(quantityDecimals - decimals)))
        }
        return significand / FixedPoint.power(decimals - quantityDecimals)
    }

    public var description: String { FixedPoint.format(significand, decimals: decimals) }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        guard let value = DecimalQuantity(decimalText: text) else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "not a non-negative decimal quantity: \(text)")
        }
        self = value
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}

/// A quantity limit that can differ per symbol.
public struct QuantityLimit: Sendable, Codable, Equatable {
    /// The limit for every symbol without its own entry in `bySymbol`.
    public var allSymbols: DecimalQuantity?
    /// Per-symbol limits; they replace `allSymbols` for that symbol.
    public var bySymbol: [String: DecimalQuantity]

    public init(allSymbols: DecimalQuantity? = nil, bySymbol: [String: DecimalQuantity] = [:]) {
        self.allSymbols = allSymbols
        self.bySymbol = bySymbol
    }

    /// The same limit for every symbol.
    public static func all(_ limit: DecimalQuantity) -> QuantityLimit { QuantityLimit(allSymbols: limit) }

    /// The limit that applies to `symbol`, if any.
    @inline(__always)
    public func limit(for symbol: String) -> DecimalQuantity? {
        // Most deployments configure no per-symbol entries: skip hashing the symbol.
        if bySymbol.isEmpty { return allSymbols }
        return bySymbol[symbol] ?? allSymbols
    }
}
