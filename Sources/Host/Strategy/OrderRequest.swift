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
        for key in table.keys.sorted() where !fields.contains(key) && !extraFields.contains(key) {
            throw .failed("unknown order field '\(key)' (known: \(fields.union(extraFields).sorted().joined(separator: ", ")))")
        }
        let symbol: String
        switch table["symbol"] {
        case .string(let text)?: symbol = text
        case nil:
            guard let defaultSymbol else { throw .failed("order needs a symbol (no current event to take it from)") }
            symbol = defaultSymbol
        default: throw .failed("order field 'symbol' must be a string")
        }
        let side: Side
        if let fixedSide {
            side = fixedSide
            if table["side"] != nil { throw .failed("ctx.\(fixedSide.rawValue) takes no 'side' field") }
        } else {
            guard case .string(let text)? = table["side"], let parsed = Side(rawValue: text) else {
                throw .failed("order field 'side' must be \"buy\" or \"sell\"")
            }
            side = parsed
        }
        let kind: Kind
        switch table["type"] {
        case nil: kind = table["price"] != nil ? (table["trigger"] != nil ? .stopLimit : .limit) : (table["trigger"] != nil ? .stop : .market)
        case .string(let text)?:
            guard let parsed = Kind(rawValue: text) else {
                throw .failed("order field 'type' must be market, limit, stop or stop_limit, got \"\(text.prefix(20))\"")
            }
            kind = parsed
        default: throw .failed("order field 'type' must be a string")
        }
        let sizes = ["quantity", "notional", "equity"].filter { table[$0] != nil }
        guard sizes.count == 1 else {
            throw .failed("order needs exactly one of quantity, notional or equity (got \(sizes.isEmpty ? "none" : sizes.joined(separator: ", ")))")
        }
        let amount = try positive(table, sizes[0])!
        let size: Size
        switch sizes[0] {
        case "quantity": size = .quantity(amount)
        case "notional": size = .notional(amount)
        default:
            guard amount <= 1 else { throw .failed("order field 'equity' is a fraction of equity: 0 < equity <= 1, got \(amount)") }
            size = .equityFraction(amount)
        }
        let price = try positive(table, "price")
        let trigger = try positive(table, "trigger")
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
        if let value = table["tif"] {
            guard case .string(let text) = value, let parsed = TimeInForce(rawValue: text.uppercased()) else {
                throw .failed("order field 'tif' must be GTC, IOC, FOK or DAY")
            }
            timeInForce = parsed
        }
        var tag: String? = nil
        if let value = table["tag"] {
            guard case .string(let text) = value, text.utf8.count <= 64, !text.utf8.contains(0) else {
                throw .failed("order field 'tag' must be a string of at most 64 bytes")
            }
            tag = text
        }
        var reduceOnly = false
        if let value = table["reduce_only"] {
            guard case .boolean(let flag) = value else { throw .failed("order field 'reduce_only' must be true or false") }
            reduceOnly = flag
        }
        return OrderRequest(symbol: symbol, side: side, kind: kind, size: size, price: price, trigger: trigger,
                            timeInForce: timeInForce, tag: tag, reduceOnly: reduceOnly)
    }

    static func positive(_ table: [String: LuaValue], _ key: String) throws(HostCallError) -> Double? {
        guard let value = table[key] else { return nil }
        guard let number = value.doubleValue, number.isFinite, number > 0 else {
            throw .failed("order field '\(key)' must be a positive finite number")
        }
        return number
    }
}
