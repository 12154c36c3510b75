import Host
import Sandbox

/// One parameter a strategy declares in `strategy.params`, as shown on
/// versions, listings and templates; deploy and backtest bodies are checked
/// against these (errors name `parameters.<name>`).
struct ParameterView: Codable, Sendable {
    var name: String
    /// `integer`, `number`, `string` or `boolean`.
    var type: String
    var `default`: LuaValue
    var minimum: Double?
    var maximum: Double?
    var choices: [LuaValue]?
    var description: String

    init(_ spec: ParameterSpec) {
        name = spec.name
        type = spec.type.rawValue
        `default` = spec.defaultValue
        minimum = spec.minimum
        maximum = spec.maximum
        choices = spec.choices
        description = spec.description
    }

    static func list(_ schema: StrategySchema?) -> [ParameterView] { schema?.parameters.map(ParameterView.init) ?? [] }
}

extension ParameterView: SchemaDescribed {
    static let schemaName = "Parameter"
    static var schema: JSONSchema {
        let value = JSONSchema.anyOf([.number(), .string(), .boolean])
        return .record(["name": .text, "type": .oneOfStrings(ParameterType.allCases.map(\.rawValue)), "default": value,
                        "description": .text],
                       optional: ["minimum": .number(), "maximum": .number(), "choices": .array(of: value)])
    }
}
