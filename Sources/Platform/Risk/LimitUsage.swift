import Host

/// How much of one of a deployment's limits is used: what `/api/risk/portfolio`
/// reports as distances and what the alert engine watches (one measure).
public struct LimitUsage: Sendable, Equatable {
    public enum Limit: String, Sendable {
        case dailyLoss = "daily_loss"
        case grossExposure = "gross_exposure"
        case buyingPower = "buying_power"
        case position
    }

    public var limit: Limit
    /// The position's symbol (`position` only).
    public var symbol: String?
    /// Money units, or lots for `position` (of `quantityDecimals`).
    public var used: Int128
    public var maximum: Int128
    public var quantityDecimals: Int?

    /// used ÷ maximum (1 = reached); a zero limit counts as reached once anything is used.
    public var utilization: Double { maximum > 0 ? Double(used) / Double(maximum) : (used > 0 ? 1 : 0) }

    /// The limits `limits` sets on an account with `equity`, `dayStartEquity`
    /// (the market day's first equity) and `grossExposure`, holding `positions`.
    /// Buying power is equity × leverage (1 for a cash account).
    public static func measure(equity: Int128, dayStartEquity: Int128, grossExposure: Int128, positions: [Position],
                               limits: RiskLimits, quantityDecimals: (String) -> Int) -> [LimitUsage] {
        var result: [LimitUsage] = []
        if let limit = limits.dailyLossLimit {
            result.append(LimitUsage(limit: .dailyLoss, used: max(0, dayStartEquity - equity), maximum: Int128(limit.units)))
        }
        if let limit = limits.maxGrossExposure {
            result.append(LimitUsage(limit: .grossExposure, used: grossExposure, maximum: Int128(limit.units)))
        }
        let leverage = limits.accountType == .cash ? 1 : max(1, min(limits.maxLeverage ?? 1, 100))
        result.append(LimitUsage(limit: .buyingPower, used: grossExposure, maximum: fraction(leverage, of: max(0, equity))))
        for position in positions {
            guard let limit = limits.maxPositionQuantity.flatMap({ $0.bySymbol[position.symbol] ?? $0.allSymbols }) else { continue }
            let decimals = quantityDecimals(position.symbol)
            result.append(LimitUsage(limit: .position, symbol: position.symbol, used: Int128(position.quantity.lots.magnitude),
                                     maximum: Int128(limit.lots(quantityDecimals: decimals)), quantityDecimals: decimals))
        }
        return result
    }

    /// `fraction` of `amount` money units, rounded to a unit.
    public static func fraction(_ fraction: Double, of amount: Int128) -> Int128 {
        let value = (Double(amount) * fraction).rounded()
        return value.isFinite && abs(value) < 1e37 ? Int128(value) : 0
    }
}
