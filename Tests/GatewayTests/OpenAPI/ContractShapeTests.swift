import Foundation
import Testing
import TestSupport
@testable import Gateway

/// The API contract's shape rules (`docs/api.md`, "Units and times"),
/// checked on every schema the served OpenAPI document holds — requests and
/// responses: no Swift `Codable` shapes (`_0`, open `{}` enum payloads), keys
/// end in `Id` never `ID`, enums are lower-case, times are ISO-8601 text,
/// prices, quantities and money are decimal strings. `ResponseConformanceTests`
/// holds real responses to these schemas.
@Suite struct ContractShapeTests {
    /// Values that are names, not enum cases of ours.
    static let casedValues: Set<String> = ["Bearer", "USD", "3.1.0"]
    /// Field names that always carry an exact decimal.
    static let exactNames: Set<String> = [
        "price", "quantity", "filledQuantity", "averagePrice", "markPrice", "trigger", "cash", "equity", "fee", "fees", "amount",
        "balance", "notional", "realizedPnL", "unrealizedPnL", "costBasis", "marketValue", "gross", "net", "authorAmount",
        "feesPaid", "startingCash", "maxOrderNotional", "maxGrossExposure", "dailyLossLimit", "open", "high", "low", "close",
        "volume", "minimumQuantity", "ledgerImbalance",
    ]

    struct Walker {
        let components: [String: JSONTree]
        var problems: [String] = []
        var visited: Set<String> = []

        mutating func walk(_ schema: JSONTree, at path: String, field: String? = nil) {
            guard case .object(let node) = schema else { return }
            if case .string(let reference)? = node["$ref"] {
                let name = String(reference.split(separator: "/").last ?? "")
                if let field { check(field: field, resolved: components[name] ?? .null, at: path) }
                guard !visited.contains(name), let target = components[name] else { return }
                visited.insert(name)
                walk(target, at: "#/\(name)")
                return
            }
            if let field { check(field: field, resolved: schema, at: path) }
            if case .array(let values)? = node["enum"] {
                for case .string(let value) in values where value != value.lowercased() && !ContractShapeTests.casedValues.contains(value) {
                    problems.append("\(path): enum value \(value) is not lower-case")
                }
            }
            if case .object(let properties)? = node["properties"] {
                if properties.isEmpty && node["additionalProperties"] == nil {
                    problems.append("\(path): an open {} object (a Swift enum case without payload?)")
                }
                for (name, property) in properties {
                    if name.hasPrefix("_") { problems.append("\(path).\(name): a Codable payload key") }
                    if name.hasSuffix("ID") || name.hasSuffix("URI") { problems.append("\(path).\(name): keys end in Id, never ID") }
                    walk(property, at: "\(path).\(name)", field: name)
                }
            }
            for key in ["items", "additionalProperties"] { if let child = node[key] { walk(child, at: "\(path)[]") } }
            if case .array(let choices)? = node["anyOf"] { for choice in choices { walk(choice, at: path, field: field) } }
        }

        /// Name-based rules: times are ISO text, exact values are strings.
        mutating func check(field: String, resolved: JSONTree, at path: String) {
            let types = Self.types(resolved)
            guard !types.isEmpty else { return }
            let isTime = field.hasSuffix("At") || field == "time" || field.hasSuffix("Time") || field == "from" || field == "to"
                || field == "until" || field == "suspendedUntil"
            if isTime && !(types.contains("string") && Self.pattern(resolved)?.contains("T") == true) {
                problems.append("\(path): a time must be an ISO-8601 string")
            }
            if ContractShapeTests.exactNames.contains(field) && types.contains("integer") || ContractShapeTests.exactNames.contains(field) && types.contains("number") {
                problems.append("\(path): an exact value must be a decimal string, not \(types.sorted())")
            }
        }

        static func types(_ schema: JSONTree) -> Set<String> {
            switch schema["type"] {
            case .string(let type)?: [type]
            case .array(let types)?: Set(types.compactMap { if case .string(let type) = $0 { type } else { nil } })
            default: []
            }
        }

        static func pattern(_ schema: JSONTree) -> String? {
            if case .string(let pattern)? = schema["pattern"] { pattern } else { nil }
        }
    }

    @Test func everySchemaFollowsTheContract() async throws {
        let fixture = try await GatewayFixture()
        let document = try await fixture.run { api in try JSONTree.parse(try await api.call(.get, "/api/openapi.json").text) }
        guard case .object(let components)? = document["components"]?["schemas"], case .object(let paths)? = document["paths"] else {
            Issue.record("the document has no paths or components")
            return
        }
        var walker = Walker(components: components)
        for (path, item) in paths.sorted(by: { $0.key < $1.key }) {
            guard case .object(let operations) = item else { continue }
            for (method, operation) in operations {
                if let body = operation["requestBody"]?["content"]?["application/json"]?["schema"] {
                    walker.walk(body, at: "\(method) \(path) body")
                }
                if case .object(let responses)? = operation["responses"] {
                    for (status, response) in responses {
                        if let schema = response["content"]?["application/json"]?["schema"] { walker.walk(schema, at: "\(method) \(path) \(status)") }
                    }
                }
            }
        }
        #expect(walker.visited.count > 40, "the walk reached the components")
        #expect(walker.problems.isEmpty, Comment(rawValue: walker.problems.sorted().joined(separator: "\n")))
    }

    @Test func theWalkerCatchesEachKindOfViolation() {
        var walker = Walker(components: [:])
        let bad = try! JSONTree.parse(#"""
            {"type":"object","properties":{
              "type":{"type":"object","properties":{"limit":{"type":"object","properties":{"_0":{"type":"integer"}}},
                                                     "market":{"type":"object","properties":{}}}},
              "strategyID":{"type":"integer"},"status":{"type":"string","enum":["ACCEPTED"]},
              "createdAt":{"type":"integer"},"price":{"type":"number"}}}
            """#)
        walker.walk(bad, at: "bad")
        #expect(walker.problems.count == 6, "\(walker.problems)")
    }
}
