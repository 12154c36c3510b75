import CSandbox
import Foundation
import Sandbox

/// The sandbox figures the sandbox issue asks for, each next to the raw Lua C
/// API doing the same work in the same run.
enum SandboxBenchmarks {
    /// A 200-line script shaped like a strategy: parameters, helpers, state.
    static let twoHundredLineScript: String = {
        var lines = ["local params = {fast = 10, slow = 30}", "local state = {count = 0}"]
        var index = 0
        while lines.count < 196 {
            lines.append("local function helper\(index)(values, n)")
            lines.append("  local sum = 0")
            lines.append("  for i = math.max(1, #values - n + 1), #values do sum = sum + values[i] * \(index % 7 + 1) end")
            lines.append("  if sum > \(index * 10) then state.count = state.count + 1 end")
            lines.append("  return sum / math.max(1, n)")
            lines.append("end")
            index += 1
        }
        lines.append("function on_bar(bar) state.count = state.count + 1 return helper0({bar.close}, 1) end")
        lines.append("function trivial() end")
        lines.append("return params")
        return lines.joined(separator: "\n")
    }()

    /// A compute-heavy strategy step in pure Lua: SMA crossover over 2,000 prices.
    static let computeHeavyScript = """
    local prices = {}
    for i = 1, 2000 do prices[i] = 100 + math.sin(i / 10) * 5 + (i % 7) * 0.1 end
    local function sma(from, to)
      local sum = 0
      for i = from, to do sum = sum + prices[i] end
      return sum / (to - from + 1)
    end
    function compute()
      local signals = 0
      local above = false
      for i = 30, #prices do
        local fast, slow = sma(i - 9, i), sma(i - 29, i)
        local now = fast > slow
        if now ~= above then signals = signals + 1 end
        above = now
      end
      return signals
    end
    function trivial() end
    function on_event(event) return event.close end
    function on_fields(time, open, high, low, close, volume) return close end
    """

    static func run(_ report: inout Report) throws {
        report.section("Sandbox (issue 2)")
        try callOverhead(&report)
        try loading(&report)
        try computeSlowdown(&report)
        try eventPassing(&report)
        try idleMemory(&report)
    }

    static func callOverhead(_ report: inout Report) throws {
        let sandbox = try Sandbox()
        try sandbox.load(computeHeavyScript)
        let trivial = try sandbox.function(named: "trivial")
        let iterations = 1_000_000
        // Alternate the contenders and keep each one's best round, all in
        // thread CPU time, so a busy neighbour on the machine does not
        // favour either.
        var ours = Double.infinity, raw = Double.infinity, cOnly = Double.infinity, withResults = Double.infinity
        for _ in 0..<7 {
            ours = min(ours, try Measure.nanosecondsPerIteration(iterations: iterations, rounds: 1, cpuTime: true) {
                try sandbox.callIgnoringResults(trivial)
            })
            withResults = min(withResults, try Measure.nanosecondsPerIteration(iterations: iterations, rounds: 1, cpuTime: true) {
                try sandbox.invoke(trivial, []) { _ in () }
            })
            raw = min(raw, lsb_bench_raw_pcall_ns(computeHeavyScript, "trivial", Int64(iterations)))
            cOnly = min(cOnly, sandbox.benchmarkRawCallNanoseconds(trivial, iterations: iterations))
        }
        report.row("trivial callback: callIgnoringResults vs raw lua_pcall", format(nanoseconds: ours),
                   baseline: format(nanoseconds: raw), ratio: ours / raw, goal: "<= 1.5x")
        report.row("trivial callback: invoke (reads results)", format(nanoseconds: withResults),
                   baseline: format(nanoseconds: raw), ratio: withResults / raw)
        report.row("  of which the C call path (lsb_call)", format(nanoseconds: cOnly),
                   baseline: format(nanoseconds: raw), ratio: cOnly / raw)
    }

    static func loading(_ report: inout Report) throws {
        let script = twoHundredLineScript
        let iterations = 300
        let cold = try Measure.nanosecondsPerIteration(iterations: iterations) {
            let sandbox = try Sandbox()
            try sandbox.load(script, chunkName: "bench", useCompiledCache: false)
        }
        let raw = script.withCString { lsb_bench_raw_load_ns($0, strlen($0), Int64(iterations)) }
        report.row("create + load 200-line script, cold", format(nanoseconds: cold),
                   baseline: format(nanoseconds: raw), ratio: cold / raw, goal: "<= 1.2x")
        let primer = try Sandbox()
        try primer.load(script, chunkName: "bench-warm")
        let warm = try Measure.percentiles(samples: 2_000) {
            let sandbox = try Sandbox()
            try sandbox.load(script, chunkName: "bench-warm")
        }
        report.row("create + load 200-line script, warm (median)", format(nanoseconds: warm.median),
                   baseline: "", ratio: nil, goal: "< 100 µs")
        report.row("create + load 200-line script, warm (p99)", format(nanoseconds: warm.p99))
    }

    static func computeSlowdown(_ report: inout Report) throws {
        let sandbox = try Sandbox(limits: SandboxLimits(cpuTimePerCall: .seconds(5), wallTimePerCall: .seconds(10)))
        try sandbox.load(computeHeavyScript)
        let compute = try sandbox.function(named: "compute")
        let iterations = 200
        let ours = try Measure.nanosecondsPerIteration(iterations: iterations, cpuTime: true) {
            try sandbox.callIgnoringResults(compute)
        }
        let raw = lsb_bench_raw_pcall_ns(computeHeavyScript, "compute", Int64(iterations))
        report.row("SMA crossover in Lua: sandbox vs plain state", format(nanoseconds: ours),
                   baseline: format(nanoseconds: raw), ratio: ours / raw, goal: "< 1.2x")
    }

    static func eventPassing(_ report: inout Report) throws {
        let sandbox = try Sandbox()
        try sandbox.load(computeHeavyScript)
        let onEvent = try sandbox.function(named: "on_event")
        let onFields = try sandbox.function(named: "on_fields")
        let event: LuaValue = .table(["time": 1_700_000_000, "open": 1.5, "high": 2.5, "low": 1.0, "close": 2.0, "volume": 10.0])
        let fields: [LuaValue] = [1_700_000_000, 1.5, 2.5, 1.0, 2.0, 10.0]
        let iterations = 200_000
        let fresh = try Measure.nanosecondsPerIteration(iterations: iterations) {
            try sandbox.callIgnoringResults(onEvent, [event])
        }
        let reused = try Measure.nanosecondsPerIteration(iterations: iterations) {
            try sandbox.callIgnoringResults(onEvent, [event], reusingTables: true)
        }
        let positional = try Measure.nanosecondsPerIteration(iterations: iterations) {
            try sandbox.callIgnoringResults(onFields, fields)
        }
        report.row("bar event as a fresh table per call", format(nanoseconds: fresh))
        report.row("bar event in a reused table (cleared each call)", format(nanoseconds: reused),
                   baseline: format(nanoseconds: fresh), ratio: reused / fresh)
        let context = try sandbox.reference(global: "math")
        let layout = try sandbox.recordLayout(keys: ["time", "open", "high", "low", "close", "volume"])
        var arguments = CallArguments()
        let record = try Measure.nanosecondsPerIteration(iterations: iterations) {
            arguments.removeAll()
            arguments.appendRecord(layout) { writer in
                writer.integer(1_700_000_000); writer.number(1.5); writer.number(2.5)
                writer.number(1.0); writer.number(2.0); writer.number(10.0)
            }
            try sandbox.callIgnoringResults(onEvent, arguments, reusingTables: true)
        }
        _ = context
        report.row("bar event as an interned record in a reused table (the kernel's path)", format(nanoseconds: record),
                   baseline: format(nanoseconds: fresh), ratio: record / fresh)
        report.row("bar event as six arguments", format(nanoseconds: positional), baseline: format(nanoseconds: fresh),
                   ratio: positional / fresh)
    }

    static func idleMemory(_ report: inout Report) throws {
        let one = try Sandbox()
        report.row("idle sandbox, Lua heap with allocator overhead", format(bytes: Double(one.memoryUsed)),
                   baseline: format(bytes: lsb_bench_raw_state_bytes()), goal: "< 64 KiB (baseline: all stock libs)")
        let before = Measure.heapInUse()
        let start = DispatchTime.now().uptimeNanoseconds
        var sandboxes: [Sandbox] = []
        sandboxes.reserveCapacity(10_000)
        for _ in 0..<10_000 {
            let sandbox = try Sandbox()
            try sandbox.load(twoHundredLineScript, chunkName: "idle")
            sandboxes.append(sandbox)
        }
        let elapsed = Double(DispatchTime.now().uptimeNanoseconds - start)
        let grown = Double(Measure.heapInUse() - before)
        let heap = sandboxes.reduce(0) { $0 + $1.memoryUsed }
        report.row("10,000 sandboxes with a 200-line script: time", format(nanoseconds: elapsed))
        report.row("10,000 sandboxes: heap in use", format(bytes: grown),
                   baseline: "heap " + format(bytes: Double(heap)))
        withExtendedLifetime(sandboxes) {}
    }
}
