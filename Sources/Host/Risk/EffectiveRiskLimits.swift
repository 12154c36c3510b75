/// The tightest value of each instrument-independent limit across the three
/// layers, worked out once when the limits change instead of per order.
/// Quantity limits depend on the symbol and the instrument's lot size, so they
/// are resolved per symbol and cached (`SymbolRiskLimits`).
struct EffectiveRiskLimits: Sendable {
    var maxOrderNotional: LayeredValue<Money>?
    var priceCollarBasisPoints: LayeredValue<Int>?
    var maxGrossExposure: LayeredValue<Money>?
    var maxOpenOrders: LayeredValue<Int>?
    var dailyLossLimit: LayeredValue<Money>?
    /// Cash or margin (never nil once defaults are applied).
    var accountType: LayeredValue<AccountType>?
    /// Maximum leverage in hundredths (1x = 100), for integer arithmetic.
    var maxLeverageHundredths: LayeredValue<Int64>?
    var hasOrderQuantityLimit: Bool
    var hasPositionLimit: Bool
    var hasTradingWindow: Bool
    var hasOrderRate: Bool
    /// Each layer's window, copied out so the check reads plain values.
    var deploymentWindow: TradingWindow?
    var ownerWindow: TradingWindow?
    var globalWindow: TradingWindow?
    /// Whether any check may need the last price.
    var needsLastPrice: Bool
    /// Whether any check needs the order's notional.
    var needsNotional: Bool

    init(_ limits: LayeredRiskLimits) {
        maxOrderNotional = limits.tightest { $0.maxOrderNotional }
        priceCollarBasisPoints = limits.tightest { $0.priceCollarBasisPoints }
        maxGrossExposure = limits.tightest { $0.maxGrossExposure }
        maxOpenOrders = limits.tightest { $0.maxOpenOrders }
        dailyLossLimit = limits.tightest { $0.dailyLossLimit }
        accountType = limits.tightest { $0.accountType }
        maxLeverageHundredths = limits.tightest { $0.maxLeverage }.map {
            LayeredValue(value: Int64(($0.value.isFinite ? min(max($0.value, 0), 10_000) : 1) * 100), layer: $0.layer)
        }
        hasOrderQuantityLimit = RiskLayer.allCases.contains { limits[$0].maxOrderQuantity != nil }
        hasPositionLimit = RiskLayer.allCases.contains { limits[$0].maxPositionQuantity != nil }
        deploymentWindow = limits.deployment.tradingWindow
        ownerWindow = limits.owner.tradingWindow
        globalWindow = limits.global.tradingWindow
        hasTradingWindow = deploymentWindow != nil || ownerWindow != nil || globalWindow != nil
        hasOrderRate = RiskLayer.allCases.contains { limits[$0].orderRate != nil }
        needsNotional = maxOrderNotional != nil || maxGrossExposure != nil
        needsLastPrice = needsNotional || priceCollarBasisPoints != nil
    }
}

/// The quantity limits of one symbol in its instrument's lots, resolved from
/// the three layers the first time the symbol is checked.
struct SymbolRiskLimits: Sendable {
    var symbol: String
    var quantityDecimals: Int
    var maxOrderQuantity: LayeredValue<Int64>?
    var maxPositionQuantity: LayeredValue<Int64>?

    init(_ limits: LayeredRiskLimits, symbol: String, quantityDecimals: Int) {
        self.symbol = symbol
        self.quantityDecimals = quantityDecimals
        maxOrderQuantity = limits.tightest { $0.maxOrderQuantity?.limit(for: symbol)?.lots(quantityDecimals: quantityDecimals) }
        maxPositionQuantity = limits.tightest {
            $0.maxPositionQuantity?.limit(for: symbol)?.lots(quantityDecimals: quantityDecimals)
        }
    }
}
