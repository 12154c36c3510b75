import Sandbox

/// Feeds bars to a script's `on_bar(ctx, bar)` in a sandbox, in time order, with
/// the sandbox clock set to each bar's time. No orders: this is the
/// sandbox-only replay the CLI offers before the trading kernel exists.
public struct BarReplay {
    public struct Summary: Sendable, Equatable {
        public var barsDelivered: Int
        public var memoryPeak: Int
    }

    public let limits: SandboxLimits

    public init(limits: SandboxLimits = .standard) {
        self.limits = limits
    }

    /// Runs the script over `bars`; `output` receives every printed line.
    public func run(
        source: String,
        chunkName: String,
        instrument: Instrument,
        bars: [Bar],
        output: @escaping (SandboxLogLine) -> Void
    ) throws(SandboxError) -> Summary {
        let sandbox = try Sandbox(limits: limits, logHandler: output)
        sandbox.setClock(.manual(Double(bars.first?.time ?? 0)))
        try sandbox.load(source, chunkName: chunkName)
        let onBar = try sandbox.function(named: "on_bar")
        // The replay context is plain data: the trading API arrives with the kernel.
        let context: LuaValue = .table(["symbol": .string(instrument.symbol)])
        var delivered = 0
        for bar in bars {
            sandbox.setClock(.manual(Double(bar.time)))
            let table: LuaValue = .table([
                "time": .integer(bar.time), "open": .number(instrument.double(bar.open)),
                "high": .number(instrument.double(bar.high)), "low": .number(instrument.double(bar.low)),
                "close": .number(instrument.double(bar.close)), "volume": .number(instrument.double(bar.volume)),
            ])
            try sandbox.callIgnoringResults(onBar, [context, table], reusingTables: true)
            delivered += 1
        }
        return Summary(barsDelivered: delivered, memoryPeak: sandbox.memoryPeak)
    }
}
