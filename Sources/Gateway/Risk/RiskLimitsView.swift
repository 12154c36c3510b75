import Host

/// Risk limits as the API reads and writes them: the Host's `RiskLimits`
/// with money as decimal strings (`APIUnits`) and weekdays in lower case.
/// Range rules stay the store's (`RiskRules`); this only converts units,
/// naming the field (`risk.maxOrderNotional`) when a value does not parse.
struct RiskLimitsView: Codable, Sendable, Equatable {
    struct Window: Codable, Sendable, Equatable {
        /// `mon` … `sun`.
        var weekdays: [String]
        var startMinute: Int
        var endMinute: Int
    }

    var maxOrderQuantity: QuantityLimit?
    var maxOrderNotional: String?
    var priceCollarBasisPoints: Int?
    var maxPositionQuantity: QuantityLimit?
    var maxGrossExposure: String?
    var maxOpenOrders: Int?
    var orderRate: OrderRateLimit?
    var dailyLossLimit: String?
    var tradingWindow: Window?
    /// `cash` or `margin`.
    var accountType: String?
    var maxLeverage: Double?

    static let weekdays = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]

    init(_ limits: RiskLimits) {
        maxOrderQuantity = limits.maxOrderQuantity
        maxOrderNotional = limits.maxOrderNotional.map(APIUnits.money)
        priceCollarBasisPoints = limits.priceCollarBasisPoints
        maxPositionQuantity = limits.maxPositionQuantity
        maxGrossExposure = limits.maxGrossExposure.map(APIUnits.money)
        maxOpenOrders = limits.maxOpenOrders
        orderRate = limits.orderRate
        dailyLossLimit = limits.dailyLossLimit.map(APIUnits.money)
        tradingWindow = limits.tradingWindow.map { window in
            Window(weekdays: (0..<7).filter { window.weekdays.rawValue & (1 << $0) != 0 }.map { Self.weekdays[$0] },
                   startMinute: window.startMinute, endMinute: window.endMinute)
        }
        accountType = limits.accountType?.rawValue
        maxLeverage = limits.maxLeverage
    }

    /// The Host's limits; `field` is the body's key for them (`risk`, `limits`).
    func limits(field: String) throws -> RiskLimits {
        func money(_ text: String?, _ name: String) throws -> Money? {
            guard let text else { return nil }
            guard let value = Money(decimalText: text), value.units >= 0 else {
                throw APIError.invalid("\(field).\(name)", "must be a non-negative decimal string with at most 8 decimals, e.g. \"2500.00\"")
            }
            return value
        }
        var window: TradingWindow?
        if let tradingWindow {
            var days = Weekdays()
            for (index, name) in tradingWindow.weekdays.enumerated() {
                guard let day = Self.weekdays.firstIndex(of: name) else {
                    throw APIError.invalid("\(field).tradingWindow.weekdays[\(index)]", "must be one of \(Self.weekdays.joined(separator: ", "))")
                }
                days.insert(Weekdays(rawValue: 1 << UInt8(day)))
            }
            guard (0..<1_440).contains(tradingWindow.startMinute) else {
                throw APIError.invalid("\(field).tradingWindow.startMinute", "must be 0 to 1439")
            }
            guard (0...1_440).contains(tradingWindow.endMinute) else {
                throw APIError.invalid("\(field).tradingWindow.endMinute", "must be 0 to 1440")
            }
            window = TradingWindow(weekdays: days, startMinute: tradingWindow.startMinute, endMinute: tradingWindow.endMinute)
        }
        var accountType: AccountType?
        if let name = self.accountType {
            guard let type = AccountType(rawValue: name) else { throw APIError.invalid("\(field).accountType", "must be cash or margin") }
            accountType = type
        }
        if let maxLeverage, !maxLeverage.isFinite {
            throw APIError.invalid("\(field).maxLeverage", "must be a number from 1 to 100")
        }
        return RiskLimits(maxOrderQuantity: maxOrderQuantity, maxOrderNotional: try money(maxOrderNotional, "maxOrderNotional"),
                          priceCollarBasisPoints: priceCollarBasisPoints, maxPositionQuantity: maxPositionQuantity,
                          maxGrossExposure: try money(maxGrossExposure, "maxGrossExposure"), maxOpenOrders: maxOpenOrders,
                          orderRate: orderRate, dailyLossLimit: try money(dailyLossLimit, "dailyLossLimit"),
                          tradingWindow: window, accountType: accountType, maxLeverage: maxLeverage)
    }
}
