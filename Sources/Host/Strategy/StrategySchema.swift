import Sandbox

/// The type of a strategy parameter.
public enum ParameterType: String, Sendable, Codable, CaseIterable {
    case integer, number, string, boolean
}

/// One parameter a strategy declares in `strategy.params`.
public struct ParameterSpec: Sendable, Equatable, Codable {
    public var name: String
    public var type: ParameterType
    public var defaultValue: LuaValue
    public var minimum: Double?
    public var maximum: Double?
    public var choices: [LuaValue]?
    public var description: String
}

/// What a script declares about itself in its global `strategy` table.
public struct StrategySchema: Sendable, Equatable, Codable {
    public var name: String
    public var description: String
    public var version: String
    /// Symbols the strategy subscribes to by default (may be empty: the host decides).
    public var symbols: [String]
    /// Parameters, sorted by name.
    public var parameters: [ParameterSpec]

    /// The schema of a script that declares none.
    public static let empty = StrategySchema(name: "unnamed", description: "", version: "0", symbols: [], parameters: [])
}

/// A problem with a script's declared schema or with parameter values.
public struct SchemaIssue: Error, Sendable, Equatable, Codable, CustomStringConvertible {
    /// The field, e.g. `strategy.params.fast.min` or `params.fast`.
    public var field: String
    public var message: String
    public var description: String { "\(field): \(message)" }
}

/// All the problems found at once, so an author fixes them in one pass.
public struct SchemaIssues: Error, Sendable, Equatable, CustomStringConvertible {
    public var issues: [SchemaIssue]
    public var description: String { issues.map(\.description).joined(separator: "; ") }
}

extension StrategySchema {
    /// Reads the schema from the `strategy` global of a loaded script.
    public init(declaration value: LuaValue) throws(SchemaIssues) {
        guard case .table(let table) = value else {
            if value == .nil || value == .array([]) { self = .empty; return }
            throw SchemaIssues(issues: [SchemaIssue(field: "strategy", message: "must be a table, got \(value.typeName)")])
        }
        var issues: [SchemaIssue] = []
        func text(_ key: String, default fallback: String, limit: Int = 200) -> String {
            guard let field = table[key] else { return fallback }
            guard case .string(let string) = field, string.count <= limit else {
                issues.append(SchemaIssue(field: "strategy.\(key)", message: "must be a string of at most \(limit) characters"))
                return fallback
            }
            return string
        }
        let known: Set<String> = ["name", "description", "version", "symbols", "params", "author", "timeframe", "category"]
        for key in table.keys.sorted() where !known.contains(key) {
            issues.append(SchemaIssue(field: "strategy.\(key)", message: "unknown field (known: \(known.sorted().joined(separator: ", ")))"))
        }
        name = text("name", default: "unnamed", limit: 100)
        description = text("description", default: "", limit: 2000)
        version = text("version", default: "0", limit: 40)
        symbols = []
        switch table["symbols"] {
        case nil: break
        case .array(let list):
            for (index, entry) in list.enumerated() {
                if case .string(let symbol) = entry, Self.isSymbol(symbol) { symbols.append(symbol) } else {
                    issues.append(SchemaIssue(field: "strategy.symbols[\(index + 1)]", message: "must be a symbol like \"BTCUSD\""))
                }
            }
        default:
            issues.append(SchemaIssue(field: "strategy.symbols", message: "must be a list of symbols"))
        }
        parameters = []
        switch table["params"] {
        case nil, .array([]): break
        case .table(let params):
            for name in params.keys.sorted() {
                do throws(SchemaIssue) {
                    parameters.append(try Self.parameter(name: name, declaration: params[name]!))
                } catch {
                    issues.append(error)
                }
            }
        default:
            issues.append(SchemaIssue(field: "strategy.params", message: "must be a table of parameter declarations"))
        }
        if !issues.isEmpty { throw SchemaIssues(issues: issues) }
    }

    static func isSymbol(_ text: String) -> Bool {
        !text.isEmpty && text.count <= 32 && text.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "-_./:".contains($0)) }
    }

    private static func parameter(name: String, declaration: LuaValue) throws(SchemaIssue) -> ParameterSpec {
        let path = "strategy.params.\(name)"
        guard name.first?.isLetter == true || name.first == "_", name.count <= 64,
              name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") }) else {
            throw SchemaIssue(field: path, message: "parameter names must be identifiers")
        }
        guard case .table(let fields) = declaration else {
            throw SchemaIssue(field: path, message: "must be a table like { type = \"integer\", default = 10 }")
        }
        let allowed: Set<String> = ["type", "default", "min", "max", "choices", "description"]
        if let unknown = fields.keys.sorted().first(where: { !allowed.contains($0) }) {
            throw SchemaIssue(field: "\(path).\(unknown)", message: "unknown field (allowed: \(allowed.sorted().joined(separator: ", ")))")
        }
        guard case .string(let typeName) = fields["type"] ?? .nil, let type = ParameterType(rawValue: typeName) else {
            throw SchemaIssue(field: "\(path).type", message: "must be one of integer, number, string, boolean")
        }
        func bound(_ key: String) throws(SchemaIssue) -> Double? {
            guard let value = fields[key] else { return nil }
            guard type == .integer || type == .number, let number = value.doubleValue, number.isFinite else {
                throw SchemaIssue(field: "\(path).\(key)", message: "must be a number and only applies to numeric parameters")
            }
            return number
        }
        let minimum = try bound("min")
        let maximum = try bound("max")
        if let minimum, let maximum, minimum > maximum {
            throw SchemaIssue(field: "\(path).min", message: "min \(minimum) is greater than max \(maximum)")
        }
        var choices: [LuaValue]? = nil
        if let declared = fields["choices"] {
            guard case .array(let list) = declared, !list.isEmpty else {
                throw SchemaIssue(field: "\(path).choices", message: "must be a non-empty list")
            }
            choices = list
        }
        var description = ""
        if let text = fields["description"] {
            guard case .string(let string) = text, string.count <= 500 else {
                throw SchemaIssue(field: "\(path).description", message: "must be a string of at most 500 characters")
            }
            description = string
        }
        guard let declaredDefault = fields["default"] else {
            throw SchemaIssue(field: "\(path).default", message: "is required")
        }
        var spec = ParameterSpec(name: name, type: type, defaultValue: declaredDefault, minimum: minimum,
                                 maximum: maximum, choices: choices, description: description)
        spec.defaultValue = try spec.validate(declaredDefault, field: "\(path).default")
        for (index, choice) in (choices ?? []).enumerated() {
            _ = try spec.validate(choice, field: "\(path).choices[\(index + 1)]", checkChoices: false)
        }
        return spec
    }

    /// Resolves parameter values: declared defaults, overridden by `values`.
    /// Every unknown name and every bad value is reported, naming the field.
    public func resolve(_ values: [String: LuaValue]) throws(SchemaIssues) -> [String: LuaValue] {
        var resolved: [String: LuaValue] = [:]
        var issues: [SchemaIssue] = []
        let declared = Dictionary(uniqueKeysWithValues: parameters.map { ($0.name, $0) })
        for name in values.keys.sorted() where declared[name] == nil {
            let names = parameters.map(\.name).joined(separator: ", ")
            issues.append(SchemaIssue(field: "parameters.\(name)", message: "unknown parameter (declared: \(names.isEmpty ? "none" : names))"))
        }
        for spec in parameters {
            do throws(SchemaIssue) {
                resolved[spec.name] = try spec.validate(values[spec.name] ?? spec.defaultValue, field: "parameters.\(spec.name)")
            } catch {
                issues.append(error)
            }
        }
        if !issues.isEmpty { throw SchemaIssues(issues: issues) }
        return resolved
    }

    /// Resolves `name=value` texts (the CLI's `--param`), parsing each by its declared type.
    public func resolve(texts: [String: String]) throws(SchemaIssues) -> [String: LuaValue] {
        var values: [String: LuaValue] = [:]
        for (name, text) in texts {
            let type = parameters.first { $0.name == name }?.type
            switch type {
            case .integer: values[name] = Int64(text).map(LuaValue.integer) ?? .string(text)
            case .number: values[name] = Double(text).map(LuaValue.number) ?? .string(text)
            case .boolean: values[name] = text == "true" ? .boolean(true) : text == "false" ? .boolean(false) : .string(text)
            case .string, nil: values[name] = .string(text)
            }
        }
        return try resolve(values)
    }
}

extension ParameterSpec {
    /// Checks one value against this declaration.
    func validate(_ value: LuaValue, field: String, checkChoices: Bool = true) throws(SchemaIssue) -> LuaValue {
        let checked: LuaValue
        switch type {
        case .integer:
            guard let integer = value.integerValue else {
                throw SchemaIssue(field: field, message: "must be an integer, got \(Self.describe(value))")
            }
            checked = .integer(integer)
        case .number:
            guard let number = value.doubleValue, number.isFinite else {
                throw SchemaIssue(field: field, message: "must be a finite number, got \(Self.describe(value))")
            }
            checked = .number(number)
        case .string:
            guard case .string(let text) = value, text.utf8.count <= 1000 else {
                throw SchemaIssue(field: field, message: "must be a string of at most 1000 bytes, got \(Self.describe(value))")
            }
            checked = value
            _ = text
        case .boolean:
            guard case .boolean = value else {
                throw SchemaIssue(field: field, message: "must be true or false, got \(Self.describe(value))")
            }
            checked = value
        }
        if let number = checked.doubleValue {
            if let minimum, number < minimum {
                throw SchemaIssue(field: field, message: "\(Self.describe(checked)) is below the minimum \(Self.format(minimum))")
            }
            if let maximum, number > maximum {
                throw SchemaIssue(field: field, message: "\(Self.describe(checked)) is above the maximum \(Self.format(maximum))")
            }
        }
        if checkChoices, let choices, !choices.contains(where: { Self.same($0, checked) }) {
            throw SchemaIssue(field: field, message: "\(Self.describe(checked)) is not one of \(choices.map(Self.describe).joined(separator: ", "))")
        }
        return checked
    }

    private static func same(_ lhs: LuaValue, _ rhs: LuaValue) -> Bool {
        if let left = lhs.doubleValue, let right = rhs.doubleValue { return left == right }
        return lhs == rhs
    }

    static func describe(_ value: LuaValue) -> String {
        switch value {
        case .nil: "nil"
        case .boolean(let flag): String(flag)
        case .integer(let integer): String(integer)
        case .number(let number): format(number)
        case .string(let text): "\"\(text.prefix(40))\""
        case .array, .table: "a table"
        }
    }

    static func format(_ number: Double) -> String {
        number == number.rounded() && abs(number) < 1e15 ? String(Int64(number)) : String(number)
    }
}
