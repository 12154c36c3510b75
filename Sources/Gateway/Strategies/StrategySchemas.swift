import Marketplace

// Limits mirror `MarketplaceStore.createStrategy/uploadVersion`.

extension CreateStrategyBody {
    static var schema: JSONSchema { .body(["name": .string(minLength: 1, maxLength: 100)]) }
}

extension UploadVersionBody {
    static var schema: JSONSchema {
        .body(["source": .string(minLength: 1, maxLength: 200_000)], optional: ["changelog": .string(maxLength: 2_000)])
    }
}

extension StrategyView: SchemaDescribed {
    static let schemaName = "Strategy"
    static var schema: JSONSchema { .record(["id": .id, "authorId": .id, "name": .text, "createdAt": .timestamp]) }
}

extension VersionView: SchemaDescribed {
    static let schemaName = "StrategyVersion"
    static var schema: JSONSchema {
        .record(["id": .id, "strategyId": .id, "number": .integer(minimum: 1), "status": .oneOfStrings(["accepted", "rejected"]),
                 "changelog": .text, "contentHash": .text, "issues": .array(of: .text), "callbacks": .array(of: .text),
                 "parameters": .list(ParameterView.self), "createdAt": .timestamp],
                optional: ["performance": .ref(ValidationFiguresView.self)])
    }
}

extension SourceView: SchemaDescribed {
    static let schemaName = "Source"
    static var schema: JSONSchema { .record(["versionId": .id, "source": .text]) }
}

extension JSONSchema {
    /// An exact decimal written as text ("-12.50000000").
    static let decimalText = JSONSchema.string(pattern: "^-?[0-9]+(\\.[0-9]+)?$")
}
