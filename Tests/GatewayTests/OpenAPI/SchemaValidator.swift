import Foundation

/// A JSON value with integers and booleans kept apart (JSONSerialization's
/// NSNumber blurs them on Linux).
indirect enum JSONTree: Decodable, Equatable, Sendable {
    case null, bool(Bool), integer(Int64), number(Double), string(String), array([JSONTree]), object([String: JSONTree])

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() { self = .null }
        else if let value = try? container.decode(Bool.self) { self = .bool(value) }
        else if let value = try? container.decode(Int64.self) { self = .integer(value) }
        else if let value = try? container.decode(Double.self) { self = .number(value) }
        else if let value = try? container.decode(String.self) { self = .string(value) }
        else if let value = try? container.decode([JSONTree].self) { self = .array(value) }
        else { self = .object(try container.decode([String: JSONTree].self)) }
    }

    static func parse(_ text: String) throws -> JSONTree { try JSONDecoder().decode(JSONTree.self, from: Data(text.utf8)) }

    subscript(key: String) -> JSONTree? { if case .object(let fields) = self { fields[key] } else { nil } }

    var typeName: String {
        switch self {
        case .null: "null"
        case .bool: "boolean"
        case .integer: "integer"
        case .number: "number"
        case .string: "string"
        case .array: "array"
        case .object: "object"
        }
    }
}

/// Validates JSON against the subset of JSON Schema the Gateway publishes:
/// `$ref`, type (or a type array), properties, required,
/// additionalProperties, items, enum, anyOf, minimum/maximum,
/// minLength/maxLength, pattern and maxItems. Returns every violation with
/// its JSON path, so one run names all the mismatches.
struct SchemaValidator {
    /// The document's `components/schemas`.
    let components: [String: JSONTree]
    /// Treat objects that list properties as closed even when the schema
    /// leaves them open: proves every field the server sends is documented.
    var requireDocumentedFields = true

    func violations(of value: JSONTree, against schema: JSONTree, at path: String = "$") -> [String] {
        guard case .object(let rules) = schema else { return ["\(path): schema is not an object"] }
        if case .string(let reference)? = rules["$ref"] {
            let name = String(reference.split(separator: "/").last ?? "")
            guard let target = components[name] else { return ["\(path): unknown $ref \(reference)"] }
            return violations(of: value, against: target, at: path)
        }
        if case .array(let choices)? = rules["anyOf"] {
            let outcomes = choices.map { violations(of: value, against: $0, at: path) }
            if outcomes.contains(where: \.isEmpty) { return [] }
            return ["\(path): matches no anyOf choice: " + outcomes.map { $0.joined(separator: "; ") }.joined(separator: " | ")]
        }
        if let expected = rules["type"], !Self.matches(value, type: expected) {
            return ["\(path): \(value.typeName) where the schema says \(expected)"]
        }
        var found: [String] = []
        if case .array(let allowed)? = rules["enum"], !allowed.contains(value) { found.append("\(path): \(value) is not in the enum") }
        switch value {
        case .integer(let number): found += range(Double(number), rules, path)
        case .number(let number): found += range(number, rules, path)
        case .string(let text): found += string(text, rules, path)
        case .array(let items):
            if case .integer(let maximum)? = rules["maxItems"], items.count > maximum { found.append("\(path): more than \(maximum) items") }
            if let itemSchema = rules["items"] {
                for (index, item) in items.enumerated() { found += violations(of: item, against: itemSchema, at: "\(path)[\(index)]") }
            }
        case .object(let fields): found += object(fields, rules, path)
        default: break
        }
        return found
    }

    private func object(_ fields: [String: JSONTree], _ rules: [String: JSONTree], _ path: String) -> [String] {
        var found: [String] = []
        let properties: [String: JSONTree] = if case .object(let properties)? = rules["properties"] { properties } else { [:] }
        if case .array(let required)? = rules["required"] {
            for case .string(let name) in required where fields[name] == nil { found.append("\(path): required field \(name) is missing") }
        }
        for (name, value) in fields.sorted(by: { $0.key < $1.key }) {
            if let property = properties[name] {
                found += violations(of: value, against: property, at: "\(path).\(name)")
            } else if let additional = rules["additionalProperties"] {
                if additional == .bool(false) { found.append("\(path): field \(name) is not allowed") }
                else if case .object = additional { found += violations(of: value, against: additional, at: "\(path).\(name)") }
            } else if requireDocumentedFields && rules["properties"] != nil {
                found.append("\(path): field \(name) is not documented")
            }
        }
        return found
    }

    private func range(_ number: Double, _ rules: [String: JSONTree], _ path: String) -> [String] {
        var found: [String] = []
        if let minimum = Self.number(rules["minimum"]), number < minimum { found.append("\(path): \(number) is below \(minimum)") }
        if let maximum = Self.number(rules["maximum"]), number > maximum { found.append("\(path): \(number) is above \(maximum)") }
        return found
    }

    private func string(_ text: String, _ rules: [String: JSONTree], _ path: String) -> [String] {
        var found: [String] = []
        let length = text.unicodeScalars.count
        if case .integer(let minimum)? = rules["minLength"], length < minimum { found.append("\(path): shorter than \(minimum)") }
        if case .integer(let maximum)? = rules["maxLength"], length > maximum { found.append("\(path): longer than \(maximum)") }
        if case .string(let pattern)? = rules["pattern"] {
            let matched = (try? NSRegularExpression(pattern: pattern))
                .map { $0.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) != nil } ?? false
            if !matched { found.append("\(path): \"\(text)\" does not match \(pattern)") }
        }
        return found
    }

    private static func number(_ value: JSONTree?) -> Double? {
        switch value {
        case .integer(let number)?: Double(number)
        case .number(let number)?: number
        default: nil
        }
    }

    private static func matches(_ value: JSONTree, type: JSONTree) -> Bool {
        switch type {
        case .string(let name): return name == value.typeName || (name == "number" && value.typeName == "integer")
        case .array(let names): return names.contains { matches(value, type: $0) }
        default: return false
        }
    }
}
