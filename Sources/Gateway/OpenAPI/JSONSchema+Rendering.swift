import Foundation

extension JSONSchema {
    /// The schema as a JSON object for `JSONSerialization`. Named schemas are
    /// written once into `components` and referenced with `$ref`.
    func rendered(components: inout [String: Any]) -> [String: Any] {
        switch self {
        case .any: return [:]
        case .boolean: return ["type": "boolean"]
        case .integer(let minimum, let maximum):
            var schema: [String: Any] = ["type": "integer"]
            if let minimum { schema["minimum"] = minimum }
            if let maximum { schema["maximum"] = maximum }
            return schema
        case .number(let minimum, let maximum):
            var schema: [String: Any] = ["type": "number"]
            if let minimum { schema["minimum"] = minimum }
            if let maximum { schema["maximum"] = maximum }
            return schema
        case .string(let minLength, let maxLength, let pattern):
            var schema: [String: Any] = ["type": "string"]
            if let minLength { schema["minLength"] = minLength }
            if let maxLength { schema["maxLength"] = maxLength }
            if let pattern { schema["pattern"] = pattern }
            return schema
        case .oneOfStrings(let values): return ["type": "string", "enum": values]
        case .array(let items, let maxItems):
            var schema: [String: Any] = ["type": "array", "items": items.rendered(components: &components)]
            if let maxItems { schema["maxItems"] = maxItems }
            return schema
        case .object(let required, let optional, let closed):
            var properties: [String: Any] = [:]
            for (name, field) in required { properties[name] = field.rendered(components: &components) }
            for (name, field) in optional {
                let nullable = if case .nullable = field { field } else { JSONSchema.nullable(field) }
                properties[name] = nullable.rendered(components: &components)
            }
            var schema: [String: Any] = ["type": "object", "properties": properties]
            if !required.isEmpty { schema["required"] = required.keys.sorted() }
            if closed { schema["additionalProperties"] = false }
            return schema
        case .dictionary(let values):
            return ["type": "object", "additionalProperties": values.rendered(components: &components)]
        case .component(let name, let schema):
            if components[name] == nil {
                components[name] = [:] as [String: Any] // claimed first, so a schema that refers to itself terminates
                components[name] = schema.rendered(components: &components)
            }
            return ["$ref": "#/components/schemas/\(name)"]
        case .nullable(let wrapped):
            return Self.nullable(wrapped.rendered(components: &components))
        case .anyOf(let choices):
            return ["anyOf": choices.map { $0.rendered(components: &components) }]
        }
    }

    /// Adds null to a rendered schema: into its type (and enum) when it has
    /// one, otherwise as an `anyOf` alternative. `{}` already allows null.
    private static func nullable(_ schema: [String: Any]) -> [String: Any] {
        if schema.isEmpty { return schema }
        guard let type = schema["type"] as? String else { return ["anyOf": [schema, ["type": "null"]]] }
        var result = schema
        result["type"] = [type, "null"]
        if let values = schema["enum"] as? [Any] { result["enum"] = values + [NSNull()] }
        return result
    }
}
