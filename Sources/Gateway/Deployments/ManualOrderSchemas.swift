import Host

extension JSONSchema {
    /// A price, quantity or amount a client types: above 0, at most 1e12.
    static let amount = JSONSchema.number(minimum: 0, maximum: ManualOrderBody.maximumAmount)
}

extension ManualOrderBody {
    static var schema: JSONSchema {
        .body(["symbol": .string(minLength: 1, maxLength: 32), "side": .side],
              optional: ["type": .oneOfStrings(["market", "limit", "stop", "stop_limit"]), "quantity": .amount, "notional": .amount,
                         "price": .amount, "trigger": .amount, "timeInForce": .string(minLength: 3, maxLength: 3),
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
    static var schema: JSONSchema { .record(["orders": .list(Order.self)]) }
}
