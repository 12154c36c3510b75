import Dispatch
import Foundation
import Testing
@testable import Sandbox

// The hostile-script suite: every file under Fixtures/hostile/ is one attack
// on the sandbox, every file under Fixtures/benign/ a script that must keep
// working. Each fixture's first line declares what loading it must end with:
//
//   -- expect: ok                              the chunk ran; its own asserts passed
//   -- expect: cpuQuotaExceeded                CPU time or wall-clock stop (either kind)
//   -- expect: memoryQuotaExceeded
//   -- expect: quotaExceeded                   the CPU or the memory quota (a race the machine's
//                                              speed decides; the point is that one of them stops it)
//   -- expect: runtimeError[: <substring>]     substring of the error message
//   -- expect: syntaxError[: <substring>]
//   -- expect: binaryChunkRefused
//   -- expect: sourceTooLarge
//
// A `.luac` fixture is precompiled bytecode (it cannot carry a header) and
// must be refused by the host loader: binaryChunkRefused.
//
// For every fixture the test checks, besides the outcome: the load ended
// within the wall-clock limit plus a grace; the heap never went past the
// quota; a faulted sandbox refuses every later load and call with the same
// fault, and an unfaulted one still works; every log line the script
// produced is escaped and bounded; and a fresh sandbox in the same process
// still runs a benign script correctly.
//
// Each load runs on its own thread with a modest stack (as a host's worker
// thread would have) and a hang timeout, so one fixture that never returns
// is reported as a failure instead of stalling the whole run (its thread is
// abandoned, still spinning).

/// The limits every fixture runs under.
private let hostileLimits = SandboxLimits(
    memoryBytes: 8 << 20,
    cpuTimePerCall: .milliseconds(50),
    wallTimePerCall: .milliseconds(200),
    logBytesPerWindow: 16 << 10
)

/// A stand-in for the kernel's `ctx` module: only `ctx.log`, written as the
/// real one is (through `HostCall.log`, the sandbox's one output path), so
/// log fixtures attack the same code in the sandbox and, through
/// StrategyLogTests, in the kernel.
///
/// Plus `ctx.series(x [, name])`, a published function (`PublishedResult`)
/// shaped like `ta.*`: it answers `x * 2` (+1 for scope "B") in Swift,
/// refuses non-finite or huge numbers, unknown names and extra arguments,
/// and publishes every answer it gives, so `published-*` fixtures attack the
/// C fast path and its fallback as the kernel's indicators use them. And
/// `ctx.record([name])`, shaped like `ctx.position`: a table answer
/// (`published-table-*` fixtures), {label, quantity, realized} per series.
private func fixtureContextModule(_ owner: FixtureSandboxBox) -> HostModule {
    var ctx = HostModule(name: "ctx")
    ctx.add("log") { call throws(HostCallError) in
        if call.argumentCount >= 2 { try call.log(.warning, argument: 2) } else { try call.log(.info, argument: 1) }
    }
    ctx.add("series", publishing: .scoped) { call throws(HostCallError) in
        let x = try call.number(1)
        var scope = 0
        if call.argumentCount >= 2 {
            let name = try call.string(2, maxLength: 32)
            guard let named = ["A": 0, "B": 1][name] else { throw .badArgument(position: 2, reason: "unknown series '\(name)'") }
            scope = named
        }
        guard call.argumentCount <= 2 else { throw .failed("takes a number and an optional series name") }
        guard abs(x) <= 1e12 else { throw .badArgument(position: 1, reason: "out of range") }
        let answer = scope == 0 ? x * 2 : x * 2 + 1 // keeps -0.0 for -0.0
        call.result(number: answer)
        guard let sandbox = owner.sandbox, let function = sandbox.publishedFunction(named: "ctx.series"),
              let (entry, _) = sandbox.publishedResult(function, scope: scope, arguments: [x]) else { return }
        sandbox.publish(entry, numbers: 1, answer)
        if call.argumentCount >= 2 { sandbox.namePublishedScope(try call.string(2), scope: scope) }
    }
    ctx.add("record", publishing: .scoped) { call throws(HostCallError) in
        let name = try call.optionalString(1, maxLength: 32)
        guard call.argumentCount <= 1 else { throw .failed("takes an optional series name") }
        var scope = 0
        if let name {
            guard let named = ["A": 0, "B": 1][name] else { throw .badArgument(position: 1, reason: "unknown series '\(name)'") }
            scope = named
        }
        let label = scope == 0 ? "A" : "B"
        let quantity = scope == 0 ? 1.5 : -2.5
        call.result(.table(["label": .string(label), "quantity": .number(quantity), "realized": .number(0)]))
        guard let sandbox = owner.sandbox, let function = sandbox.publishedFunction(named: "ctx.record"),
              let (entry, _) = sandbox.publishedResult(function, scope: scope, arguments: EmptyCollection()),
              let labelKey = sandbox.publishedKey("label"), let quantityKey = sandbox.publishedKey("quantity"),
              let realizedKey = sandbox.publishedKey("realized") else { return }
        sandbox.publishTable(entry) // fields in sorted key order, as `.table` is pushed
        sandbox.publishField(entry, labelKey, string: label)
        sandbox.publishField(entry, quantityKey, number: quantity)
        sandbox.publishField(entry, realizedKey, number: 0)
        if let name { sandbox.namePublishedScope(name, scope: scope) }
    }
    return ctx
}

/// Lets `ctx.series` reach the sandbox it runs in (created after the module).
private final class FixtureSandboxBox {
    weak var sandbox: Sandbox?
}
/// How far past the wall-clock limit a stopped call may still end. Generous:
/// the test suites run in parallel on a shared 2-core machine (worker-process
/// and SQLite tests among them), where a thread can wait hundreds of
/// milliseconds for a core; an escape from the quota runs for seconds (or
/// forever) and still fails. `[hostile]` lines print the real times.
private let stopGrace: Duration = .milliseconds(800)
/// A load still running after this is reported as a hang and abandoned
/// (LUNAR_HOSTILE_HANG_SECONDS overrides it, to time a slow fixture).
private let hangTimeout: Duration = .seconds(
    ProcessInfo.processInfo.environment["LUNAR_HOSTILE_HANG_SECONDS"].flatMap(Int.init) ?? 8)
/// Stack of the thread a fixture runs on (macOS gives secondary threads 512 KiB).
private let fixtureThreadStackBytes = 512 << 10

// MARK: - Fixtures

struct ScriptFixture: Sendable, CustomTestStringConvertible {
    enum Expectation: Sendable, Equatable, CustomStringConvertible {
        case ok
        case cpuQuotaExceeded
        case memoryQuotaExceeded
        case quotaExceeded
        case runtimeError(String?)
        case syntaxError(String?)
        case binaryChunkRefused
        case sourceTooLarge
        case malformedHeader(String)

        var description: String {
            switch self {
            case .ok: "ok"
            case .cpuQuotaExceeded: "cpuQuotaExceeded"
            case .memoryQuotaExceeded: "memoryQuotaExceeded"
            case .quotaExceeded: "quotaExceeded"
            case .runtimeError(let text): "runtimeError" + (text.map { ": \($0)" } ?? "")
            case .syntaxError(let text): "syntaxError" + (text.map { ": \($0)" } ?? "")
            case .binaryChunkRefused: "binaryChunkRefused"
            case .sourceTooLarge: "sourceTooLarge"
            case .malformedHeader(let line): "malformed header: \(line)"
            }
        }

        var isFault: Bool { self == .cpuQuotaExceeded || self == .memoryQuotaExceeded }
    }

    let folder: String
    let name: String
    let source: String
    let expectation: Expectation
    /// A documented limit of the in-process sandbox (docs/sandbox.md, "Known
    /// limits"): the fixture's second line `-- known-limit: SECONDS why`
    /// allows it that long instead of the usual deadline. The worker-process
    /// watchdog is what bounds these in the server.
    var knownLimit: Duration? {
        let lines = source.split(separator: "\n", maxSplits: 2)
        guard lines.count > 1, lines[1].hasPrefix("-- known-limit:") else { return nil }
        let seconds = lines[1].dropFirst("-- known-limit:".count).split(separator: " ").first.flatMap { Int($0) }
        return seconds.map { .seconds($0) }
    }

    var testDescription: String { "\(folder)/\(name)" }

    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")

    static func all(in folder: String) -> [ScriptFixture] {
        let directory = root.appendingPathComponent(folder)
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        return names.filter { $0.hasSuffix(".lua") || $0.hasSuffix(".luac") }.sorted().compactMap { name in
            guard let data = FileManager.default.contents(atPath: directory.appendingPathComponent(name).path) else {
                return nil
            }
            let source = String(decoding: data, as: UTF8.self)
            let expectation = data.first == 0x1b ? .binaryChunkRefused : parseHeader(source)
            return ScriptFixture(folder: folder, name: name, source: source, expectation: expectation)
        }
    }

    static func parseHeader(_ source: String) -> Expectation {
        let firstLine = String(source.prefix { $0 != "\n" })
        let prefix = "-- expect:"
        guard firstLine.hasPrefix(prefix) else { return .malformedHeader(firstLine) }
        let body = firstLine.dropFirst(prefix.count).trimmingCharacters(in: .whitespaces)
        let (word, detail): (String, String?) = {
            guard let colon = body.firstIndex(of: ":") else { return (body, nil) }
            let detail = body[body.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            return (String(body[..<colon]), detail.isEmpty ? nil : detail)
        }()
        switch word {
        case "ok": return .ok
        case "cpuQuotaExceeded": return .cpuQuotaExceeded
        case "memoryQuotaExceeded": return .memoryQuotaExceeded
        case "quotaExceeded": return .quotaExceeded
        case "runtimeError": return .runtimeError(detail)
        case "syntaxError": return .syntaxError(detail)
        case "binaryChunkRefused": return .binaryChunkRefused
        case "sourceTooLarge": return .sourceTooLarge
        default: return .malformedHeader(firstLine)
        }
    }

    static let hostile = all(in: "hostile")
    static let benign = all(in: "benign")
}

// MARK: - Running a fixture on its own thread

/// A value handed from the fixture's thread back to the test.
private final class Handoff<Value: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var value: Value?
    func put(_ newValue: Value) { lock.withLock { value = newValue } }
    func take() -> Value? { lock.withLock { value } }
}

/// Runs `body` on a new thread with a small stack; nil if it has not returned
/// within `timeout` (the thread is then abandoned).
private func runOnFixtureThread<Value: Sendable>(timeout: Duration, _ body: @escaping @Sendable () -> Value) -> Value? {
    let handoff = Handoff<Value>()
    let finished = DispatchSemaphore(value: 0)
    let thread = Thread {
        handoff.put(body())
        finished.signal()
    }
    thread.stackSize = fixtureThreadStackBytes
    thread.start()
    let milliseconds = Int(timeout / .milliseconds(1))
    guard finished.wait(timeout: .now() + .milliseconds(milliseconds)) == .success else { return nil }
    return handoff.take()
}

/// Everything observed while loading one fixture into a fresh sandbox.
private struct FixtureRun: Sendable {
    var creation: SandboxError?
    var outcome: Result<Void, SandboxError> = .success(())
    var elapsed: Duration = .zero
    var memoryPeak = 0
    var faultAfterwards: SandboxError?
    var laterLoad: Result<Void, SandboxError> = .success(())
    var laterCall: Result<[LuaValue], SandboxError> = .success([])
    var log: [SandboxLogLine] = []
}

private final class LogCollector {
    var lines: [SandboxLogLine] = []
}

/// A probe loaded after the fixture: proves a sandbox still works (or still refuses).
private let probeSource = "function __hostile_probe(x) return x * 6 end"

private func runFixture(_ fixture: ScriptFixture) -> FixtureRun? {
    runOnFixtureThread(timeout: hangTimeout) {
        var run = FixtureRun()
        let collector = LogCollector()
        let sandbox: Sandbox
        let box = FixtureSandboxBox()
        do throws(SandboxError) {
            sandbox = try Sandbox(limits: hostileLimits, modules: [fixtureContextModule(box)],
                                  logHandler: { collector.lines.append($0) })
        } catch {
            run.creation = error
            return run
        }
        box.sandbox = sandbox
        sandbox.setPublishedScope(0)
        let start = ContinuousClock.now
        do throws(SandboxError) {
            try sandbox.load(fixture.source, chunkName: fixture.name)
        } catch {
            run.outcome = .failure(error)
        }
        run.elapsed = ContinuousClock.now - start
        run.memoryPeak = sandbox.memoryPeak
        run.faultAfterwards = sandbox.fault
        do throws(SandboxError) { try sandbox.load(probeSource, chunkName: "probe") } catch { run.laterLoad = .failure(error) }
        do throws(SandboxError) {
            run.laterCall = .success(try sandbox.call("__hostile_probe", [7]))
        } catch { run.laterCall = .failure(error) }
        sandbox.flushLog()
        run.log = collector.lines
        return run
    }
}

/// A benign script a fresh sandbox must still run after each fixture.
private let freshSandboxScript = """
local squares = {}
for i = 1, 100 do squares[i] = i * i end
local total = 0
for _, v in ipairs(squares) do total = total + v end
local Point = {}
Point.__index = Point
Point.__add = function(a, b) return setmetatable({x = a.x + b.x}, Point) end
local p = setmetatable({x = 1}, Point) + setmetatable({x = 2}, Point)
local co = coroutine.wrap(function() coroutine.yield(p.x) end)
local ok, err = pcall(error, {code = 5})
function fresh_check(x)
  return total + x, ("%d-%s"):format(co(), tostring(not ok and err.code == 5))
end
"""

private func freshSandboxStillWorks() -> Result<[LuaValue], SandboxError>? {
    runOnFixtureThread(timeout: .seconds(5)) {
        do throws(SandboxError) {
            let sandbox = try Sandbox(limits: hostileLimits)
            try sandbox.load(freshSandboxScript, chunkName: "fresh")
            return .success(try sandbox.call("fresh_check", [1]))
        } catch {
            return .failure(error)
        }
    }
}

// MARK: - Checks

/// The process's peak resident set size in bytes (Linux; 0 elsewhere).
private func residentBytes() -> Int {
    guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
          let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }),
          let kilobytes = Int(line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first ?? "")
    else { return 0 }
    return kilobytes << 10
}

private func messageOf(_ error: SandboxError) -> String? {
    switch error {
    case .runtime(let script), .syntax(let script): script.message
    default: nil
    }
}

/// Lines a log viewer or terminal could take for control input: C0 controls
/// (tab, the argument separator, aside), C1 controls, bidi overrides and
/// Unicode line separators.
private func unsafeLogCharacter(_ scalar: Unicode.Scalar) -> Bool {
    switch scalar.value {
    case 0x09: false
    case 0x00...0x1F, 0x7F: true
    case 0x80...0x9F: true
    case 0x202A...0x202E, 0x2066...0x2069, 0x2028, 0x2029: true
    default: false
    }
}

private func check(_ fixture: ScriptFixture, _ run: FixtureRun, sourceLocation: SourceLocation = #_sourceLocation) {
    if let creation = run.creation {
        Issue.record("could not create a sandbox: \(creation)", sourceLocation: sourceLocation)
        return
    }
    let expected = fixture.expectation
    let pendingNote: String = {
        if case .failure(let error) = run.outcome, let message = messageOf(error), message.contains(" pending") {
            return " [blocked on a builtin still pending: \(message.prefix(120))]"
        }
        return ""
    }()

    // 1. The outcome matches the header.
    let outcomeText: String = {
        switch run.outcome {
        case .success: "ok"
        case .failure(let error): "\(error.code): \(String(describing: error).prefix(300))"
        }
    }()
    if ProcessInfo.processInfo.environment["LUNAR_HOSTILE_VERBOSE"] != nil {
        let milliseconds = Int(run.elapsed / .milliseconds(1))
        print("[hostile] \(fixture.testDescription): \(milliseconds) ms, peak \(run.memoryPeak >> 10) KiB, "
              + "\(outcomeText.prefix(100).replacingOccurrences(of: "\n", with: " "))")
    }
    let matched: Bool = {
        switch (expected, run.outcome) {
        case (.ok, .success): true
        case (.cpuQuotaExceeded, .failure(.cpuQuotaExceeded)): true
        case (.memoryQuotaExceeded, .failure(.memoryQuotaExceeded)): true
        case (.quotaExceeded, .failure(.memoryQuotaExceeded)), (.quotaExceeded, .failure(.cpuQuotaExceeded)): true
        case (.runtimeError(let text), .failure(.runtime(let script))):
            text.map { script.message.contains($0) } ?? true
        case (.syntaxError(let text), .failure(.syntax(let script))):
            text.map { script.message.contains($0) } ?? true
        case (.binaryChunkRefused, .failure(.binaryChunkRefused)): true
        case (.sourceTooLarge, .failure(.sourceTooLarge)): true
        default: false
        }
    }()
    #expect(matched, "expected \(expected), got \(outcomeText)\(pendingNote)", sourceLocation: sourceLocation)

    // 2. The call ended in time (quota stops included).
    let deadline = fixture.knownLimit ?? (hostileLimits.wallTimePerCall + stopGrace)
    #expect(run.elapsed <= deadline, "load took \(run.elapsed) (limit \(deadline))", sourceLocation: sourceLocation)

    // 3. The heap never went past the quota.
    #expect(run.memoryPeak <= hostileLimits.memoryBytes,
            "memory peak \(run.memoryPeak) > quota \(hostileLimits.memoryBytes)", sourceLocation: sourceLocation)

    // 4. Error messages reaching the host are bounded.
    if case .failure(let error) = run.outcome, let message = messageOf(error) {
        #expect(message.utf8.count <= 4096, "error message of \(message.utf8.count) bytes", sourceLocation: sourceLocation)
    }

    // 5. A faulted sandbox stays faulted; any other still works.
    if case .failure(let error) = run.outcome, error.isFault {
        #expect(run.faultAfterwards == error, "fault not recorded: \(String(describing: run.faultAfterwards))",
                sourceLocation: sourceLocation)
        if case .failure(let later) = run.laterLoad {
            #expect(later == error, "later load failed with \(later), not the fault", sourceLocation: sourceLocation)
        } else {
            Issue.record("a faulted sandbox accepted a later load", sourceLocation: sourceLocation)
        }
        if case .failure(let later) = run.laterCall {
            #expect(later == error, "later call failed with \(later), not the fault", sourceLocation: sourceLocation)
        } else {
            Issue.record("a faulted sandbox accepted a later call", sourceLocation: sourceLocation)
        }
    } else {
        #expect(run.faultAfterwards == nil, "sandbox faulted without reporting it: \(String(describing: run.faultAfterwards))",
                sourceLocation: sourceLocation)
        switch (run.laterLoad, run.laterCall) {
        case (.success, .success(let values)):
            #expect(values == [.integer(42)], "probe returned \(values)", sourceLocation: sourceLocation)
        case (.failure(let error), _), (_, .failure(let error)):
            Issue.record("the sandbox no longer works after the fixture: \(error)", sourceLocation: sourceLocation)
        }
    }

    // 6. Log output is escaped and bounded.
    var logBytes = 0
    for line in run.log {
        logBytes += line.text.utf8.count
        #expect(line.text.utf8.count <= 1100, "log line of \(line.text.utf8.count) bytes", sourceLocation: sourceLocation)
        if let bad = line.text.unicodeScalars.first(where: unsafeLogCharacter) {
            Issue.record("log line holds unescaped U+\(String(bad.value, radix: 16, uppercase: true)): \(line.text.debugDescription.prefix(200))",
                         sourceLocation: sourceLocation)
        }
    }
    // One window's budget, or two if the load straddled a window boundary of
    // the wall clock, plus the suppression notices.
    let logBudget = hostileLimits.logBytesPerWindow * 2 + 512
    #expect(logBytes <= logBudget, "\(logBytes) bytes of log output (budget \(logBudget))", sourceLocation: sourceLocation)
}

private func checkFreshSandbox(sourceLocation: SourceLocation = #_sourceLocation) {
    switch freshSandboxStillWorks() {
    case nil:
        Issue.record("a fresh sandbox hung on a benign script", sourceLocation: sourceLocation)
    case .failure(let error)?:
        Issue.record("a fresh sandbox failed a benign script: \(error)", sourceLocation: sourceLocation)
    case .success(let values)?:
        #expect(values == [.integer(338351), .string("3-true")], "fresh sandbox returned \(values)",
                sourceLocation: sourceLocation)
    }
}

// MARK: - The suite

/// Serialized: the quotas measure per-thread CPU and wall time, so running
/// CPU-heavy fixtures side by side would only add wall-clock noise. In
/// `make test`'s alone step (`LUNAR_ALONE=1`): beside the parallel suite on a
/// loaded 2-core machine, a fixture that churns the GC (well inside its 50 ms
/// of CPU alone) was charged past the quota.
@Suite(.serialized, .enabled(if: ProcessInfo.processInfo.environment["LUNAR_ALONE"] == "1")) struct HostileScriptTests {
    @Test func fixturesArePresent() {
        #expect(ScriptFixture.hostile.count >= 45, "only \(ScriptFixture.hostile.count) hostile fixtures")
        #expect(ScriptFixture.benign.count >= 10, "only \(ScriptFixture.benign.count) benign fixtures")
        for fixture in ScriptFixture.hostile + ScriptFixture.benign {
            if case .malformedHeader(let line) = fixture.expectation {
                Issue.record("\(fixture.testDescription): first line must be '-- expect: ...', got \(line.debugDescription)")
            }
        }
        #expect(ScriptFixture.benign.allSatisfy { $0.expectation == .ok }, "benign fixtures must expect ok")
    }

    @Test(arguments: ScriptFixture.hostile)
    func hostile(_ fixture: ScriptFixture) {
        guard let run = runFixture(fixture) else {
            Issue.record("HANG: loading \(fixture.name) did not return within \(hangTimeout); its thread was abandoned")
            return
        }
        check(fixture, run)
        checkFreshSandbox()
    }

    @Test(arguments: ScriptFixture.benign)
    func benign(_ fixture: ScriptFixture) {
        #expect(fixture.expectation == .ok)
        guard let run = runFixture(fixture) else {
            Issue.record("HANG: loading \(fixture.name) did not return within \(hangTimeout)")
            return
        }
        check(fixture, run)
        checkFreshSandbox()
    }

    // MARK: Host-side attacks that a single fixture cannot express

    /// The compiled-chunk cache must key on the exact bytes of the source.
    /// Swift's String equality (and hashing) is Unicode canonical equivalence,
    /// so "é" (U+00E9) and "e" + U+0301 are the same key: the second script
    /// would run the first script's bytecode, string constants included.
    @Test func compiledCacheKeysOnExactBytes() {
        let precomposed = "marker_length = #\"caf\u{E9}\"  -- \(UUID().uuidString)"
        let decomposed = precomposed.replacingOccurrences(of: "\u{E9}", with: "e\u{301}")
        #expect(precomposed.utf8.count != decomposed.utf8.count)
        let lengths: [LuaValue]? = runOnFixtureThread(timeout: .seconds(5)) {
            do {
                let first = try Sandbox(limits: hostileLimits)
                try first.load(precomposed + "\nfunction get() return marker_length end", chunkName: "cache")
                let second = try Sandbox(limits: hostileLimits)
                try second.load(decomposed + "\nfunction get() return marker_length end", chunkName: "cache")
                return try first.call("get") + second.call("get")
            } catch {
                return [.string("error: \(error)")]
            }
        }
        #expect(lengths == [.integer(5), .integer(6)],
                "the second script ran the first one's cached bytecode: \(String(describing: lengths))")
    }

    /// Calling a function by name many times must not grow the Lua heap
    /// (each resolve used to take a registry reference that was never freed,
    /// so a long run of `call("name")` ends in a memory fault).
    @Test func callingByNameDoesNotLeak() {
        let growth: Int? = runOnFixtureThread(timeout: .seconds(10)) {
            do {
                let sandbox = try Sandbox(limits: hostileLimits)
                try sandbox.load("function tick(x) return x end", chunkName: "tick")
                for i in 0..<1_000 { try sandbox.call("tick", [.integer(Int64(i))]) }
                let before = sandbox.memoryUsed
                for i in 0..<100_000 { try sandbox.call("tick", [.integer(Int64(i))]) }
                _ = sandbox.hasFunction(named: "tick")
                return sandbox.memoryUsed - before
            } catch {
                return Int.max
            }
        }
        #expect((growth ?? .max) < 64 << 10, "heap grew by \(growth ?? -1) bytes over 100000 calls by name")
    }

    /// With `reusingTables`, a map argument is written into a table kept from
    /// the previous call. Fields the new event does not carry must not survive
    /// from the old one.
    @Test func reusedArgumentTablesHoldNoStaleFields() {
        let seen: [LuaValue]? = runOnFixtureThread(timeout: .seconds(5)) {
            do {
                let sandbox = try Sandbox(limits: hostileLimits)
                try sandbox.load("""
                    seen = {}
                    function on_event(e) seen[#seen + 1] = tostring(e.stop_loss) end
                    function report() return seen end
                    """, chunkName: "events")
                let onEvent = try sandbox.function(named: "on_event")
                try sandbox.callIgnoringResults(onEvent, [.table(["price": 10, "stop_loss": 9])], reusingTables: true)
                try sandbox.callIgnoringResults(onEvent, [.table(["price": 11])], reusingTables: true)
                return try sandbox.call("report")
            } catch {
                return [.string("error: \(error)")]
            }
        }
        #expect(seen == [.array([.string("9"), .string("nil")])],
                "the second event saw the first event's field: \(String(describing: seen))")
    }

    /// Values crossing to the host are converted into a C-heap tape that the
    /// Lua memory quota does not see. maxConvertedValues bounds one table tree,
    /// but the count restarts for every top-level value: returning the same
    /// 99,999-element table 60 times costs ~0.5 MB of Lua heap and ~6 million
    /// tape entries (~290 MB of C heap, kept as capacity afterwards), converted
    /// in a C loop that no quota interrupts.
    @Test func callResultsAreBoundedAsAWhole() {
        let copies = Array(repeating: "t", count: 60).joined(separator: ", ")
        let observed: (Result<Int, SandboxError>, Duration, Int)? = runOnFixtureThread(timeout: .seconds(30)) {
            let rssBefore = residentBytes()
            let start = ContinuousClock.now
            do throws(SandboxError) {
                let sandbox = try Sandbox(limits: hostileLimits)
                try sandbox.load("""
                    t = {}
                    for i = 1, 99999 do t[i] = i end
                    function many() return \(copies) end
                    """, chunkName: "results")
                let many = try sandbox.function(named: "many")
                let count = try sandbox.invoke(many, []) { reader throws(SandboxError) in reader.count }
                return (.success(count), ContinuousClock.now - start, residentBytes() - rssBefore)
            } catch {
                return (.failure(error), ContinuousClock.now - start, residentBytes() - rssBefore)
            }
        }
        guard let (result, elapsed, rssGrowth) = observed else {
            Issue.record("converting the results did not finish within 30 s")
            return
        }
        if case .success(let count) = result {
            Issue.record("60 x 99,999 values crossed to the host (\(count) results, peak resident memory +\(rssGrowth >> 20) MiB)")
        }
        #expect(elapsed <= hostileLimits.wallTimePerCall + stopGrace,
                "the call took \(elapsed) and ended with \(result), peak resident memory +\(rssGrowth >> 20) MiB")
    }

    /// The same amplification through a host function's arguments: 64
    /// arguments, each the same 99,999-element table.
    @Test func hostFunctionArgumentsAreBoundedAsAWhole() {
        let arguments = Array(repeating: "t", count: 64).joined(separator: ", ")
        let observed: (Result<Void, SandboxError>, Duration, Int, Int)? = runOnFixtureThread(timeout: .seconds(30)) {
            final class Counter { var seen = 0 }
            let counter = Counter()
            var module = HostModule(name: "host")
            module.add("sink") { call in counter.seen = call.argumentCount }
            let rssBefore = residentBytes()
            let start = ContinuousClock.now
            do throws(SandboxError) {
                let sandbox = try Sandbox(limits: hostileLimits, modules: [module])
                try sandbox.load("""
                    local t = {}
                    for i = 1, 99999 do t[i] = i end
                    host.sink(\(arguments))
                    """, chunkName: "arguments")
                return (.success(()), ContinuousClock.now - start, residentBytes() - rssBefore, counter.seen)
            } catch {
                return (.failure(error), ContinuousClock.now - start, residentBytes() - rssBefore, counter.seen)
            }
        }
        guard let (result, elapsed, rssGrowth, seen) = observed else {
            Issue.record("the host call did not finish within 30 s")
            return
        }
        if case .success = result {
            Issue.record("64 x 99,999 values reached the host function (\(seen) arguments, peak resident memory +\(rssGrowth >> 20) MiB)")
        }
        #expect(elapsed <= hostileLimits.wallTimePerCall + stopGrace,
                "the load took \(elapsed) and ended with \(result), peak resident memory +\(rssGrowth >> 20) MiB")
        if ProcessInfo.processInfo.environment["LUNAR_HOSTILE_VERBOSE"] != nil {
            print("[hostile] host arguments: \(result), \(elapsed), \(seen) seen, peak rss +\(rssGrowth >> 20) MiB")
        }
    }

    /// A fault poisons the sandbox until reset(); after reset() it works again.
    @Test func resetClearsAFault() {
        let result: Result<[LuaValue], SandboxError>? = runOnFixtureThread(timeout: .seconds(5)) {
            do throws(SandboxError) {
                let sandbox = try Sandbox(limits: hostileLimits)
                do { try sandbox.load("while true do end") } catch {}
                guard sandbox.fault != nil else { return .failure(.busy) }
                try sandbox.reset()
                try sandbox.load("function f() return 1 end")
                return .success(try sandbox.call("f"))
            } catch {
                return .failure(error)
            }
        }
        #expect(result.flatMap { try? $0.get() } == [.integer(1)], "\(String(describing: result))")
    }
}
