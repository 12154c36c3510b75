import Host

// Orders, fills, positions, accounts and log lines in the API's units
// (`APIUnits`, `TradingViews.swift`).

extension JSONSchema {
    static let side = JSONSchema.oneOfStrings(["buy", "sell"])
    /// An exact decimal string (price, quantity or money).
    static let exact = JSONSchema.decimalText
    static let currency = JSONSchema.oneOfStrings([APIUnits.currency])
}

extension OrderReasonView: SchemaDescribed {
    static let schemaName = "OrderReason"
    static var schema: JSONSchema { .record(["code": .text, "message": .text], optional: ["limit": .text]) }
}

extension OrderView: SchemaDescribed {
    static let schemaName = "Order"
    static var schema: JSONSchema {
        .record(["id": .integer(), "symbol": .text, "side": .side, "type": .oneOfStrings(["market", "limit", "stop", "stop_limit"]),
                 "timeInForce": .oneOfStrings(["gtc", "ioc", "fok", "day"]),
                 "status": .oneOfStrings(["accepted", "partially_filled", "filled", "canceled", "rejected", "expired"]),
                 "sizing": .oneOfStrings(["quantity", "notional", "equity_fraction"]),
                 "quantity": .exact, "filledQuantity": .exact, "currency": .currency, "reduceOnly": .boolean, "triggered": .boolean,
                 "childIds": .array(of: .integer()), "createdTime": .timestamp, "updatedTime": .timestamp],
                optional: ["price": .exact, "trigger": .exact, "averagePrice": .exact, "notional": .exact,
                           "equityFraction": .number(minimum: 0, maximum: 1), "tag": .text, "parentId": .integer(),
                           "reason": .ref(OrderReasonView.self)])
    }
}

extension FillView: SchemaDescribed {
    static let schemaName = "Fill"
    static var schema: JSONSchema {
        .record(["id": .text, "orderId": .integer(), "symbol": .text, "side": .side, "quantity": .exact, "price": .exact,
                 "notional": .exact, "fee": .exact, "currency": .currency, "time": .timestamp],
                optional: ["tag": .text])
    }
}

extension PositionView: SchemaDescribed {
    static let schemaName = "Position"
    static var schema: JSONSchema {
        .record(["symbol": .text, "side": .oneOfStrings(["long", "short"]), "quantity": .exact, "costBasis": .exact,
                 "marketValue": .exact, "unrealizedPnL": .exact, "realizedPnL": .exact, "fees": .exact, "currency": .currency],
                optional: ["averagePrice": .exact, "markPrice": .exact])
    }
}

extension AccountView: SchemaDescribed {
    static let schemaName = "Account"
    static var schema: JSONSchema {
        .record(["running": .boolean, "status": .oneOfStrings(["ready", "running", "halted", "faulted", "stopped"]),
                 "currency": .currency, "cash": .exact, "equity": .exact, "realizedPnL": .exact, "unrealizedPnL": .exact,
                 "fees": .exact, "openOrders": .integer(minimum: 0), "fills": .integer(minimum: 0),
                 "positions": .list(PositionView.self)])
    }
}

extension LogEntryView: SchemaDescribed {
    static let schemaName = "LogEntry"
    static var schema: JSONSchema {
        .record(["time": .timestamp, "level": .text, "message": .text], optional: ["sequence": .integer(minimum: 1)])
    }
}
