import CSandbox
import Foundation

/// One Lua 5.4 state running one untrusted script under a memory quota, a
/// CPU/wall-clock quota per call, and a restricted environment.
///
/// Confinement: a `Sandbox` is not `Sendable`. Create it anywhere, then use it
/// from one thread at a time; thousands can live in one process. It owns its
/// `lua_State` (through the C half, `CSandbox`) for its whole life and frees it
/// in `deinit`; no pointer to it ever leaves this class.
public final class Sandbox {
    public let limits: SandboxLimits
    /// The first quota stop this sandbox hit. Once set, every call fails with
    /// it until `reset()`.
    @exclusivity(unchecked) public private(set) var fault: SandboxError?
    /// Receives the script's `print` and `warn` output, escaped and bounded.
    @exclusivity(unchecked) public var logHandler: (SandboxLogLine) -> Void

    /// The C context; the same for the sandbox's whole life (`reset()`
    /// replaces the Lua state inside it), so reading it needs no exclusivity
    /// check on the per-call path.
    let handle: OpaquePointer
    // Stored `var`s are `@exclusivity(unchecked)`: a sandbox is confined to
    // one thread, and a host function (the only re-entry, from Lua) reaches
    // these only through `dispatch`, which reads them; the per-access runtime
    // check cost more than a trivial callback's whole C path.
    @exclusivity(unchecked) private var modules: [HostModule] = []
    let hostFunctions = HostFunctionTable()
    @exclusivity(unchecked) private var argumentTape = ArgumentTape()
    /// The C state's generation (`lsb_generation`), cached: every call checks
    /// it, and it changes only in `init` and `reset()`.
    @exclusivity(unchecked) private var stateGeneration: UInt64 = 0

    /// Creates an empty sandbox with the given host modules installed.
    public init(
        limits: SandboxLimits = .standard,
        modules: [HostModule] = [],
        logHandler: @escaping (SandboxLogLine) -> Void = { _ in }
    ) throws(SandboxError) {
        self.limits = limits
        self.logHandler = logHandler
        var cLimits = lsb_limits()
        cLimits.memory_limit = limits.memoryBytes
        cLimits.cpu_limit_ns = limits.cpuTimePerCall.nanoseconds
        cLimits.wall_limit_ns = limits.wallTimePerCall.nanoseconds
        cLimits.random_seed = limits.randomSeed
        cLimits.log_bytes_per_window = limits.logBytesPerWindow
        cLimits.log_window_seconds = max(1, limits.logWindow.components.seconds)
        cLimits.max_source_bytes = limits.maxSourceBytes
        cLimits.max_convert_values = Int32(clamping: limits.maxConvertedValues)
        cLimits.max_convert_depth = Int32(clamping: limits.maxConvertedDepth)
        guard let created = lsb_open(&cLimits, nil, dispatchHostFunction, receiveLogLine) else {
            throw .creationFailed(limit: limits.memoryBytes)
        }
        handle = created
        stateGeneration = lsb_generation(handle)
        lsb_set_owner(handle, Unmanaged.passUnretained(self).toOpaque())
        for module in modules { try register(module) }
    }

    deinit {
        lsb_close(handle)
    }

    /// Discards the Lua state (and any fault) and starts an empty one with
    /// the same limits and host modules. Loaded scripts must be loaded again;
    /// `LuaFunction`s resolved before are no longer valid.
    public func reset() throws(SandboxError) {
        fault = nil
        let status = lsb_reset(handle)
        stateGeneration = lsb_generation(handle)
        guard status == Int32(LSB_OK.rawValue) else {
            if status == Int32(LSB_ERR_BUSY.rawValue) { throw .busy }
            throw .creationFailed(limit: limits.memoryBytes)
        }
        let installed = modules
        modules = []
        hostFunctions.removeAll()
        for module in installed { try register(module) }
    }

    // MARK: - Host modules

    /// Installs `module` as a read-only global table.
    public func register(_ module: HostModule) throws(SandboxError) {
        let firstIndex = hostFunctions.count
        for function in module.functions {
            hostFunctions.append(name: "\(module.name).\(function.name)", publishes: function.publishing != .none,
                                 body: function.body)
        }
        let names = module.functions.map { strdup($0.name) }
        defer { names.forEach { free($0) } }
        let indices = (0..<module.functions.count).map { Int32(firstIndex + $0) }
        let status = names.map { UnsafePointer($0) }.withUnsafeBufferPointer { namePointers in
            indices.withUnsafeBufferPointer { indexPointers in
                lsb_register_module(handle, module.name, namePointers.baseAddress, indexPointers.baseAddress,
                                    Int32(module.functions.count))
            }
        }
        guard status == Int32(LSB_OK.rawValue) else {
            hostFunctions.removeLast(module.functions.count)
            if status == Int32(LSB_ERR_MEMORY.rawValue) { throw recordFault(status) }
            throw .conversion("cannot register module '\(module.name)': the name is taken or invalid")
        }
        for (offset, function) in module.functions.enumerated() where function.publishing != .none {
            let status = lsb_set_publish_mode(handle, Int32(firstIndex + offset), function.publishing.cValue)
            if status == Int32(LSB_ERR_MEMORY.rawValue) { throw recordFault(status) }
        }
        modules.append(module)
    }

    /// Sets a data field of an installed host module, e.g. `ctx.params`. A
    /// read-only table cannot be changed by the script at all; otherwise the
    /// script may change the table's contents (as with `ctx.state`) but
    /// never replace the field.
    public func setModuleField(module: String, field: String, value: LuaValue, readOnly: Bool) throws(SandboxError) {
        var tape = ArgumentTape()
        try tape.append(arguments: [value])
        let status = tape.values.withUnsafeBufferPointer { values in
            tape.arena.withUnsafeBufferPointer { arena in
                lsb_set_module_field(handle, module, field, values.baseAddress, Int32(values.count),
                                     arena.baseAddress, readOnly ? 1 : 0)
            }
        }
        if status == Int32(LSB_ERR_RUNTIME.rawValue) {
            throw .conversion("cannot set \(module).\(field): no such host module")
        }
        try check(status)
    }

    /// Reads a data field of a host module back, e.g. the `ctx.state` table a
    /// strategy keeps between restarts.
    public func moduleField(module: String, field: String) throws(SandboxError) -> LuaValue {
        try check(lsb_read_module_field(handle, module, field))
        return try takeSingleResult()
    }

    /// Reads a global the script defined (nil when absent), converted to a value.
    public func global(named name: String) throws(SandboxError) -> LuaValue {
        try check(lsb_read_module_field(handle, nil, name))
        return try takeSingleResult()
    }

    private func takeSingleResult() throws(SandboxError) -> LuaValue {
        defer { lsb_finish_call(handle) }
        var count: Int32 = 0
        let reader = TapeReader(values: lsb_results(handle, &count), count: Int(count))
        guard count > 0 else { return .nil }
        var index = 0
        return try reader.decode(at: &index)
    }

    fileprivate func dispatch(index: Int32, tape: TapeReader, argumentCount: Int32) -> Int32 {
        var call = HostCall(reader: tape, argumentCount: Int(argumentCount), sandbox: handle)
        do {
            try hostFunctions.call(Int(index), &call)
            return call.resultCount
        } catch {
            let name = hostFunctions.names[Int(index)]
            switch error {
            case .badArgument(let position, let reason):
                call.fail("bad argument #\(position) to '\(name)' (\(reason))")
            case .failed(let message):
                call.fail("\(name): \(message)")
            }
            return -1
        }
    }

    // MARK: - Memory and clock

    /// Bytes the Lua heap holds now, with allocator overhead.
    public var memoryUsed: Int {
        var current = 0, peak = 0
        lsb_memory(handle, &current, &peak)
        return current
    }

    /// The most the Lua heap has held since creation or `reset()`.
    public var memoryPeak: Int {
        var current = 0, peak = 0
        lsb_memory(handle, &current, &peak)
        return peak
    }

    /// Reports what the current log window has suppressed so far (one
    /// notice line to the log handler), e.g. when a run ends before the
    /// window does.
    public func flushLog() {
        lsb_log_flush(handle)
    }

    /// Where the script was when the quota stop in `fault` fired (the line
    /// executing then), if known.
    public var faultLocation: ScriptLocation? {
        let line = Int(lsb_fault_line(handle))
        guard fault != nil, line > 0 else { return nil }
        return ScriptLocation(chunk: String(cString: lsb_fault_chunk(handle)), line: line)
    }

    /// The time scripts see through `os.time`, `os.date` and `os.clock`.
    public func setClock(_ clock: SandboxClock) {
        switch clock {
        case .wall: lsb_set_clock(handle, 0, 0)
        case .manual(let seconds): lsb_set_clock(handle, 1, seconds)
        }
    }

    // MARK: - Loading

    /// Compiles `source` (text only) and runs its main chunk under the quotas.
    /// Source already compiled once in this process is loaded from the host's
    /// own compiled form, skipping the parser.
    public func load(_ source: String, chunkName: String = "script", useCompiledCache: Bool = true) throws(SandboxError) {
        try checkNotFaulted()
        var source = source
        let sourceBytes = source.utf8.count
        guard sourceBytes <= limits.maxSourceBytes else {
            throw .sourceTooLarge(bytes: sourceBytes, limit: limits.maxSourceBytes)
        }
        let key = CompiledChunkCache.Key(source: Array(source.utf8), chunkName: Array(chunkName.utf8))
        if useCompiledCache, let compiled = CompiledChunkCache.shared.lookup(key) {
            let status = compiled.withUnsafeBytes { bytes in
                lsb_load_compiled(handle, bytes.baseAddress, bytes.count, chunkName)
            }
            try check(status)
            return
        }
        var dump: UnsafeMutableRawPointer?
        var dumpLength = 0
        let status = source.withUTF8 { bytes in
            bytes.withMemoryRebound(to: CChar.self) { chars in
                useCompiledCache
                    ? lsb_load_source(handle, chars.baseAddress, chars.count, chunkName, &dump, &dumpLength)
                    : lsb_load_source(handle, chars.baseAddress, chars.count, chunkName, nil, nil)
            }
        }
        if let dump {
            if status == Int32(LSB_OK.rawValue) || status == Int32(LSB_ERR_RUNTIME.rawValue) {
                CompiledChunkCache.shared.store(key, Array(UnsafeRawBufferPointer(start: dump, count: dumpLength)))
            }
            lsb_free_dump(dump)
        }
        try check(status)
    }

    // MARK: - Calling

    /// Resolves a global function once, for cheap repeated calls.
    public func function(named name: String) throws(SandboxError) -> LuaFunction {
        try checkNotFaulted()
        var reference: Int32 = 0
        let status = lsb_resolve(handle, name, &reference)
        if status == Int32(LSB_ERR_NOT_FUNCTION.rawValue) { throw .functionNotFound(name) }
        try check(status)
        return LuaFunction(name: name, reference: reference, generation: lsb_generation(handle))
    }

    /// True if the script defines a global function `name`.
    public func hasFunction(named name: String) -> Bool {
        guard let function = try? function(named: name) else { return false }
        release(function)
        return true
    }

    /// Calls a global function by name (resolving it for this call only).
    @discardableResult
    public func call(_ name: String, _ arguments: [LuaValue] = []) throws(SandboxError) -> [LuaValue] {
        let function = try function(named: name)
        defer { release(function) }
        return try call(function, arguments)
    }

    /// Lets go of a resolved function the caller no longer needs.
    public func release(_ function: LuaFunction) {
        guard function.generation == lsb_generation(handle) else { return }
        lsb_release(handle, function.reference)
    }

    /// Calls a resolved function with arguments; returns its results.
    @discardableResult
    public func call(_ function: LuaFunction, _ arguments: [LuaValue] = []) throws(SandboxError) -> [LuaValue] {
        try invoke(function, arguments) { reader throws(SandboxError) in try reader.values() }
    }

    /// Calls a resolved function and hands its raw results to `read` without
    /// building `LuaValue`s: the hot path for event callbacks. With
    /// `reusingTables`, every top-level map argument is written into a table
    /// the sandbox keeps for that argument position, so an event costs no new
    /// Lua table; scripts must copy fields they want to keep (documented in
    /// docs/sandbox.md).
    public func invoke<Result>(
        _ function: LuaFunction,
        _ arguments: [LuaValue],
        reusingTables: Bool = false,
        read: (ResultReader) throws(SandboxError) -> Result
    ) throws(SandboxError) -> Result {
        try perform(function, arguments, flags: reusingTables ? Int32(LSB_CALL_REUSE_TABLES) : 0)
        defer { lsb_finish_call(handle) }
        var count: Int32 = 0
        let values = lsb_results(handle, &count)
        let reader = ResultReader(tape: TapeReader(values: values, count: Int(count)))
        return try read(reader)
    }

    /// Calls a resolved function without arguments for its effects only
    /// (timers, `on_start`): no argument array to build, check or release.
    public func callIgnoringResults(_ function: LuaFunction) throws(SandboxError) {
        guard function.generation == stateGeneration else { throw .functionNotFound(function.name) }
        // A faulted sandbox is refused by the C side, which keeps the fault.
        try check(lsb_call(handle, function.reference, nil, 0, 0, nil, Int32(LSB_CALL_DISCARD_RESULTS)))
    }

    /// Calls a resolved function for its effects only: its results are
    /// dropped unread. The cheapest way to deliver an event.
    public func callIgnoringResults(
        _ function: LuaFunction,
        _ arguments: [LuaValue] = [],
        reusingTables: Bool = false
    ) throws(SandboxError) {
        let reuse = reusingTables ? Int32(LSB_CALL_REUSE_TABLES) : 0
        try perform(function, arguments, flags: reuse | Int32(LSB_CALL_DISCARD_RESULTS))
    }

    /// Calls with prepared arguments (references, records) for effects only:
    /// the event path.
    public func callIgnoringResults(
        _ function: LuaFunction,
        _ arguments: borrowing CallArguments,
        reusingTables: Bool = false
    ) throws(SandboxError) {
        let reuse = reusingTables ? Int32(LSB_CALL_REUSE_TABLES) : 0
        try perform(function, tape: arguments.tape, flags: reuse | Int32(LSB_CALL_DISCARD_RESULTS))
    }

    /// Pins a global (for example a host module) for passing as an argument.
    public func reference(global name: String) throws(SandboxError) -> LuaReference {
        var reference: Int32 = 0
        try check(lsb_reference_global(handle, name, &reference))
        return LuaReference(reference: reference, generation: lsb_generation(handle))
    }

    /// Pins a string (an event's symbol) for passing as an argument or a
    /// record field (`RecordWriter.reference`) without copying it into the
    /// tape or Lua hashing it again on every call.
    public func reference(string text: String) throws(SandboxError) -> LuaReference {
        var reference: Int32 = 0
        var text = text
        let status = text.withUTF8 { bytes in
            bytes.withMemoryRebound(to: CChar.self) {
                lsb_reference_string(handle, $0.baseAddress, Int32(clamping: $0.count), &reference)
            }
        }
        try check(status)
        return LuaReference(reference: reference, generation: lsb_generation(handle))
    }

    /// Interns the keys of an event table once, for `CallArguments.appendRecord`.
    public func recordLayout(keys: [String]) throws(SandboxError) -> RecordLayout {
        let copies = keys.map { strdup($0) }
        defer { copies.forEach { free($0) } }
        var reference: Int32 = 0
        let status = copies.map { UnsafePointer($0) }.withUnsafeBufferPointer {
            lsb_make_record_layout(handle, $0.baseAddress, Int32(keys.count), &reference)
        }
        try check(status)
        return RecordLayout(keyCount: keys.count, reference: reference, generation: lsb_generation(handle))
    }

    private func perform(_ function: LuaFunction, _ arguments: [LuaValue], flags: Int32) throws(SandboxError) {
        if arguments.isEmpty {
            guard function.generation == stateGeneration else { throw .functionNotFound(function.name) }
            // A faulted sandbox is refused by the C side, which keeps the fault.
            try check(lsb_call(handle, function.reference, nil, 0, 0, nil, flags))
            return
        }
        argumentTape.reset()
        try argumentTape.append(arguments: arguments)
        try perform(function, tape: argumentTape, flags: flags)
    }

    private func perform(_ function: LuaFunction, tape: borrowing ArgumentTape, flags: Int32) throws(SandboxError) {
        let generation = stateGeneration
        guard function.generation == generation else { throw .functionNotFound(function.name) }
        if let pinned = tape.pinnedGeneration, pinned != generation {
            throw .conversion("arguments hold references from another sandbox or from before reset()")
        }
        let status = tape.values.withUnsafeBufferPointer { values in
            tape.arena.withUnsafeBufferPointer { arena in
                lsb_call(handle, function.reference, values.baseAddress, Int32(values.count),
                         tape.topLevelCount, arena.baseAddress, flags)
            }
        }
        try check(status)
    }

    /// Benchmark probe: the C call path alone, without Swift's argument and
    /// result handling.
    public func benchmarkRawCallNanoseconds(_ function: LuaFunction, iterations: Int) -> Double {
        lsb_bench_sandbox_call_ns(handle, function.reference, Int64(iterations))
    }

    // MARK: - Errors

    private func checkNotFaulted() throws(SandboxError) {
        if let fault { throw fault }
    }

    private func check(_ status: Int32) throws(SandboxError) {
        switch lsb_status(rawValue: UInt32(bitPattern: status)) {
        case LSB_OK: return
        case LSB_ERR_RUNTIME: throw .runtime(scriptError())
        case LSB_ERR_SYNTAX: throw .syntax(scriptError())
        case LSB_ERR_CONVERT: throw .conversion(scriptError().message)
        case LSB_ERR_BUSY: throw .busy
        case LSB_ERR_BINARY: throw .binaryChunkRefused
        case LSB_ERR_TOO_LARGE: throw .sourceTooLarge(bytes: -1, limit: limits.maxSourceBytes)
        case LSB_ERR_NOT_FUNCTION: throw .functionNotFound("?")
        default: throw recordFault(status)
        }
    }

    func recordFault(_ status: Int32) -> SandboxError {
        let error: SandboxError
        switch lsb_status(rawValue: UInt32(bitPattern: status)) {
        case LSB_ERR_CPU: error = .cpuQuotaExceeded(kind: .cpuTime, limit: limits.cpuTimePerCall)
        case LSB_ERR_WALL: error = .cpuQuotaExceeded(kind: .wallClock, limit: limits.wallTimePerCall)
        default: error = .memoryQuotaExceeded(limit: limits.memoryBytes, peak: memoryPeak)
        }
        fault = error
        return error
    }

    private func scriptError() -> ScriptError {
        var length = 0
        let messagePointer = lsb_error_message(handle, &length)
        let message = Self.text(messagePointer, length)
        let traceback = Self.text(lsb_error_traceback(handle, &length), length)
        var chunk: String? = nil
        var line: Int? = nil
        if let (parsedChunk, parsedLine) = ScriptError.location(in: message) {
            chunk = parsedChunk
            line = parsedLine
        } else if lsb_error_line(handle) > 0 {
            chunk = String(cString: lsb_error_chunk(handle))
            line = Int(lsb_error_line(handle))
        }
        return ScriptError(message: message, chunk: chunk, line: line,
                           traceback: traceback.trimmingCharacters(in: .whitespacesAndNewlines))
    }

    private static func text(_ pointer: UnsafePointer<CChar>?, _ length: Int) -> String {
        guard let pointer, length > 0 else { return "" }
        return String(decoding: UnsafeRawBufferPointer(start: pointer, count: length), as: UTF8.self)
    }
}

/// A global function resolved in one sandbox (valid until its `reset()`).
public struct LuaFunction: Sendable, Hashable {
    public let name: String
    let reference: Int32
    let generation: UInt64
}

/// A line in a loaded chunk.
public struct ScriptLocation: Sendable, Equatable {
    public var chunk: String
    public var line: Int

    public init(chunk: String, line: Int) {
        self.chunk = chunk
        self.line = line
    }
}

/// The clock a script sees.
public enum SandboxClock: Sendable, Equatable {
    /// The machine's real time (live runs).
    case wall
    /// A host-controlled time in seconds since the Unix epoch (backtests).
    case manual(Double)
}

/// One line of script output: escaped (no control characters), at most
/// `SandboxLimits.logLineBytes` bytes plus a truncation marker, and within
/// the sandbox's log budget. `print`, `warn` and host functions that log
/// (`HostCall.log`) all arrive this way.
public struct SandboxLogLine: Sendable, Equatable {
    public enum Level: Int32, Sendable, Equatable {
        case print = 0, warning = 1, debug = 2, info = 3, error = 4

        /// The level's name in deployment logs (`print` is `info`).
        public var name: String {
            switch self {
            case .print, .info: "info"
            case .warning: "warn"
            case .debug: "debug"
            case .error: "error"
            }
        }
    }
    public let level: Level
    public let text: String

    public init(level: Level, text: String) {
        self.level = level
        self.text = text
    }
}

/// Reads a call's results without copying them into `LuaValue`s.
public struct ResultReader {
    let tape: TapeReader

    /// The number of top-level results.
    public var count: Int { tape.topLevelIndices().count }

    /// All results as values.
    public func values() throws(SandboxError) -> [LuaValue] { try tape.decodeAll() }

    /// The first result as a value (nil when there is none).
    public func first() throws(SandboxError) -> LuaValue {
        guard tape.count > 0 else { return .nil }
        var index = 0
        return try tape.decode(at: &index)
    }
}

extension ScriptError {
    /// Splits Lua's `chunk:line: message` prefix.
    static func location(in message: String) -> (String, Int)? {
        let firstLine = message.prefix { $0 != "\n" }
        let parts = firstLine.split(separator: ":", maxSplits: 2, omittingEmptySubsequences: false)
        guard parts.count == 3, let line = Int(parts[1]), line > 0, !parts[0].isEmpty else { return nil }
        return (String(parts[0]), line)
    }
}

private let dispatchHostFunction: lsb_host_dispatch = { owner, index, values, valueCount, argumentCount, _ in
    // The sandbox is inside its own call: it is alive, so no retain.
    let tape = TapeReader(values: values, count: Int(valueCount))
    return Unmanaged<Sandbox>.fromOpaque(owner!)._withUnsafeGuaranteedRef {
        $0.dispatch(index: index, tape: tape, argumentCount: argumentCount)
    }
}

private let receiveLogLine: lsb_log_sink = { owner, level, line, length in
    let sandbox = Unmanaged<Sandbox>.fromOpaque(owner!).takeUnretainedValue()
    let text = line.map { String(decoding: UnsafeRawBufferPointer(start: $0, count: length), as: UTF8.self) } ?? ""
    sandbox.logHandler(SandboxLogLine(level: SandboxLogLine.Level(rawValue: level) ?? .warning, text: text))
}
