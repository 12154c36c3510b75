import Host
import Marketplace

extension TemplateRoutes.TemplateView: SchemaDescribed {
    static let schemaName = "Template"
    static var schema: JSONSchema {
        .record(["id": .text, "title": .text, "description": .text, "category": .category, "parameters": .parameters,
                 "parameterSchema": .list(ParameterView.self), "risk": .ref(RiskLimitsView.self), "builtin": .boolean])
    }
}

/// Limits mirror `MarketplaceStore.saveTemplate`'s manifest checks.
extension TemplateRoutes.Manifest: SchemaDescribed {
    static let schemaName = "TemplateManifest"
    static var schema: JSONSchema {
        .body(["id": .string(minLength: 2, maxLength: 64, pattern: "^[a-z0-9_-]+$"), "title": .string(minLength: 3, maxLength: 120),
                 "description": .string(minLength: 10, maxLength: 5_000), "category": .category, "parameters": .parameters,
                 "risk": .ref(RiskLimitsView.self)],
                optional: ["strategy": .text])
    }
}

extension TemplateRoutes.TemplateBody {
    static var schema: JSONSchema {
        .body(["manifest": .ref(TemplateRoutes.Manifest.self), "source": .string(minLength: 1, maxLength: 200_000)])
    }
}
