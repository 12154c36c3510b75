/// The JSON of `/api/health`, `/api/health/ready` and `/api/version`.
extension HealthRoutes.Health: SchemaDescribed {
    static var schema: JSONSchema {
        .record(["status": .oneOfStrings(["ok", "ready", "not_ready"])],
                optional: ["database": .oneOfStrings(["ok", "unreadable"]), "deployments": .integer(minimum: 0), "hostMode": .text])
    }
}

extension HealthRoutes.Version: SchemaDescribed {
    static var schema: JSONSchema {
        .record(["name": .oneOfStrings(["lunar"]), "version": .text, "schemaVersion": .integer(minimum: 1), "hostMode": .text])
    }
}
