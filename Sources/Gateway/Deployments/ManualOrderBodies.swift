import Host

/// One manual order as a client sends it. Validated here (names the field)
/// before the host puts it on the instrument's grid and the risk gate.
struct ManualOrderBody: RequestBody {
    static let maximumAmount = 1e12

    var symbol: String
    var side: String
    var type: String?
    /// Prices, quantities and amounts are decimal strings (`APIUnits`).
    var quantity: String?
    var notional: String?
    var price: String?
    var trigger: String?
    var timeInForce: String?
    var reduceOnly: Bool?
    var tag: String?
    var takeProfit: String?
    var stopLoss: String?

    /// A price, quantity or amount as typed: nil, or a decimal string above 0
    /// and at most 1e12 (the host then puts it on the instrument's grid).
    static func amount(_ text: String?, _ field: String) throws -> Double? {
        guard let text else { return nil }
        let invalid = APIError.invalid(field, "must be a decimal string above 0 and at most 1000000000000, e.g. \"0.5\"")
        guard text.utf8.count <= 32, APIUnits.isDecimal(text), let value = Double(text) else { throw invalid }
        guard value.isFinite, value > 0, value <= maximumAmount else { throw invalid }
        return value
    }

    /// The validated order; `field` prefixes every field name (`legs[2].`).
    func order(field prefix: String = "") throws -> ManualOrder {
        func name(_ field: String) -> String { prefix + field }
        func positive(_ value: String?, _ field: String) throws -> Double? { try Self.amount(value, name(field)) }
        let symbol = try Check.text(symbol, name("symbol"), length: 1...32)
        guard let side = Side(rawValue: side) else { throw APIError.invalid(name("side"), "must be \"buy\" or \"sell\"") }
        guard let kind = OrderRequest.Kind(rawValue: type ?? "market") else {
            throw APIError.invalid(name("type"), "must be market, limit, stop or stop_limit")
        }
        let quantity = try positive(quantity, "quantity")
        let notional = try positive(notional, "notional")
        guard (quantity == nil) != (notional == nil) else {
            throw APIError.invalid(name("quantity"), "exactly one of quantity and notional is required")
        }
        let price = try positive(price, "price")
        let trigger = try positive(trigger, "trigger")
        let needsPrice = kind == .limit || kind == .stopLimit
        let needsTrigger = kind == .stop || kind == .stopLimit
        if needsPrice != (price != nil) {
            throw APIError.invalid(name("price"), needsPrice ? "is required for a \(kind.rawValue) order" : "is only for limit and stop_limit orders")
        }
        if needsTrigger != (trigger != nil) {
            throw APIError.invalid(name("trigger"), needsTrigger ? "is required for a \(kind.rawValue) order" : "is only for stop and stop_limit orders")
        }
        guard let timeInForce = TimeInForce(apiName: timeInForce ?? "gtc") else {
            throw APIError.invalid(name("timeInForce"), "must be gtc, ioc, fok or day")
        }
        let tag = try tag.map { try Check.text($0, name("tag"), length: 1...64) }
        let takeProfit = try positive(takeProfit, "takeProfit")
        let stopLoss = try positive(stopLoss, "stopLoss")
        if let takeProfit, let stopLoss, side == .buy ? takeProfit <= stopLoss : takeProfit >= stopLoss {
            throw APIError.invalid(name("takeProfit"), side == .buy ? "must be above stopLoss for a buy" : "must be below stopLoss for a sell")
        }
        if (takeProfit != nil || stopLoss != nil) && reduceOnly == true {
            throw APIError.invalid(name("reduceOnly"), "a bracket entry opens a position: it cannot be reduce-only")
        }
        return ManualOrder(symbol: symbol, side: side, type: kind, quantity: quantity, notional: notional, price: price,
                           trigger: trigger, timeInForce: timeInForce, reduceOnly: reduceOnly ?? false, tag: tag,
                           takeProfit: takeProfit, stopLoss: stopLoss)
    }
}

/// Several orders judged together: none is sent unless all pass.
struct BulkOrderBody: RequestBody {
    static let maximumLegs = 20
    var legs: [StrictLeg]

    func orders() throws -> [ManualOrder] {
        guard (1...Self.maximumLegs).contains(legs.count) else {
            throw APIError.invalid("legs", "must hold 1 to \(Self.maximumLegs) orders")
        }
        return try legs.enumerated().map { index, leg in try leg.body.order(field: "legs[\(index)].") }
    }

    /// A leg decoded as strictly as a top-level body: an unknown field is
    /// refused, naming it with the leg's index.
    struct StrictLeg: Decodable, Sendable {
        let body: ManualOrderBody

        init(from decoder: any Decoder) throws {
            let keys = try decoder.container(keyedBy: AnyCodingKey.self).allKeys.map(\.stringValue)
            let unknown = Set(keys).subtracting(ManualOrderBody.fields).sorted()
            guard unknown.isEmpty else {
                let index = decoder.codingPath.last?.intValue ?? 0
                throw APIError(status: 422, code: "unknown_field", message: "a leg has fields an order does not accept",
                               details: unknown.map { APIError.Detail(field: "legs[\(index)].\($0)", issue: "is not a field of an order") })
            }
            body = try ManualOrderBody(from: decoder)
        }
    }
}

private struct AnyCodingKey: CodingKey {
    var stringValue: String
    var intValue: Int?
    init(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) {
        stringValue = "\(intValue)"
        self.intValue = intValue
    }
}

/// New values for a working order; at least one.
struct ModifyOrderBody: RequestBody {
    var quantity: String?
    var price: String?
    var trigger: String?

    func command(_ id: OrderID) throws -> ManualCommand {
        let quantity = try ManualOrderBody.amount(quantity, "quantity")
        let price = try ManualOrderBody.amount(price, "price")
        let trigger = try ManualOrderBody.amount(trigger, "trigger")
        guard quantity != nil || price != nil || trigger != nil else {
            throw APIError.invalid("quantity", "at least one of quantity, price and trigger is required")
        }
        return .modify(id: id, quantity: quantity, price: price, trigger: trigger)
    }
}

/// What a manual command did: the orders it created or changed, as they
/// stand now (each as in the deployment's order journal).
struct ManualOutcomeView: Encodable, ResponseEncodableBody {
    var orders: [OrderView]
}

extension TimeInForce {
    /// `gtc`, `ioc`, `fok` or `day`.
    init?(apiName: String) {
        guard apiName == apiName.lowercased(), let value = TimeInForce(rawValue: apiName.uppercased()) else { return nil }
        self = value
    }
}
