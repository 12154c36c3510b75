/// A JSON Schema in the 2020-12 dialect that OpenAPI 3.1 uses, limited to
/// the keywords the Gateway publishes: type, properties, required,
/// additionalProperties, items, enum, min/max limits, pattern, anyOf and
/// `$ref`. Optional fields are nullable (a type array with "null"): the
/// decoders accept null for them, and Swift's encoders leave them out.
indirect enum JSONSchema: Sendable {
    /// Any JSON value (`{}`).
    case any
    case boolean
    case integer(minimum: Int64? = nil, maximum: Int64? = nil)
    case number(minimum: Double? = nil, maximum: Double? = nil)
    case string(minLength: Int? = nil, maxLength: Int? = nil, pattern: String? = nil)
    /// A string that is one of `values`.
    case oneOfStrings([String])
    case array(of: JSONSchema, maxItems: Int? = nil)
    /// An object with named fields; `closed` forbids fields it does not name.
    case object(required: [String: JSONSchema], optional: [String: JSONSchema], closed: Bool)
    /// An object whose keys are free and whose values all match one schema.
    case dictionary(of: JSONSchema)
    /// A named schema under `components/schemas`, referenced with `$ref`.
    case component(name: String, schema: JSONSchema)
    /// Null or the wrapped schema.
    case nullable(JSONSchema)
    case anyOf([JSONSchema])

    /// A response object: open, so a field added later does not break clients.
    static func record(_ required: [String: JSONSchema], optional: [String: JSONSchema] = [:]) -> JSONSchema {
        .object(required: required, optional: optional, closed: false)
    }

    /// A request body object: closed, because `decodeStrict` refuses unknown fields.
    static func body(_ required: [String: JSONSchema], optional: [String: JSONSchema] = [:]) -> JSONSchema {
        .object(required: required, optional: optional, closed: true)
    }

    /// A reference to a type's named schema.
    static func ref<Described: SchemaDescribed>(_ type: Described.Type) -> JSONSchema {
        .component(name: Described.schemaName, schema: Described.schema)
    }

    /// A JSON array of a type's named schema.
    static func list<Described: SchemaDescribed>(_ type: Described.Type) -> JSONSchema {
        .array(of: .ref(type))
    }

    static let text = JSONSchema.string()
    static let id = JSONSchema.integer(minimum: 1)
    /// Unix seconds.
    static let time = JSONSchema.integer()
    /// ISO-8601 UTC with seconds (`Timestamp`, `APIUnits.time`).
    static let timestamp = JSONSchema.string(pattern: #"^-?\d{4,}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$"#)
}

/// A type whose JSON is described by a schema in the OpenAPI document.
protocol SchemaDescribed {
    /// The key under `components/schemas`.
    static var schemaName: String { get }
    static var schema: JSONSchema { get }
}

extension SchemaDescribed {
    static var schemaName: String { String(describing: Self.self) }
}
