import Sandbox

/// Everything a backtest needs; with the same values, the result is the same
/// byte for byte.
public struct BacktestConfiguration: Sendable {
    public var source: String
    public var chunkName: String
    public var parameters: [String: LuaValue]
    public var instruments: [Instrument]
    /// Bars per symbol, in time order.
    public var bars: [String: [Bar]]
    /// Seconds per bar of the data.
    public var timeframe: Int64
    /// Seconds per bar the strategy sees (a multiple of `timeframe`); nil: the data's.
    public var strategyTimeframe: Int64?
    public var startingCash: Money
    public var exchange: ExchangeConfiguration
    public var risk: LayeredRiskLimits
    public var sandboxLimits: SandboxLimits
    /// Seeds `math.random`; recorded in the result.
    public var seed: UInt64
    /// SHA-256 (hex) of the market data as read, recorded in the result.
    public var dataHash: String

    public init(source: String, chunkName: String = "strategy.lua", parameters: [String: LuaValue] = [:],
                instruments: [Instrument], bars: [String: [Bar]], timeframe: Int64, startingCash: Money = Money(100_000),
                exchange: ExchangeConfiguration = ExchangeConfiguration(), risk: LayeredRiskLimits = LayeredRiskLimits(),
                sandboxLimits: SandboxLimits = .standard, seed: UInt64 = 1, dataHash: String = "") {
        self.source = source
        self.chunkName = chunkName
        self.parameters = parameters
        self.instruments = instruments
        self.bars = bars
        self.timeframe = timeframe
        self.startingCash = startingCash
        self.exchange = exchange
        self.risk = risk
        self.sandboxLimits = sandboxLimits
        self.seed = seed
        self.dataHash = dataHash
    }
}

/// A finished backtest: the result, and how the deployment ended.
public struct BacktestOutcome: Sendable {
    public var result: BacktestResult
    /// The HTML report's charts and tables, from the full equity curve and
    /// the first symbol's bars (`BacktestReport.html(for:series:)`).
    public var report: ReportSeries
    /// `stopped` when the data ran out; `faulted` with the reason when the
    /// strategy failed (the result covers the bars up to then).
    public var status: DeploymentStatus
    /// The structured fault when the strategy faulted (also in `result.error`).
    public var fault: StrategyFault? { result.error }
    public var log: [DeploymentLogEntry]
    public var rejectedOrders: [Order]
    public var barsProcessed: Int
}

/// Runs a strategy over historical bars on one thread, deterministically:
/// the same kernel as live runs, driven by the data's own clock.
public enum BacktestEngine {
    public static let engineVersion = "lunar-1"

    /// Runs the backtest. `progress(done, total)` is called every 1% of bars.
    public static func run(
        _ configuration: BacktestConfiguration, progress: ((Int, Int) -> Void)? = nil,
        log: ((DeploymentLogEntry) -> Void)? = nil
    ) throws(DeploymentError) -> BacktestOutcome {
        var limits = configuration.sandboxLimits
        limits.randomSeed = configuration.seed
        let kernel = try DeploymentKernel(configuration: DeploymentConfiguration(
            id: "backtest", ownerID: "backtest", source: configuration.source, chunkName: configuration.chunkName,
            parameters: configuration.parameters, instruments: configuration.instruments,
            symbols: configuration.bars.keys.sorted(), timeframe: configuration.strategyTimeframe,
            startingCash: configuration.startingCash,
            exchange: configuration.exchange, risk: configuration.risk, sandboxLimits: limits))
        kernel.portfolio.recordsTrades = true  // the result lists every trade
        if let log {
            kernel.observer = { notification in
                if case .log(let entry) = notification { log(entry) }
            }
        }
        var source = BarReplaySource(bars: configuration.bars, instruments: configuration.instruments,
                                     timeframe: configuration.timeframe)
        let total = source.count
        let firstTime = configuration.bars.values.compactMap { $0.first?.time }.min() ?? 0
        kernel.start(at: firstTime)
        var curve: [EquityPoint] = [EquityPoint(time: firstTime, equity: configuration.startingCash)]
        curve.reserveCapacity(total + 1)
        var processed = 0
        var barsInMarket = 0
        let step = max(1, total / 100)
        while let event = source.next() {
            kernel.handle(event)
            guard kernel.acceptsEvents else { break }
            processed += 1
            curve.append(EquityPoint(time: event.time, equity: kernel.portfolio.equity))
            if kernel.portfolio.openPositionCount > 0 { barsInMarket += 1 }
            if processed % step == 0 { progress?(processed, total) }
        }
        kernel.stop(reason: "end of data")
        let scriptHash = SHA256.hex(SHA256.hash(Array(configuration.source.utf8)))
        let metadata = BacktestMetadata(
            strategyName: kernel.schema.name, scriptHash: scriptHash, dataHash: configuration.dataHash,
            parameters: kernel.parameters.mapValues(Self.text), seed: configuration.seed,
            initialCash: configuration.startingCash, commission: "\(configuration.exchange.commission)",
            slippage: "\(configuration.exchange.slippage)", engineVersion: engineVersion,
            symbols: configuration.bars.keys.sorted())
        var result = BacktestResult(metadata: metadata, portfolio: kernel.portfolio, equityCurve: curve,
                                    barCount: processed, barsInMarket: barsInMarket)
        result.error = kernel.strategyFault
        let report = Self.reportSeries(configuration, equityCurve: curve)
        return BacktestOutcome(result: result, report: report, status: kernel.status, log: kernel.logEntries,
                               rejectedOrders: kernel.rejectedOrders, barsProcessed: processed)
    }

    /// The report's series: the first symbol's closes (up to the last bar
    /// the run processed) for the price chart and the buy-and-hold benchmark.
    static func reportSeries(_ configuration: BacktestConfiguration, equityCurve: [EquityPoint]) -> ReportSeries {
        guard let symbol = configuration.bars.keys.sorted().first, let bars = configuration.bars[symbol] else {
            return ReportSeries(equityCurve: equityCurve, startingCash: configuration.startingCash)
        }
        let end = equityCurve.last?.time ?? .min
        var processed = bars[...]
        while let last = processed.last, last.time + configuration.timeframe > end { processed.removeLast() }
        let decimals = configuration.instruments.first { $0.symbol == symbol }?.priceDecimals ?? 2
        return ReportSeries(equityCurve: equityCurve, symbol: symbol, priceDecimals: decimals, bars: Array(processed),
                            timeframe: configuration.timeframe, startingCash: configuration.startingCash)
    }

    /// A parameter value as text for the result's metadata.
    static func text(_ value: LuaValue) -> String {
        switch value {
        case .nil: "nil"
        case .boolean(let flag): String(flag)
        case .integer(let integer): String(integer)
        case .number(let number): ParameterSpec.format(number)
        case .string(let text): text
        case .array, .table: "table"
        }
    }
}
