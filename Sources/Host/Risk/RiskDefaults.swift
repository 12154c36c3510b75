/// The limits every deployment gets where no layer sets its own (docs/risk.md,
/// "Defaults"): the same in `lunar backtest`, `lunar run`, worker processes and
/// `lunar serve`, because the risk engine applies them.
public enum RiskDefaults {
    /// A margin account...
    public static let accountType = AccountType.margin
    /// ...at leverage 1: gross exposure up to equity.
    public static let maxLeverage = 1.0
    /// The most a layer may set.
    public static let leverageRange: ClosedRange<Double> = 1...100
    /// Working orders at once.
    public static let maxOpenOrders = 500
    /// Order submissions: a burst of 100, refilled at 50 a second (of the
    /// deployment's clock: market time in a backtest).
    public static let orderRate = OrderRateLimit(capacity: 100, refillTokens: 50, everySeconds: 1)
}

extension LayeredRiskLimits {
    /// These limits with `RiskDefaults` filled in where no layer sets a
    /// value: the default becomes the deployment layer's own limit, so a
    /// denial names it as the deployment's. What the engine enforces.
    public func applyingDefaults() -> LayeredRiskLimits {
        var applied = self
        func unset<Value>(_ pick: (RiskLimits) -> Value?) -> Bool {
            pick(deployment) == nil && pick(owner) == nil && pick(global) == nil
        }
        if unset({ $0.accountType }) { applied.deployment.accountType = RiskDefaults.accountType }
        if unset({ $0.maxLeverage }) { applied.deployment.maxLeverage = RiskDefaults.maxLeverage }
        if unset({ $0.maxOpenOrders }) { applied.deployment.maxOpenOrders = RiskDefaults.maxOpenOrders }
        if unset({ $0.orderRate }) { applied.deployment.orderRate = RiskDefaults.orderRate }
        return applied
    }

    /// One layer's worth of limits as the engine applies them (defaults
    /// included): the tightest value of each limit across the layers. For
    /// per-symbol quantity limits, the innermost layer that sets one (each
    /// layer's still applies; see docs/risk.md). For display.
    public var effective: RiskLimits {
        let applied = applyingDefaults()
        return RiskLimits(
            maxOrderQuantity: applied.deployment.maxOrderQuantity ?? applied.owner.maxOrderQuantity ?? applied.global.maxOrderQuantity,
            maxOrderNotional: applied.tightest { $0.maxOrderNotional }?.value,
            priceCollarBasisPoints: applied.tightest { $0.priceCollarBasisPoints }?.value,
            maxPositionQuantity: applied.deployment.maxPositionQuantity ?? applied.owner.maxPositionQuantity
                ?? applied.global.maxPositionQuantity,
            maxGrossExposure: applied.tightest { $0.maxGrossExposure }?.value,
            maxOpenOrders: applied.tightest { $0.maxOpenOrders }?.value,
            orderRate: applied.deployment.orderRate ?? applied.owner.orderRate ?? applied.global.orderRate,
            dailyLossLimit: applied.tightest { $0.dailyLossLimit }?.value,
            tradingWindow: applied.deployment.tradingWindow ?? applied.owner.tradingWindow ?? applied.global.tradingWindow,
            accountType: applied.tightest { $0.accountType }?.value,
            maxLeverage: applied.tightest { $0.maxLeverage }?.value)
    }
}
