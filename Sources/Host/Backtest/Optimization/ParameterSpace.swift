import Sandbox

/// The values one parameter takes in a sweep: listed, or a numeric range
/// walked by a step. Each value is checked against the strategy's
/// declaration (type, minimum, maximum, choices) before anything runs.
public enum ParameterRange: Sendable, Equatable {
    case values([LuaValue])
    /// `from` to `to` inclusive by `step` (> 0); integers for integer parameters.
    case stepped(from: Double, to: Double, step: Double)
}

/// The candidate parameter sets of a sweep over a strategy's declared
/// parameters: every combination (grid) or a seeded sample of them
/// (random). Undeclared names, bad values and sweeps past `maximumTrials`
/// are refused naming the field (`ranges.<name>`).
public struct ParameterSpace: Sendable {
    /// The most parameter sets one sweep runs.
    public static let maximumTrials = 1_000
    /// The most values one parameter's range may list.
    public static let maximumValuesPerParameter = 1_000

    public enum Search: Sendable, Equatable {
        case grid
        /// `count` distinct combinations drawn with `seed` (the same seed, the same sample).
        case random(count: Int, seed: UInt64)
    }

    /// Names in sorted order with their checked values; parameters not swept keep their defaults.
    public let axes: [(name: String, values: [LuaValue])]
    public let defaults: [String: LuaValue]

    public init(schema: StrategySchema, ranges: [String: ParameterRange]) throws(SchemaIssues) {
        var issues: [SchemaIssue] = []
        var axes: [(String, [LuaValue])] = []
        let declared = Dictionary(uniqueKeysWithValues: schema.parameters.map { ($0.name, $0) })
        for name in ranges.keys.sorted() {
            let field = "ranges.\(name)"
            guard let spec = declared[name] else {
                issues.append(SchemaIssue(field: field, message: "is not a declared parameter (declared: \(schema.parameters.map(\.name).joined(separator: ", ")))"))
                continue
            }
            do throws(SchemaIssue) {
                axes.append((name, try Self.values(of: ranges[name]!, spec: spec, field: field)))
            } catch {
                issues.append(error)
            }
        }
        if ranges.isEmpty { issues.append(SchemaIssue(field: "ranges", message: "must name at least one declared parameter")) }
        if !issues.isEmpty { throw SchemaIssues(issues: issues) }
        self.axes = axes
        defaults = Dictionary(uniqueKeysWithValues: schema.parameters.map { ($0.name, $0.defaultValue) })
    }

    /// How many combinations the grid has (saturating).
    public var gridSize: Int {
        axes.reduce(1) { count, axis in count.multipliedReportingOverflow(by: axis.values.count).overflow ? .max : count * axis.values.count }
    }

    /// The parameter sets to run, in a stable order; each is complete (defaults for the rest).
    public func candidates(_ search: Search) throws(SchemaIssues) -> [[String: LuaValue]] {
        switch search {
        case .grid:
            guard gridSize <= Self.maximumTrials else {
                throw SchemaIssues(issues: [SchemaIssue(field: "ranges", message: "the grid has \(gridSize == .max ? "too many" : String(gridSize)) combinations; at most \(Self.maximumTrials) run (use a random search or narrow the ranges)")])
            }
            return (0..<gridSize).map(combination)
        case .random(let count, let seed):
            guard (1...Self.maximumTrials).contains(count) else {
                throw SchemaIssues(issues: [SchemaIssue(field: "count", message: "must be 1 to \(Self.maximumTrials)")])
            }
            let size = gridSize
            if size <= count { return (0..<size).map(combination) }
            var random = SeededRandom(seed: seed)
            var chosen: [Int] = []
            var seen: Set<Int> = []
            while chosen.count < count {
                let index = Int(random.nextUInt64() % UInt64(size))
                if seen.insert(index).inserted { chosen.append(index) }
            }
            return chosen.map(combination)
        }
    }

    /// The `index`-th combination of the grid (the first axis varies slowest).
    func combination(_ index: Int) -> [String: LuaValue] {
        var parameters = defaults
        var rest = index
        for axis in axes.reversed() {
            parameters[axis.name] = axis.values[rest % axis.values.count]
            rest /= axis.values.count
        }
        return parameters
    }

    static func values(of range: ParameterRange, spec: ParameterSpec, field: String) throws(SchemaIssue) -> [LuaValue] {
        var values: [LuaValue]
        switch range {
        case .values(let listed):
            guard !listed.isEmpty, listed.count <= maximumValuesPerParameter else {
                throw SchemaIssue(field: field, message: "must list 1 to \(maximumValuesPerParameter) values")
            }
            values = listed
        case .stepped(let from, let to, let step):
            guard from.isFinite, to.isFinite, step.isFinite, step > 0, from <= to else {
                throw SchemaIssue(field: field, message: "needs finite from <= to and a step above 0")
            }
            guard spec.type == .integer || spec.type == .number else {
                throw SchemaIssue(field: field, message: "a stepped range needs an integer or number parameter; list the values instead")
            }
            // (to − from) / step may be huge or infinite: compared as a Double, never converted until it is small.
            let count = ((to - from) / step).rounded(.down) + 1
            guard count.isFinite, count <= Double(maximumValuesPerParameter) else {
                let counted = count.isFinite && count < 1e15 ? String(Int64(count)) : "too many"
                throw SchemaIssue(field: field, message: "the range has \(counted) values; at most \(maximumValuesPerParameter)")
            }
            values = try (0..<Int(count)).map { (index) throws(SchemaIssue) -> LuaValue in
                let value = from + Double(index) * step
                guard spec.type == .integer else { return .number(value) }
                // Exactly representable integers only (|x| < 2^53), so no conversion can trap.
                guard value.magnitude < 9_007_199_254_740_992 else {
                    throw SchemaIssue(field: "\(field)[\(index)]", message: "\(value) is out of the integer range")
                }
                return .integer(Int64(value.rounded()))
            }
        }
        var checked: [LuaValue] = []
        for (index, value) in values.enumerated() {
            let value = try spec.validate(value, field: "\(field)[\(index)]")
            if !checked.contains(value) { checked.append(value) }
        }
        return checked
    }
}
