import Sandbox

/// What a script is, read without trading it: it compiles, its main chunk
/// runs under the quotas, its `strategy` declaration parses, and which
/// callbacks it defines. One implementation for the server (the
/// marketplace's validator) and `lunar check`, so they always agree.
public struct StrategyInspection: Sendable, Codable {
    /// Every callback the kernel calls, in the order it documents them.
    public static let callbackNames = ["on_start", "on_bar", "on_tick", "on_book", "on_order", "on_fill", "on_timer", "on_stop"]
    /// The callbacks through which a strategy can place orders on its own
    /// (`on_timer` included: a timer set in `on_start` can trade).
    public static let tradingCallbackNames = ["on_bar", "on_tick", "on_book", "on_timer"]

    /// The callbacks the script defines, in `callbackNames` order.
    public var callbacks: [String]
    /// The declaration, when it parsed.
    public var schema: StrategySchema?
    /// Problems with the declaration, as `field: message`.
    public var schemaIssues: [SchemaIssue]
    /// Lua heap bytes after the main chunk ran.
    public var memoryUsed: Int

    /// True when a trading callback is defined.
    public var canTrade: Bool { callbacks.contains(where: Self.tradingCallbackNames.contains) }

    /// The issue a strategy without a trading callback gets (the server
    /// refuses such a version; `lunar check` warns).
    public static let noTradingCallback = "defines none of on_bar, on_tick, on_book, on_timer, so it would never trade"

    /// Compiles `source` and runs its main chunk in a fresh sandbox. Throws
    /// what compiling or the main chunk raised.
    public static func inspect(
        source: String, chunkName: String = "strategy.lua", limits: SandboxLimits = .standard,
        logHandler: @escaping (SandboxLogLine) -> Void = { _ in }
    ) throws(SandboxError) -> StrategyInspection {
        let sandbox = try Sandbox(limits: limits, logHandler: logHandler)
        try sandbox.load(source, chunkName: chunkName)
        let callbacks = callbackNames.filter(sandbox.hasFunction(named:))
        var schema: StrategySchema?
        var issues: [SchemaIssue] = []
        do {
            schema = try StrategySchema(declaration: sandbox.global(named: "strategy"))
        } catch let error as SchemaIssues {
            issues = error.issues
        } catch {
            issues = [SchemaIssue(field: "strategy", message: "\(error)")]
        }
        sandbox.flushLog()
        return StrategyInspection(callbacks: callbacks, schema: schema, schemaIssues: issues, memoryUsed: sandbox.memoryUsed)
    }
}

extension StrategyInspection {
    /// Warnings that do not stop a check (the server refuses the first as
    /// an issue).
    public var warnings: [String] {
        canTrade ? [] : ["callbacks: \(Self.noTradingCallback)"]
    }

    /// One line per declared parameter: name, type, default, range or
    /// choices, description.
    public var parameterLines: [String] {
        guard let parameters = schema?.parameters, !parameters.isEmpty else { return [] }
        let nameWidth = parameters.map(\.name.count).max() ?? 0
        return parameters.map { spec in
            var parts = [spec.name.padding(toLength: nameWidth, withPad: " ", startingAt: 0),
                         spec.type.rawValue.padding(toLength: 7, withPad: " ", startingAt: 0),
                         "default \(ParameterSpec.describe(spec.defaultValue))"]
            if let range = spec.rangeText { parts.append(range) }
            if let choices = spec.choices { parts.append("one of \(choices.map(ParameterSpec.describe).joined(separator: ", "))") }
            if !spec.description.isEmpty { parts.append("— \(spec.description)") }
            return parts.joined(separator: "  ")
        }
    }
}

extension ParameterSpec {
    /// `range 2...50`, `min 0`, `max 1`, or nil when unbounded.
    public var rangeText: String? {
        switch (minimum, maximum) {
        case let (low?, high?): "range \(Self.format(low))...\(Self.format(high))"
        case let (low?, nil): "min \(Self.format(low))"
        case let (nil, high?): "max \(Self.format(high))"
        case (nil, nil): nil
        }
    }
}
