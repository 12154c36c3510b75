import Host
import Marketplace

extension TemplateRoutes.TemplateView: SchemaDescribed {
    static let schemaName = "Template"
    static var schema: JSONSchema {
        .record(["id": .text, "title": .text, "description": .text, "category": .category, "parameters": .parameters,
                 "risk": .ref(RiskLimits.self), "builtin": .boolean])
    }
}

/// Limits mirror `MarketplaceStore.saveTemplate`'s manifest checks.
extension TemplateManifest: SchemaDescribed {
    static var schema: JSONSchema {
        .record(["id": .string(minLength: 2, maxLength: 64, pattern: "^[a-z0-9_-]+$"), "title": .string(minLength: 3, maxLength: 120),
                 "description": .string(minLength: 10, maxLength: 5_000), "category": .category, "parameters": .parameters,
                 "risk": .ref(RiskLimits.self)],
                optional: ["strategy": .text])
    }
}

extension TemplateRoutes.TemplateBody {
    static var schema: JSONSchema {
        .body(["manifest": .ref(TemplateManifest.self), "source": .string(minLength: 1, maxLength: 200_000)])
    }
}
