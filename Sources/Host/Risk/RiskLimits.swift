/// The limits one layer (a deployment, its owner, or the platform) sets.
/// `nil` means no limit at this layer; the engine applies the tightest value
/// of the three layers (see `LayeredRiskLimits`). Money is quote currency.
public struct RiskLimits: Sendable, Codable, Equatable {
    /// Largest quantity of one order, in instrument units.
    public var maxOrderQuantity: QuantityLimit?
    /// Largest notional (price × quantity) of one order.
    public var maxOrderNotional: Money?
    /// A limit or stop price further than this many basis points from the last
    /// price is refused as a fat finger.
    public var priceCollarBasisPoints: Int?
    /// Largest |position| per symbol, counting this order and the open orders
    /// on the same side as filled.
    public var maxPositionQuantity: QuantityLimit?
    /// Largest sum over symbols of |position| × mark, plus this order's notional.
    public var maxGrossExposure: Money?
    /// Most orders open at once.
    public var maxOpenOrders: Int?
    /// A token bucket on order submissions.
    public var orderRate: OrderRateLimit?
    /// The loss (a positive amount) since the start of the UTC day at which
    /// the deployment stops opening exposure for the rest of the day.
    public var dailyLossLimit: Money?
    /// When orders may be placed.
    public var tradingWindow: TradingWindow?
    /// Cash or margin account (default: margin, `RiskDefaults`).
    public var accountType: AccountType?
    /// Largest gross exposure as a multiple of equity in a margin account
    /// (1...100; default 1). The initial-margin ratio is its inverse.
    public var maxLeverage: Double?

    public init(
        maxOrderQuantity: QuantityLimit? = nil, maxOrderNotional: Money? = nil,
        priceCollarBasisPoints: Int? = nil, maxPositionQuantity: QuantityLimit? = nil,
        maxGrossExposure: Money? = nil, maxOpenOrders: Int? = nil, orderRate: OrderRateLimit? = nil,
        dailyLossLimit: Money? = nil, tradingWindow: TradingWindow? = nil,
        accountType: AccountType? = nil, maxLeverage: Double? = nil
    ) {
        self.maxOrderQuantity = maxOrderQuantity
        self.maxOrderNotional = maxOrderNotional
        self.priceCollarBasisPoints = priceCollarBasisPoints
        self.maxPositionQuantity = maxPositionQuantity
        self.maxGrossExposure = maxGrossExposure
        self.maxOpenOrders = maxOpenOrders
        self.orderRate = orderRate
        self.dailyLossLimit = dailyLossLimit
        self.tradingWindow = tradingWindow
        self.accountType = accountType
        self.maxLeverage = maxLeverage
    }

    /// No limits at all.
    public static let none = RiskLimits()
}

/// A token bucket: up to `capacity` orders in a burst, refilled continuously
/// at `refillTokens` every `refillIntervalSeconds` seconds (pro rata, exact).
public struct OrderRateLimit: Sendable, Codable, Equatable {
    public var capacity: Int
    public var refillTokens: Int
    public var refillIntervalSeconds: Int

    public init(capacity: Int, refillTokens: Int, everySeconds refillIntervalSeconds: Int) {
        precondition(capacity >= 0 && refillTokens >= 0 && refillIntervalSeconds > 0,
                     "an order rate needs a non-negative capacity and refill and a positive interval")
        self.capacity = capacity
        self.refillTokens = refillTokens
        self.refillIntervalSeconds = refillIntervalSeconds
    }

    public init(capacity: Int, refillPerSecond: Int) {
        self.init(capacity: capacity, refillTokens: refillPerSecond, everySeconds: 1)
    }

    /// "capacity 10, refill 5 per 1s".
    public var text: String { "capacity \(capacity), refill \(refillTokens) per \(refillIntervalSeconds)s" }
}

/// Who set a limit.
public enum RiskLayer: String, Sendable, Codable, CaseIterable {
    case deployment, owner, global
}

/// The three layers of limits that apply to one deployment.
///
/// Owner and global limits are ceilings that every deployment's engine applies
/// to its own orders and account; they are not summed across an owner's
/// deployments (only the kill switch is shared, through `KillSwitchBoard`).
public struct LayeredRiskLimits: Sendable, Codable, Equatable {
    public var deployment: RiskLimits
    public var owner: RiskLimits
    public var global: RiskLimits

    public init(deployment: RiskLimits = .none, owner: RiskLimits = .none, global: RiskLimits = .none) {
        self.deployment = deployment
        self.owner = owner
        self.global = global
    }

    public subscript(layer: RiskLayer) -> RiskLimits {
        switch layer {
        case .deployment: deployment
        case .owner: owner
        case .global: global
        }
    }

    /// The smallest value any layer sets, and the first layer (deployment,
    /// owner, global) that sets it.
    @inline(__always)
    func tightest<Value: Comparable>(_ value: (RiskLimits) -> Value?) -> LayeredValue<Value>? {
        // Unrolled rather than looping over an array: this runs per order for
        // per-symbol limits and must not allocate.
        var best = value(deployment).map { LayeredValue(value: $0, layer: .deployment) }
        if let candidate = value(owner), best.map({ candidate < $0.value }) ?? true {
            best = LayeredValue(value: candidate, layer: .owner)
        }
        if let candidate = value(global), best.map({ candidate < $0.value }) ?? true {
            best = LayeredValue(value: candidate, layer: .global)
        }
        return best
    }
}

/// A limit value and the layer it came from (for denial messages).
struct LayeredValue<Value: Sendable>: Sendable {
    var value: Value
    var layer: RiskLayer
}
