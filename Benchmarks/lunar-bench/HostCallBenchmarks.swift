import CSandbox
import Foundation
import Host
import Sandbox

/// The cost of one host call from a strategy, next to a plain `lua_CFunction`
/// doing the same work in a plain Lua state (`lsb_bench_raw_host_call_ns`),
/// measured side by side: each contender runs the same Lua loop of calls,
/// rounds alternate, each keeps its best round, and both are timed in thread
/// CPU time (the machine is shared).
enum HostCallBenchmarks {
    /// Calls per bar; per-event costs are then under 2% of a figure.
    static let callsPerBar = 2_000
    static let bars = 60

    struct Case {
        let label: String
        /// The loop body in the strategy (`ctx`, `ta` in scope) and in the baseline (`host` in scope).
        let strategyCall: String
        let baselineCall: String
        let goal: String
    }

    static let cases = [
        Case(label: "host call ctx.now() vs a plain lua_CFunction", strategyCall: "ctx.now()",
             baselineCall: "host.now()", goal: "<= 2x"),
        Case(label: "ta.sma(10) on the current series vs a plain lua_CFunction", strategyCall: "ta.sma(10)",
             baselineCall: "host.sma(10)", goal: "<= 2x"),
        Case(label: "ta.ema(10) vs the same plain lua_CFunction", strategyCall: "ta.ema(10)",
             baselineCall: "host.sma(10)", goal: "<= 2x"),
        Case(label: "ta.rsi(14) vs the same plain lua_CFunction", strategyCall: "ta.rsi(14)",
             baselineCall: "host.sma(14)", goal: "<= 2x"),
        Case(label: "ctx.params.fast vs a field of a plain nested table", strategyCall: "ctx.params.fast",
             baselineCall: "host.params.fast", goal: "<= 2x"),
        Case(label: "ctx.position() vs a plain lua_CFunction building the table", strategyCall: "ctx.position()",
             baselineCall: "host.position()", goal: "<= 2x"),
        // The Swift body (a `nil` argument never matches a published key):
        // what every ctx.position() cost before it was published.
        Case(label: "ctx.position(nil), the Swift body, vs the same lua_CFunction", strategyCall: "ctx.position(nil)",
             baselineCall: "host.position()", goal: "reference"),
    ]

    /// `only`: run the cases whose strategy call contains it (for profiling one).
    static func run(_ report: inout Report, only: String? = nil) throws {
        let series = HostBenchmarks.bars(bars + 40)
        for entry in cases where only.map({ entry.strategyCall.contains($0) }) ?? true {
            let source = """
            strategy = { params = { fast = { type = "integer", default = 10 } } }
            function on_bar(ctx, bar)
              for i = 1, \(callsPerBar) do local v = \(entry.strategyCall) end
            end
            """
            let baseline = """
            host.params = { fast = 10 }
            function run(n) for i = 1, n do local v = \(entry.baselineCall) end end
            """
            var ours = Double.infinity, raw = Double.infinity
            for _ in 0..<9 {
                ours = min(ours, try strategyNanosecondsPerCall(source, series))
                raw = min(raw, lsb_bench_raw_host_call_ns(baseline, Int64(callsPerBar * bars)))
            }
            report.row(entry.label, format(nanoseconds: ours), baseline: format(nanoseconds: raw),
                       ratio: ours / raw, goal: entry.goal)
        }
    }

    /// One kernel, warmed up over 40 bars, then `bars` bars timed together.
    static func strategyNanosecondsPerCall(_ source: String, _ series: [Bar]) throws -> Double {
        let kernel = try DeploymentKernel(configuration: DeploymentConfiguration(
            source: source, instruments: [HostBenchmarks.instrument],
            sandboxLimits: SandboxLimits(cpuTimePerCall: .seconds(1), wallTimePerCall: .seconds(5))))
        kernel.start(at: series[0].time)
        for bar in series.prefix(40) { kernel.handle(.bar(bar, symbol: "BTCUSD", timeframe: 60)) }
        let start = Measure.threadCPUNanoseconds()
        for bar in series.dropFirst(40) { kernel.handle(.bar(bar, symbol: "BTCUSD", timeframe: 60)) }
        let elapsed = Measure.threadCPUNanoseconds() - start
        guard kernel.strategyFault == nil else { throw BenchFailure(message: "\(kernel.strategyFault!)") }
        return elapsed / Double(callsPerBar * (series.count - 40))
    }
}

struct BenchFailure: Error { let message: String }
