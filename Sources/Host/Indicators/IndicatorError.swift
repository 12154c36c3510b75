/// Everything an indicator request can get wrong. `code` is a stable machine
/// code; `description` is shown to strategy authors as a Lua error, so it names
/// the indicator, the parameter and what would have been accepted.
public enum IndicatorError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A parameter was outside its allowed range, e.g. `sma` `period` 0 with
    /// allowed `1...5000`. `value` and `allowed` are already formatted.
    case parameterOutOfRange(indicator: String, parameter: String, value: String, allowed: String)
    /// A field name that is not one of `PriceField`'s.
    case unknownField(indicator: String, name: String)
    /// No series exists for that symbol.
    case unknownSymbol(String)
    /// A new distinct indicator would exceed the per-symbol limit. Each one adds
    /// work to every appended bar, so a script cannot request unboundedly many.
    case tooManyIndicators(limit: Int)

    /// A stable machine-readable code.
    public var code: String {
        switch self {
        case .parameterOutOfRange: "indicatorParameterOutOfRange"
        case .unknownField: "indicatorUnknownField"
        case .unknownSymbol: "indicatorUnknownSymbol"
        case .tooManyIndicators: "tooManyIndicators"
        }
    }

    public var description: String {
        switch self {
        case let .parameterOutOfRange(indicator, parameter, value, allowed):
            "\(indicator): \(parameter) must be in \(allowed), got \(value)"
        case let .unknownField(indicator, name):
            "\(indicator): unknown field '\(name)' (expected one of "
                + PriceField.allCases.map(\.rawValue).joined(separator: ", ") + ")"
        case let .unknownSymbol(symbol):
            "no price series for symbol '\(symbol)'"
        case let .tooManyIndicators(limit):
            "too many distinct indicators: at most \(limit) per symbol "
                + "(each indicator with its own parameters counts once)"
        }
    }
}
