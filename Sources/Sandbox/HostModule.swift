import CSandbox

/// A Swift function a script can call, as `module.name(...)` or `module:name(...)`.
/// It reads its arguments from `HostCall` and writes results back to it. It
/// runs while Lua is suspended in the middle of the script's call, so it must
/// not call into the same sandbox.
public typealias HostFunctionBody = (inout HostCall) throws(HostCallError) -> Void

/// A read-only table of host functions that scripts see as a global.
public struct HostModule {
    public let name: String
    public private(set) var functions: [(name: String, publishing: PublishedResult.Mode, body: HostFunctionBody)] = []

    public init(name: String) {
        self.name = name
    }

    /// Adds a function; `name` must be a Lua identifier. With a `publishing`
    /// mode other than `.none`, the host may answer calls in C through
    /// `Sandbox.publishedResult(...)` (see `PublishedResult`); calls without
    /// a published answer still run `body`.
    public mutating func add(_ name: String, publishing: PublishedResult.Mode = .none, _ body: @escaping HostFunctionBody) {
        functions.append((name, publishing, body))
    }
}

/// Why a host function refused a call. Becomes a Lua error at the script's
/// line, naming the function (and the argument, for `badArgument`).
public enum HostCallError: Error, Equatable {
    case badArgument(position: Int, reason: String)
    case failed(String)
}

/// One call of a host function: typed access to its arguments and a sink for
/// its results. Arguments are decoded lazily, straight from the C tape.
public struct HostCall: ~Copyable {
    private let reader: TapeReader
    /// Top-level arguments; each is found by hopping over the previous ones'
    /// subtrees (no index array: host calls are on the event path and take
    /// a handful of arguments).
    public let argumentCount: Int
    private let sandbox: OpaquePointer
    /// How many values have been returned so far.
    public private(set) var resultCount: Int32 = 0

    init(reader: TapeReader, argumentCount: Int, sandbox: OpaquePointer) {
        self.reader = reader
        self.argumentCount = argumentCount
        self.sandbox = sandbox
    }

    /// The tape index of argument `position` (1-based), or nil.
    private func start(_ position: Int) -> Int? {
        guard position >= 1, position <= argumentCount, let values = reader.values else { return nil }
        var index = 0
        for _ in 1..<position {
            guard index < reader.count else { return nil }
            index = Int(values[index].end)
        }
        return index < reader.count ? index : nil
    }

    // MARK: - Arguments (positions count from 1, as in Lua messages)

    /// The argument as a value; absent arguments are nil.
    public func value(_ position: Int) throws(HostCallError) -> LuaValue {
        guard var index = start(position) else { return .nil }
        do {
            return try reader.decode(at: &index)
        } catch {
            throw .badArgument(position: position, reason: error.description)
        }
    }

    private func entry(_ position: Int) -> lsb_value? {
        guard let index = start(position), let values = reader.values else { return nil }
        return values[index]
    }

    private func kindName(_ entry: lsb_value?) -> String {
        guard let entry else { return "no value" }
        switch entry.kind {
        case Int32(LSB_NIL.rawValue): return "nil"
        case Int32(LSB_BOOLEAN.rawValue): return "boolean"
        case Int32(LSB_INTEGER.rawValue), Int32(LSB_NUMBER.rawValue): return "number"
        case Int32(LSB_STRING.rawValue): return "string"
        default: return "table"
        }
    }

    /// True if argument `position` is a string (without converting it).
    public func isString(_ position: Int) -> Bool {
        entry(position)?.kind == Int32(LSB_STRING.rawValue)
    }

    /// A finite number.
    public func number(_ position: Int) throws(HostCallError) -> Double {
        guard let entry = entry(position) else { throw .badArgument(position: position, reason: "number expected, got no value") }
        switch entry.kind {
        case Int32(LSB_INTEGER.rawValue): return Double(entry.integer)
        case Int32(LSB_NUMBER.rawValue): return entry.number
        default: throw .badArgument(position: position, reason: "number expected, got \(kindName(entry))")
        }
    }

    public func optionalNumber(_ position: Int) throws(HostCallError) -> Double? {
        guard let entry = entry(position), entry.kind != Int32(LSB_NIL.rawValue) else { return nil }
        return try number(position)
    }

    /// An integer (a float with an integral value is accepted).
    public func integer(_ position: Int) throws(HostCallError) -> Int64 {
        guard let entry = entry(position) else { throw .badArgument(position: position, reason: "integer expected, got no value") }
        switch entry.kind {
        case Int32(LSB_INTEGER.rawValue): return entry.integer
        case Int32(LSB_NUMBER.rawValue):
            guard let exact = Int64(exactly: entry.number) else {
                throw .badArgument(position: position, reason: "number has no integer representation")
            }
            return exact
        default: throw .badArgument(position: position, reason: "integer expected, got \(kindName(entry))")
        }
    }

    /// Writes string argument `position` to the script's log through the
    /// same path as `print` and `warn`: escaped, capped at
    /// `SandboxLimits.logLineBytes`, charged to the log budget, then handed
    /// to the sandbox's log handler. Any length is accepted (the text is
    /// already in the Lua heap, under the memory quota) and NUL bytes are
    /// escaped like every other control character.
    public func log(_ level: SandboxLogLine.Level, argument position: Int) throws(HostCallError) {
        guard let entry = entry(position), entry.kind == Int32(LSB_STRING.rawValue) else {
            throw .badArgument(position: position, reason: "string expected, got \(kindName(entry(position)))")
        }
        _ = lsb_log_text(sandbox, level.rawValue, entry.string, entry.length)
    }

    /// A string without NUL bytes (names and identifiers never need one, and
    /// refusing them closes truncation tricks at C boundaries further on).
    public func string(_ position: Int, maxLength: Int = 4096) throws(HostCallError) -> String {
        guard let entry = entry(position), entry.kind == Int32(LSB_STRING.rawValue) else {
            throw .badArgument(position: position, reason: "string expected, got \(kindName(entry(position)))")
        }
        guard entry.length <= maxLength else {
            throw .badArgument(position: position, reason: "string longer than \(maxLength) bytes")
        }
        if let base = entry.string, entry.length > 0,
           UnsafeRawBufferPointer(start: base, count: entry.length).contains(0) {
            throw .badArgument(position: position, reason: "string contains a NUL byte")
        }
        return TapeReader.string(entry)
    }

    public func optionalString(_ position: Int, maxLength: Int = 4096) throws(HostCallError) -> String? {
        guard let entry = entry(position), entry.kind != Int32(LSB_NIL.rawValue) else { return nil }
        return try string(position, maxLength: maxLength)
    }

    public func boolean(_ position: Int) throws(HostCallError) -> Bool {
        guard let entry = entry(position), entry.kind == Int32(LSB_BOOLEAN.rawValue) else {
            throw .badArgument(position: position, reason: "boolean expected, got \(kindName(entry(position)))")
        }
        return entry.integer != 0
    }

    /// A table with string keys (an empty table is accepted).
    public func table(_ position: Int) throws(HostCallError) -> [String: LuaValue] {
        switch try value(position) {
        case .table(let fields): return fields
        case .array(let elements) where elements.isEmpty: return [:]
        case let other:
            throw .badArgument(position: position, reason: "table with string keys expected, got \(other.typeName)")
        }
    }

    // MARK: - Results

    /// Returns one more number to the script (the indicators' path: no
    /// `LuaValue` to build and switch over).
    public mutating func result(number: Double) {
        lsb_out_number(sandbox, number)
        resultCount += 1
    }

    /// Answers the call with `result`, a published entry the body has just
    /// written (`Sandbox.publish...`): the trampoline pushes it from C memory
    /// as a later call's fast path would, so the body builds no `LuaValue`
    /// and no results tape. Only as the whole answer: false (and nothing
    /// done) when results were already written or the entry is stale or
    /// unavailable, and then the body must return its results as usual.
    public mutating func answer(with result: PublishedResult) -> Bool {
        resultCount == 0 && lsb_answer_published(sandbox, result.entry, result.generation) != 0
    }

    /// Returns one more value to the script.
    public mutating func result(_ value: LuaValue) {
        write(value)
        resultCount += 1
    }

    private func write(_ value: LuaValue) {
        switch value {
        case .nil: lsb_out_nil(sandbox)
        case .boolean(let flag): lsb_out_boolean(sandbox, flag ? 1 : 0)
        case .integer(let number): lsb_out_integer(sandbox, number)
        case .number(let number): lsb_out_number(sandbox, number)
        case .string(let text): writeString(text)
        case .array(let elements):
            lsb_out_array(sandbox, Int32(elements.count))
            for element in elements { write(element) }
        case .table(let fields):
            lsb_out_map(sandbox, Int32(fields.count))
            for key in fields.keys.sorted() {
                writeString(key)
                write(fields[key]!)
            }
        }
    }

    private func writeString(_ text: String) {
        var text = text
        text.withUTF8 { bytes in
            bytes.withMemoryRebound(to: CChar.self) { lsb_out_string(sandbox, $0.baseAddress, $0.count) }
        }
    }

    func fail(_ message: String) {
        var message = message
        message.withUTF8 { bytes in
            bytes.withMemoryRebound(to: CChar.self) { lsb_out_error(sandbox, $0.baseAddress, $0.count) }
        }
    }
}
