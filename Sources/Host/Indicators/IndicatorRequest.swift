/// One indicator with its parameters, as the Lua bridge asks for it.
///
/// Periods count bars and include the current bar. Defaults follow the usual
/// conventions (RSI 14, MACD 12/26/9, Bollinger 20/2, ATR 14).
public enum IndicatorRequest: Sendable, Hashable {
    /// Simple moving average of `field` over `period` bars.
    case sma(period: Int, field: PriceField = .close)
    /// Exponential moving average, alpha = 2 / (period + 1).
    case ema(period: Int, field: PriceField = .close)
    /// Wilder's relative strength index of closes, 0...100.
    case rsi(period: Int = 14)
    /// MACD line, its signal line and their difference, on closes.
    case macd(fast: Int = 12, slow: Int = 26, signal: Int = 9)
    /// SMA ± k population standard deviations.
    case bollinger(period: Int = 20, k: Double = 2, field: PriceField = .close)
    /// Wilder's average true range.
    case atr(period: Int = 14)
    /// Highest `field` over `period` bars.
    case highest(period: Int, field: PriceField = .high)
    /// Lowest `field` over `period` bars.
    case lowest(period: Int, field: PriceField = .low)
    /// Population standard deviation of `field` over `period` bars.
    case stdev(period: Int, field: PriceField = .close)
    /// Rate of change in percent against the bar `period` bars ago.
    case roc(period: Int, field: PriceField = .close)

    /// The name strategy authors use, and that errors quote.
    public var name: String {
        switch self {
        case .sma: "sma"
        case .ema: "ema"
        case .rsi: "rsi"
        case .macd: "macd"
        case .bollinger: "bollinger"
        case .atr: "atr"
        case .highest: "highest"
        case .lowest: "lowest"
        case .stdev: "stdev"
        case .roc: "roc"
        }
    }

    /// The largest Bollinger `k` accepted.
    public static let maximumBollingerK = 100.0

    /// Throws `parameterOutOfRange` unless every parameter suits a series of
    /// `capacity` (at least 2) bars. Ranges: periods `1...capacity`, except `roc`
    /// `1...capacity-1` (it reads one bar more than its period) and MACD
    /// `slow` `2...capacity` with `fast` `1...slow-1`; Bollinger `k` `0...100`.
    public func validate(capacity: Int) throws(IndicatorError) {
        let periods = 1...capacity
        switch self {
        case let .sma(period, _), let .ema(period, _), let .rsi(period), let .atr(period),
            let .highest(period, _), let .lowest(period, _), let .stdev(period, _):
            try Self.check(period, in: periods, indicator: name, parameter: "period")
        case let .roc(period, _):
            try Self.check(period, in: 1...(capacity - 1), indicator: name, parameter: "period")
        case let .macd(fast, slow, signal):
            try Self.check(slow, in: 2...capacity, indicator: name, parameter: "slow")
            try Self.check(fast, in: 1...(slow - 1), indicator: name, parameter: "fast")
            try Self.check(signal, in: periods, indicator: name, parameter: "signal")
        case let .bollinger(period, k, _):
            try Self.check(period, in: periods, indicator: name, parameter: "period")
            guard (0...Self.maximumBollingerK).contains(k) else {
                throw .parameterOutOfRange(
                    indicator: name, parameter: "k", value: "\(k)", allowed: "0...\(Int(Self.maximumBollingerK))")
            }
        }
    }

    private static func check(
        _ value: Int, in allowed: ClosedRange<Int>, indicator: String, parameter: String
    ) throws(IndicatorError) {
        guard allowed.contains(value) else {
            throw .parameterOutOfRange(
                indicator: indicator, parameter: parameter, value: String(value),
                allowed: "\(allowed.lowerBound)...\(allowed.upperBound)")
        }
    }
}

/// What an indicator answers for the current bar.
public enum IndicatorValue: Sendable, Equatable {
    /// Every single-valued indicator.
    case number(Double)
    /// MACD: the MACD line, its signal line and `macd - signal`.
    case macd(macd: Double, signal: Double, histogram: Double)
    /// Bollinger bands.
    case bands(upper: Double, middle: Double, lower: Double)
}
