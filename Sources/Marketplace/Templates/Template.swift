import Host
import Sandbox

/// A ready-made strategy users deploy with their own parameters: loaded
/// from a manifest in `templates/` at start, or created by an admin.
public struct Template: Sendable, Equatable {
    /// A slug like `sma_crossover`.
    public var id: String
    public var title: String
    public var description: String
    public var category: Category
    /// The declared parameters of the template's script.
    public var schema: StrategySchema
    /// Parameter defaults, already checked against `schema`.
    public var parameters: [String: LuaValue]
    /// Risk defaults a deployment starts from.
    public var risk: RiskLimits
    /// True for templates loaded from `templates/`.
    public var builtin: Bool
}

/// A template manifest (`templates/<id>.json`) or an admin's new template.
public struct TemplateManifest: Sendable, Equatable, Codable {
    public var id: String
    public var title: String
    public var description: String
    /// One of `Category`'s raw values.
    public var category: String
    /// The script's file name in `strategies/` (manifests only).
    public var strategy: String?
    public var parameters: [String: LuaValue]
    public var risk: RiskLimits

    public init(id: String, title: String, description: String, category: String, strategy: String? = nil,
                parameters: [String: LuaValue] = [:], risk: RiskLimits = .none) {
        self.id = id
        self.title = title
        self.description = description
        self.category = category
        self.strategy = strategy
        self.parameters = parameters
        self.risk = risk
    }
}

/// Checks on risk limits a user sets: nothing negative, nothing absurd.
enum RiskRules {
    static func validate(_ risk: RiskLimits, field: String = "risk") throws(StoreError) {
        func nonNegative(_ value: Money?, _ name: String) throws(StoreError) {
            if let value, value < .zero { throw StoreError.invalid(field: "\(field).\(name)", rule: "must not be negative") }
        }
        try nonNegative(risk.maxOrderNotional, "maxOrderNotional")
        try nonNegative(risk.maxGrossExposure, "maxGrossExposure")
        try nonNegative(risk.dailyLossLimit, "dailyLossLimit")
        if let collar = risk.priceCollarBasisPoints, !(1...10_000).contains(collar) {
            throw StoreError.invalid(field: "\(field).priceCollarBasisPoints", rule: "must be 1 to 10000")
        }
        if let open = risk.maxOpenOrders, !(0...10_000).contains(open) {
            throw StoreError.invalid(field: "\(field).maxOpenOrders", rule: "must be 0 to 10000")
        }
        // Decoding skips the initializers' preconditions, so the ranges they
        // promise the risk engine are checked here (a zero refill interval
        // would divide by zero in the token bucket).
        if let rate = risk.orderRate {
            guard rate.capacity >= 0, rate.refillTokens >= 0 else {
                throw StoreError.invalid(field: "\(field).orderRate", rule: "capacity and refillTokens must not be negative")
            }
            guard rate.refillIntervalSeconds > 0 else {
                throw StoreError.invalid(field: "\(field).orderRate.refillIntervalSeconds", rule: "must be positive")
            }
        }
        if let leverage = risk.maxLeverage, !(leverage.isFinite && RiskDefaults.leverageRange.contains(leverage)) {
            throw StoreError.invalid(field: "\(field).maxLeverage", rule: "must be 1 to 100")
        }
        if let window = risk.tradingWindow {
            guard (0..<1_440).contains(window.startMinute) else {
                throw StoreError.invalid(field: "\(field).tradingWindow.startMinute", rule: "must be 0 to 1439")
            }
            guard (0...1_440).contains(window.endMinute) else {
                throw StoreError.invalid(field: "\(field).tradingWindow.endMinute", rule: "must be 0 to 1440")
            }
        }
    }
}

extension StrategySchema {
    /// Resolves parameters, turning schema issues into the store's error:
    /// each issue under its own field.
    func resolveForStore(_ values: [String: LuaValue]) throws(StoreError) -> [String: LuaValue] {
        do { return try resolve(values) } catch {
            guard error.issues.count > 1 else {
                let first = error.issues.first
                throw StoreError.invalid(field: first?.field ?? "params", rule: first?.message ?? "do not fit the schema")
            }
            throw StoreError.invalidFields(error.issues.map { FieldRule(field: $0.field, rule: $0.message) })
        }
    }
}
