import Host

// `RiskLimitsView` is read by deployment, template and owner-limit bodies;
// the ranges are the store's `RiskRules`.

extension RiskLimitsView: SchemaDescribed {
    static let schemaName = "RiskLimits"
    static var schema: JSONSchema {
        .record([:], optional: [
            "maxOrderQuantity": .ref(QuantityLimit.self), "maxOrderNotional": .decimalText,
            "priceCollarBasisPoints": .integer(minimum: 1, maximum: 10_000), "maxPositionQuantity": .ref(QuantityLimit.self),
            "maxGrossExposure": .decimalText, "maxOpenOrders": .integer(minimum: 0, maximum: 10_000),
            "orderRate": .ref(OrderRateLimit.self), "dailyLossLimit": .decimalText, "tradingWindow": .ref(RiskLimitsView.Window.self),
            "accountType": .oneOfStrings(["cash", "margin"]), "maxLeverage": .number(minimum: 1, maximum: 100),
        ])
    }
}

extension QuantityLimit: SchemaDescribed {
    static var schema: JSONSchema {
        let decimal = JSONSchema.string(pattern: "^[0-9]+(\\.[0-9]+)?$")
        return .record(["bySymbol": .dictionary(of: decimal)], optional: ["allSymbols": decimal])
    }
}

extension OrderRateLimit: SchemaDescribed {
    static var schema: JSONSchema {
        .record(["capacity": .integer(minimum: 0), "refillTokens": .integer(minimum: 0), "refillIntervalSeconds": .integer(minimum: 1)])
    }
}

extension RiskLimitsView.Window: SchemaDescribed {
    static let schemaName = "TradingWindow"
    static var schema: JSONSchema {
        .record(["weekdays": .array(of: .oneOfStrings(RiskLimitsView.weekdays)),
                 "startMinute": .integer(minimum: 0, maximum: 1_439), "endMinute": .integer(minimum: 0, maximum: 1_440)])
    }
}

extension RiskRoutes.EmergencyStopBody {
    static var schema: JSONSchema {
        .body([:], optional: ["scope": .oneOfStrings(["own", "global", "deployment"]), "deploymentId": .id,
                              "level": .oneOfStrings(KillSwitchLevel.allCases.map(\.apiName)),
                              "reason": .string(minLength: 1, maxLength: 500)])
    }
}

extension RiskRoutes.LimitsBody {
    static var schema: JSONSchema { .body(["limits": .ref(RiskLimitsView.self)]) }
}

extension RiskRoutes.StatusView: SchemaDescribed {
    static let schemaName = "RiskStatus"
    static var schema: JSONSchema {
        .record(["ownEmergencyStop": .boolean, "globalEmergencyStop": .boolean, "runningDeployments": .integer(minimum: 0),
                 "killSwitches": .array(of: .ref(KillSwitchView.self))])
    }
}

extension KillSwitchView: SchemaDescribed {
    static let schemaName = "KillSwitch"
    static var schema: JSONSchema {
        .record(["level": .oneOfStrings(KillSwitchLevel.allCases.map(\.apiName)),
                 "scope": .oneOfStrings(["global", "owner", "deployment"]), "reason": .text, "engagedBy": .id, "engagedAt": .timestamp],
                optional: ["targetId": .id])
    }
}

extension RiskRoutes.LimitsView: SchemaDescribed {
    static let schemaName = "OwnerRiskLimits"
    static var schema: JSONSchema { .record(["limits": .ref(RiskLimitsView.self)]) }
}
