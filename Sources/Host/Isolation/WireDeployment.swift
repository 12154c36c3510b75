import Sandbox

/// A `DeploymentConfiguration` in a form that crosses the process boundary
/// (JSON in a `deploy` frame). Kept apart from the configuration so the
/// public type does not promise a wire format.
struct WireDeployment: Codable, Sendable, Equatable {
    var id: String
    var ownerID: String
    var source: String
    var chunkName: String
    var parameters: [String: LuaValue]
    var instruments: [Instrument]
    var symbols: [String]?
    var timeframe: Int64?
    var startingCash: Money
    var commission: CommissionModel
    var slippage: SlippageModel
    var barVolumeParticipation: Double?
    var risk: LayeredRiskLimits
    var memoryBytes: Int
    var cpuNanosecondsPerCall: Int64
    var wallNanosecondsPerCall: Int64
    var randomSeed: UInt64
    var logBytesPerWindow: Int
    var logWindowSeconds: Int64
    var maxSourceBytes: Int
    var maxConvertedValues: Int
    var maxConvertedDepth: Int
    var restoredState: LuaValue?

    init(_ configuration: DeploymentConfiguration) {
        id = configuration.id
        ownerID = configuration.ownerID
        source = configuration.source
        chunkName = configuration.chunkName
        parameters = configuration.parameters
        instruments = configuration.instruments
        symbols = configuration.symbols
        timeframe = configuration.timeframe
        startingCash = configuration.startingCash
        commission = configuration.exchange.commission
        slippage = configuration.exchange.slippage
        barVolumeParticipation = configuration.exchange.barVolumeParticipation
        risk = configuration.risk
        let limits = configuration.sandboxLimits
        memoryBytes = limits.memoryBytes
        cpuNanosecondsPerCall = limits.cpuTimePerCall.wholeNanoseconds
        wallNanosecondsPerCall = limits.wallTimePerCall.wholeNanoseconds
        randomSeed = limits.randomSeed
        logBytesPerWindow = limits.logBytesPerWindow
        logWindowSeconds = limits.logWindow.components.seconds
        maxSourceBytes = limits.maxSourceBytes
        maxConvertedValues = limits.maxConvertedValues
        maxConvertedDepth = limits.maxConvertedDepth
        restoredState = configuration.restoredState
    }

    /// The configuration back; throws what a hostile or corrupt copy got
    /// wrong instead of trapping on a precondition.
    func configuration() throws(WireError) -> DeploymentConfiguration {
        if let participation = barVolumeParticipation, !(participation > 0 && participation <= 1) {
            throw .invalid("bar volume participation \(participation)")
        }
        guard instruments.allSatisfy({ (0...8).contains($0.priceDecimals) && (0...8).contains($0.quantityDecimals) }),
              Set(instruments.map(\.symbol)).count == instruments.count else {
            throw .invalid("instrument definitions")
        }
        let limits = SandboxLimits(
            memoryBytes: memoryBytes, cpuTimePerCall: .nanoseconds(cpuNanosecondsPerCall),
            wallTimePerCall: .nanoseconds(wallNanosecondsPerCall), randomSeed: randomSeed,
            logBytesPerWindow: logBytesPerWindow, logWindow: .seconds(logWindowSeconds), maxSourceBytes: maxSourceBytes,
            maxConvertedValues: maxConvertedValues, maxConvertedDepth: maxConvertedDepth)
        return DeploymentConfiguration(
            id: id, ownerID: ownerID, source: source, chunkName: chunkName, parameters: parameters,
            instruments: instruments, symbols: symbols, timeframe: timeframe, startingCash: startingCash,
            exchange: ExchangeConfiguration(commission: commission, slippage: slippage,
                                            barVolumeParticipation: barVolumeParticipation),
            risk: risk, sandboxLimits: limits, restoredState: restoredState)
    }
}
