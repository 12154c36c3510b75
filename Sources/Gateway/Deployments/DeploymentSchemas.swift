import Host

extension JSONSchema {
    /// Strategy parameters: names to JSON values (checked against the script's schema).
    static let parameters = JSONSchema.dictionary(of: .any)
}

extension CreateDeploymentBody {
    static var schema: JSONSchema {
        .body([:], optional: ["versionId": .id, "listingId": .id, "templateId": .string(minLength: 1, maxLength: 100),
                              "parameters": .parameters, "risk": .ref(RiskLimitsView.self), "start": .boolean,
                              "symbols": .array(of: .string(minLength: 1, maxLength: 32)),
                              "timeframe": .integer(minimum: 1, maximum: 86_400)])
    }
}

extension TemplateDeployBody {
    static var schema: JSONSchema {
        .body([:], optional: ["parameters": .parameters, "risk": .ref(RiskLimitsView.self), "start": .boolean,
                              "symbols": .array(of: .string(minLength: 1, maxLength: 32)),
                              "timeframe": .integer(minimum: 1, maximum: 86_400)])
    }
}

extension UpdateDeploymentBody {
    static var schema: JSONSchema { .body([:], optional: ["parameters": .parameters, "risk": .ref(RiskLimitsView.self)]) }
}

extension DeploymentView: SchemaDescribed {
    static let schemaName = "Deployment"
    static var schema: JSONSchema {
        .record(["id": .id, "ownerId": .id, "ownerName": .text, "strategyName": .text, "sourceKind": .oneOfStrings(["strategy_version", "listing", "template"]),
                 "parameters": .parameters, "risk": .ref(RiskLimitsView.self), "effectiveRisk": .ref(RiskLimitsView.self),
                 "mode": .text, "status": .oneOfStrings(["stopped", "running", "halted", "faulted"]), "statusReason": .text,
                 "createdAt": .timestamp, "updatedAt": .timestamp, "account": .nullable(.ref(AccountView.self)),
                 "killSwitch": .nullable(.ref(KillSwitchView.self))],
                optional: ["versionId": .id, "listingId": .id, "templateId": .text, "symbols": .array(of: .text),
                           "timeframe": .integer(minimum: 1)])
    }
}

extension PerformanceView: SchemaDescribed {
    static let schemaName = "DeploymentPerformance"
    static var schema: JSONSchema {
        .record(["deploymentId": .id, "account": .nullable(.ref(AccountView.self)), "orders": .integer(minimum: 0),
                 "fills": .integer(minimum: 0)])
    }
}
