import Marketplace
import Platform

extension AdminRoutes.SuspendBody {
    static var schema: JSONSchema { .body(["until": .timestamp, "reason": .reason]) }
}

extension AdminRoutes.RoleBody {
    static var schema: JSONSchema { .body(["role": .oneOfStrings(Role.allCases.map(\.rawValue))]) }
}

extension AdminRoutes.CreditBody {
    static var schema: JSONSchema {
        .body(["amount": .string(minLength: 1, maxLength: 20, pattern: "^[0-9]+(\\.[0-9]{1,2})?$"), "reason": .reason],
              optional: ["currency": .string(pattern: "^[A-Z]{3}$")])
    }
}

extension AdminRoutes.ResolveBody {
    static var schema: JSONSchema { .body(["resolution": .reason]) }
}

extension AdminRoutes.ReportView: SchemaDescribed {
    static let schemaName = "Report"
    static var schema: JSONSchema {
        .record(["id": .id, "reporterId": .id, "targetKind": .oneOfStrings(["listing", "review"]), "targetId": .id,
                 "reason": .text, "createdAt": .timestamp])
    }
}

extension AdminRoutes.StatsView: SchemaDescribed {
    static let schemaName = "PlatformStats"
    static var schema: JSONSchema {
        let count = JSONSchema.integer(minimum: 0)
        return .record(["runningDeployments": count, "pendingListings": .integer(minimum: 0, maximum: 100),
                        "openReports": .integer(minimum: 0, maximum: 100), "ledgerImbalance": .exact,
                        "users": .record(["total": count, "active": count, "suspended": count, "banned": count]),
                        "sales": .record(["completed": count, "refunded": count]),
                        "revenue": .array(of: .record(["currency": .string(pattern: "^[A-Z]{3}$"), "gross": .exact, "fees": .exact, "paidOut": .exact])),
                        "deployments": .record(["running": count, "halted": count, "faulted": count, "stopped": count]),
                        "faultedDeployments": count])
    }
}

