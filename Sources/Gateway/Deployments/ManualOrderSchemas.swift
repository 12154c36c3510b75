import Host

extension JSONSchema {
    /// A price, quantity or amount a client types: a decimal string above 0, at most 1e12.
    static let amount = JSONSchema.string(minLength: 1, maxLength: 32, pattern: "^[0-9]+(\\.[0-9]+)?$")
}

extension ManualOrderBody {
    static var schema: JSONSchema {
        .body(["symbol": .string(minLength: 1, maxLength: 32), "side": .side],
              optional: ["type": .oneOfStrings(["market", "limit", "stop", "stop_limit"]), "quantity": .amount, "notional": .amount,
                         "price": .amount, "trigger": .amount, "timeInForce": .oneOfStrings(["gtc", "ioc", "fok", "day"]),
                         "reduceOnly": .boolean, "tag": .string(minLength: 1, maxLength: 64), "takeProfit": .amount, "stopLoss": .amount])
    }
}

extension BulkOrderBody {
    static var schema: JSONSchema {
        .body(["legs": .array(of: ManualOrderBody.schema, maxItems: maximumLegs)])
    }
}

extension ModifyOrderBody {
    static var schema: JSONSchema { .body([:], optional: ["quantity": .amount, "price": .amount, "trigger": .amount]) }
}

extension ManualOutcomeView: SchemaDescribed {
    static let schemaName = "ManualOutcome"
    static var schema: JSONSchema { .record(["orders": .list(OrderView.self)]) }
}
