import Host

// The Host's own JSON (synthesized `Codable`): fixed-point values are
// objects with one integer field, enums with payloads are one-key objects
// (`{"limit": {"_0": {"ticks": 12345}}}`), and nil fields are left out.

extension Money: SchemaDescribed {
    static var schema: JSONSchema { .record(["units": .integer()]) }
}

extension Price: SchemaDescribed {
    static var schema: JSONSchema { .record(["ticks": .integer()]) }
}

extension Quantity: SchemaDescribed {
    static var schema: JSONSchema { .record(["lots": .integer()]) }
}

extension OrderType: SchemaDescribed {
    static var schema: JSONSchema {
        .anyOf([
            .record(["market": .record([:])]),
            .record(["limit": .record(["_0": .ref(Price.self)])]),
            .record(["stop": .record(["trigger": .ref(Price.self)])]),
            .record(["stopLimit": .record(["trigger": .ref(Price.self), "limit": .ref(Price.self)])]),
        ])
    }
}

extension OrderSizing: SchemaDescribed {
    static var schema: JSONSchema {
        .anyOf([
            .record(["quantity": .record(["_0": .ref(Quantity.self)])]),
            .record(["notional": .record(["_0": .ref(Money.self)])]),
            .record(["equityFraction": .record(["_0": .number()])]),
        ])
    }
}

extension OrderReason: SchemaDescribed {
    static var schema: JSONSchema { .record(["code": .text, "message": .text], optional: ["limit": .text]) }
}

extension JSONSchema {
    static let side = JSONSchema.oneOfStrings(["buy", "sell"])
}

extension Order: SchemaDescribed {
    static var schema: JSONSchema {
        .record(["id": .integer(), "symbol": .text, "side": .side, "type": .ref(OrderType.self),
                 "timeInForce": .oneOfStrings(["GTC", "IOC", "FOK", "DAY"]), "quantity": .ref(Quantity.self),
                 "sizing": .ref(OrderSizing.self), "filledQuantity": .ref(Quantity.self), "filledNotional": .ref(Money.self),
                 "status": .oneOfStrings(["ACCEPTED", "PARTIALLY_FILLED", "FILLED", "CANCELED", "REJECTED", "EXPIRED"]),
                 "reduceOnly": .boolean, "childIDs": .array(of: .integer()), "triggered": .boolean,
                 "createdAt": .integer(), "updatedAt": .integer()],
                optional: ["tag": .text, "parentID": .integer(), "reason": .ref(OrderReason.self)])
    }
}

extension Fill: SchemaDescribed {
    static var schema: JSONSchema {
        .record(["orderID": .integer(), "symbol": .text, "side": .side, "quantity": .ref(Quantity.self), "price": .ref(Price.self),
                 "fee": .ref(Money.self), "notional": .ref(Money.self), "time": .integer()],
                optional: ["tag": .text])
    }
}

extension Position: SchemaDescribed {
    static var schema: JSONSchema {
        .record(["symbol": .text, "quantity": .ref(Quantity.self), "costBasis": .ref(Money.self),
                 "realizedPnL": .ref(Money.self), "fees": .ref(Money.self)])
    }
}

extension DeploymentLogEntry: SchemaDescribed {
    static let schemaName = "LogEntry"
    static var schema: JSONSchema { .record(["time": .integer(), "level": .text, "message": .text]) }
}
