/// The bar field an indicator reads. Raw values are the names strategy authors
/// write in Lua (`"close"`, `"high"`, ...).
public enum PriceField: String, Sendable, Hashable, CaseIterable {
    case open
    case high
    case low
    case close
    case volume

    /// The field called `name`, or `IndicatorError.unknownField` naming
    /// `indicator` and the accepted names.
    public static func named(_ name: String, for indicator: String) throws(IndicatorError) -> PriceField {
        guard let field = PriceField(rawValue: name) else {
            throw .unknownField(indicator: indicator, name: name)
        }
        return field
    }

    /// The column this field occupies in `PriceSeries` storage (time is column 0).
    @inline(__always)
    var column: Int {
        switch self {
        case .open: 1
        case .high: 2
        case .low: 3
        case .close: 4
        case .volume: 5
        }
    }
}

/// One bar as the indicator states see it, passed by value on every append.
struct BarSample: Sendable {
    var time: Double
    var open: Double
    var high: Double
    var low: Double
    var close: Double
    var volume: Double

    @inline(__always)
    subscript(field: PriceField) -> Double {
        switch field {
        case .open: open
        case .high: high
        case .low: low
        case .close: close
        case .volume: volume
        }
    }
}
