import Sandbox

/// An order as a strategy asked for it, before it is put on the instrument's
/// grid and checked: prices and sizes are still the Lua numbers it gave.
public struct OrderRequest: Sendable, Equatable {
    public enum Kind: String, Sendable, Equatable { case market, limit, stop, stopLimit = "stop_limit" }
    public enum Size: Sendable, Equatable {
        case quantity(Double)
        case notional(Double)
        case equityFraction(Double)
    }

    public var symbol: String
    public var side: Side
    public var kind: Kind
    public var size: Size
    /// Limit price (limit, stop-limit).
    public var price: Double?
    /// Trigger price (stop, stop-limit).
    public var trigger: Double?
    public var timeInForce: TimeInForce
    public var tag: String?
    public var reduceOnly: Bool

    public init(symbol: String, side: Side, kind: Kind = .market, size: Size, price: Double? = nil,
                trigger: Double? = nil, timeInForce: TimeInForce = .gtc, tag: String? = nil, reduceOnly: Bool = false) {
        self.symbol = symbol
        self.side = side
        self.kind = kind
        self.size = size
        self.price = price
        self.trigger = trigger
        self.timeInForce = timeInForce
        self.tag = tag
        self.reduceOnly = reduceOnly
    }
}

/// A bracket: an entry with optional take-profit and stop-loss exits that
/// cancel each other once one fills.
public struct BracketRequest: Sendable, Equatable {
    public var entry: OrderRequest
    public var takeProfit: Double?
    public var stopLoss: Double?
}

extension OrderRequest {
    static let fields: Set<String> = [
        "symbol", "side", "type", "quantity", "notional", "equity", "price", "trigger", "tif", "tag", "reduce_only",
    ]

    /// Parses the table a script passed to `ctx.order`/`ctx.buy`/`ctx.sell`.
    /// `side` fixes the side for buy/sell; `symbol` is the default symbol
    /// (the current event's). Errors name the field.
    static func parse(
        _ table: [String: LuaValue], side fixedSide: Side?, defaultSymbol: String?, extraFields: Set<String> = []
    ) throws(HostCallError) -> OrderRequest {
        // One pass over the table, matching each key by comparison: the
        // event path (an order per bar in some strategies) then hashes no
        // key, where a lookup per field hashed each name a dozen times.
        var given = GivenFields()
        var unknown: String?
        for (key, value) in table {
            switch key {
            case "symbol": given.symbol = value
            case "side": given.side = value
            case "type": given.type = value
            case "quantity": given.quantity = value
            case "notional": given.notional = value
            case "equity": given.equity = value
            case "price": given.price = value
            case "trigger": given.trigger = value
            case "tif": given.tif = value
            case "tag": given.tag = value
            case "reduce_only": given.reduceOnly = value
            default:
                // The first unknown key in sorted order, as the error has always named it.
                if !extraFields.contains(key), unknown.map({ key < $0 }) ?? true { unknown = key }
            }
        }
        if let unknown {
            throw .failed("unknown order field '\(unknown)' (known: \(fields.union(extraFields).sorted().joined(separator: ", ")))")
        }
        let symbol: String
        switch given.symbol {
        case .string(let text)?: symbol = text
        case nil:
            guard let defaultSymbol else { throw .failed("order needs a symbol (no current event to take it from)") }
            symbol = defaultSymbol
        default: throw .failed("order field 'symbol' must be a string")
        }
        let side: Side
        if let fixedSide {
            side = fixedSide
            if given.side != nil { throw .failed("ctx.\(fixedSide.rawValue) takes no 'side' field") }
        } else {
            guard case .string(let text)? = given.side, let parsed = Side(rawValue: text) else {
                throw .failed("order field 'side' must be \"buy\" or \"sell\"")
            }
            side = parsed
        }
        let kind: Kind
        switch given.type {
        case nil: kind = given.price != nil ? (given.trigger != nil ? .stopLimit : .limit) : (given.trigger != nil ? .stop : .market)
        case .string(let text)?:
            guard let parsed = Kind(rawValue: text) else {
                throw .failed("order field 'type' must be market, limit, stop or stop_limit, got \"\(text.prefix(20))\"")
            }
            kind = parsed
        default: throw .failed("order field 'type' must be a string")
        }
        // Matched on the three fields directly: an order builds no list of
        // them (the failure alone names which were given).
        let size: Size
        switch (given.quantity, given.notional, given.equity) {
        case (let value?, nil, nil): size = .quantity(try positive(value, "quantity"))
        case (nil, let value?, nil): size = .notional(try positive(value, "notional"))
        case (nil, nil, let value?):
            let amount = try positive(value, "equity")
            guard amount <= 1 else { throw .failed("order field 'equity' is a fraction of equity: 0 < equity <= 1, got \(amount)") }
            size = .equityFraction(amount)
        default:
            let named = [("quantity", given.quantity), ("notional", given.notional), ("equity", given.equity)]
                .compactMap { $0.1 == nil ? nil : $0.0 }
            throw .failed("order needs exactly one of quantity, notional or equity (got \(named.isEmpty ? "none" : named.joined(separator: ", ")))")
        }
        let price = try given.price.map { (value) throws(HostCallError) in try positive(value, "price") }
        let trigger = try given.trigger.map { (value) throws(HostCallError) in try positive(value, "trigger") }
        switch kind {
        case .market:
            if price != nil || trigger != nil { throw .failed("a market order takes no price or trigger") }
        case .limit:
            guard price != nil else { throw .failed("a limit order needs 'price'") }
            if trigger != nil { throw .failed("a limit order takes no trigger (use type = \"stop_limit\")") }
        case .stop:
            guard trigger != nil else { throw .failed("a stop order needs 'trigger'") }
            if price != nil { throw .failed("a stop order takes no price (use type = \"stop_limit\")") }
        case .stopLimit:
            guard price != nil, trigger != nil else { throw .failed("a stop_limit order needs 'price' and 'trigger'") }
        }
        var timeInForce = TimeInForce.gtc
        if let value = given.tif {
            guard case .string(let text) = value, let parsed = TimeInForce(rawValue: text.uppercased()) else {
                throw .failed("order field 'tif' must be GTC, IOC, FOK or DAY")
            }
            timeInForce = parsed
        }
        var tag: String? = nil
        if let value = given.tag {
            guard case .string(let text) = value, text.utf8.count <= 64, !text.utf8.contains(0) else {
                throw .failed("order field 'tag' must be a string of at most 64 bytes")
            }
            tag = text
        }
        var reduceOnly = false
        if let value = given.reduceOnly {
            guard case .boolean(let flag) = value else { throw .failed("order field 'reduce_only' must be true or false") }
            reduceOnly = flag
        }
        return OrderRequest(symbol: symbol, side: side, kind: kind, size: size, price: price, trigger: trigger,
                            timeInForce: timeInForce, tag: tag, reduceOnly: reduceOnly)
    }

    static func positive(_ table: [String: LuaValue], _ key: String) throws(HostCallError) -> Double? {
        guard let value = table[key] else { return nil }
        return try positive(value, key)
    }

    static func positive(_ value: LuaValue, _ key: String) throws(HostCallError) -> Double {
        guard let number = value.doubleValue, number.isFinite, number > 0 else {
            throw .failed("order field '\(key)' must be a positive finite number")
        }
        return number
    }

    /// The order fields a table gave, each nil when absent.
    private struct GivenFields {
        var symbol, side, type, quantity, notional, equity, price, trigger, tif, tag, reduceOnly: LuaValue?
    }
}
