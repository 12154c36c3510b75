import Sandbox

/// Everything needed to run one strategy deployment on a paper account.
public struct DeploymentConfiguration: Sendable {
    public var id: String
    public var ownerID: String
    /// The strategy's Lua source and the name its errors show.
    public var source: String
    public var chunkName: String
    /// Parameter values overriding the declared defaults (validated at start).
    public var parameters: [String: LuaValue]
    /// Instruments the feed offers (the first is the default symbol).
    public var instruments: [Instrument]
    /// Symbols subscribed to bars at start; nil: the script's `strategy.symbols`,
    /// or the first instrument when it declares none (never every instrument:
    /// docs/strategy-api.md, "Symbols and timeframe").
    public var symbols: [String]?
    /// Seconds per bar the strategy sees; nil: the feed's own bars. A
    /// multiple of the feed's bar length: the kernel builds these bars from
    /// the feed's (orders still fill against every feed bar).
    public var timeframe: Int64?
    public var startingCash: Money
    public var exchange: ExchangeConfiguration
    public var risk: LayeredRiskLimits
    public var sandboxLimits: SandboxLimits
    /// `ctx.state` restored from a previous run of this deployment.
    public var restoredState: LuaValue?

    public init(
        id: String = "local", ownerID: String = "local", source: String, chunkName: String = "strategy.lua",
        parameters: [String: LuaValue] = [:], instruments: [Instrument], symbols: [String]? = nil,
        timeframe: Int64? = nil, startingCash: Money = Money(100_000), exchange: ExchangeConfiguration = ExchangeConfiguration(),
        risk: LayeredRiskLimits = LayeredRiskLimits(), sandboxLimits: SandboxLimits = .standard,
        restoredState: LuaValue? = nil
    ) {
        self.id = id
        self.ownerID = ownerID
        self.source = source
        self.chunkName = chunkName
        self.parameters = parameters
        self.instruments = instruments
        self.symbols = symbols
        self.timeframe = timeframe
        self.startingCash = startingCash
        self.exchange = exchange
        self.risk = risk
        self.sandboxLimits = sandboxLimits
        self.restoredState = restoredState
    }
}

/// Why a deployment could not start.
public enum DeploymentError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The script failed to load or exceeded a quota while loading.
    case script(SandboxError)
    /// The `strategy` declaration or the parameter values are invalid.
    case schema(SchemaIssues)
    /// A symbol the strategy wants is not one of the deployment's instruments.
    case unknownSymbol(String)
    /// The timeframe is not a positive number of seconds up to a day.
    case invalidTimeframe(Int64)

    public var description: String {
        switch self {
        case .script(let error): error.description
        case .schema(let issues): "invalid parameters: \(issues)"
        case .unknownSymbol(let symbol): "unknown symbol '\(symbol)'"
        case .invalidTimeframe(let seconds): "timeframe \(seconds) s is not between 1 s and 86400 s"
        }
    }
}

/// Where a deployment stands.
public enum DeploymentStatus: Sendable, Equatable, CustomStringConvertible {
    case ready
    case running
    /// The daily loss limit fired: open orders were canceled, only
    /// reduce-only exits pass until the next session.
    case halted(reason: String)
    /// The strategy failed (error, quota): it runs no more code.
    case faulted(reason: String)
    case stopped

    public var description: String {
        switch self {
        case .ready: "ready"
        case .running: "running"
        case .halted(let reason): "halted: \(reason)"
        case .faulted(let reason): "faulted: \(reason)"
        case .stopped: "stopped"
        }
    }

    public var isFaulted: Bool { if case .faulted = self { true } else { false } }
}

/// One entry of a deployment's log (script output and host notes).
public struct DeploymentLogEntry: Sendable, Equatable, Codable {
    public var time: Int64
    public var level: String
    public var message: String
}
