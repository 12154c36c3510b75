import Host

extension JSONSchema {
    /// Strategy parameters: names to JSON values (checked against the script's schema).
    static let parameters = JSONSchema.dictionary(of: .any)
}

extension CreateDeploymentBody {
    static var schema: JSONSchema {
        .body([:], optional: ["versionId": .id, "listingId": .id, "templateId": .string(minLength: 1, maxLength: 100),
                              "parameters": .parameters, "risk": .ref(RiskLimits.self), "start": .boolean,
                              "symbols": .array(of: .string(minLength: 1, maxLength: 32)),
                              "timeframe": .integer(minimum: 1, maximum: 86_400)])
    }
}

extension UpdateDeploymentBody {
    static var schema: JSONSchema { .body([:], optional: ["parameters": .parameters, "risk": .ref(RiskLimits.self)]) }
}

extension DeploymentView: SchemaDescribed {
    static let schemaName = "Deployment"
    static var schema: JSONSchema {
        let live = JSONSchema.record([
            "status": .text, "cash": .decimalText, "equity": .decimalText, "realizedPnL": .decimalText, "fees": .decimalText,
            "openOrders": .integer(minimum: 0), "positions": .integer(minimum: 0), "fills": .integer(minimum: 0),
        ])
        return .record(["id": .id, "sourceKind": .oneOfStrings(["strategyVersion", "listing", "template"]), "sourceId": .text,
                        "parameters": .parameters, "risk": .ref(RiskLimits.self), "effectiveRisk": .ref(RiskLimits.self),
                        "mode": .text,
                        "status": .oneOfStrings(["stopped", "running", "halted", "faulted"]), "statusReason": .text,
                        "createdAt": .time, "updatedAt": .time, "killSwitch": .nullable(.ref(KillSwitchView.self))],
                       optional: ["live": live, "symbols": .array(of: .text), "timeframe": .integer(minimum: 1)])
    }
}

extension PerformanceView: SchemaDescribed {
    static let schemaName = "DeploymentPerformance"
    static var schema: JSONSchema {
        .record(["deploymentId": .id, "running": .boolean, "fills": .integer(minimum: 0), "orders": .integer(minimum: 0)],
                optional: ["cash": .decimalText, "equity": .decimalText, "realizedPnL": .decimalText, "fees": .decimalText])
    }
}
