/// Where in a script an error happened, and what it said.
public struct ScriptError: Sendable, Equatable, CustomStringConvertible {
    /// The message as Lua produced it (usually `chunk:line: text`).
    public var message: String
    /// The chunk name the error points at, if known.
    public var chunk: String?
    /// The line in that chunk, if known.
    public var line: Int?
    /// Lua's stack traceback, when one was taken.
    public var traceback: String

    public init(message: String, chunk: String? = nil, line: Int? = nil, traceback: String = "") {
        self.message = message
        self.chunk = chunk
        self.line = line
        self.traceback = traceback
    }

    public var description: String { message }
}

/// Which part of the CPU quota ran out.
public enum CPUQuotaKind: String, Sendable, Equatable {
    /// The thread's CPU time for one call.
    case cpuTime
    /// The wall-clock deadline of one call.
    case wallClock
}

/// Everything that can go wrong in a sandbox. `code` is a stable machine code.
public enum SandboxError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The chunk did not compile.
    case syntax(ScriptError)
    /// The script raised an error (including Lua stack overflow).
    case runtime(ScriptError)
    /// The Lua heap reached its quota. The sandbox is faulted.
    case memoryQuotaExceeded(limit: Int, peak: Int)
    /// A call overstayed its CPU budget or wall-clock deadline. The sandbox is faulted.
    case cpuQuotaExceeded(kind: CPUQuotaKind, limit: Duration)
    /// A precompiled (binary) chunk was offered; only source text is accepted.
    case binaryChunkRefused
    /// The source is larger than `SandboxLimits.maxSourceBytes`.
    case sourceTooLarge(bytes: Int, limit: Int)
    /// No global function of that name exists.
    case functionNotFound(String)
    /// A value could not cross between Lua and Swift.
    case conversion(String)
    /// A call is already running on this sandbox or on this thread.
    case busy
    /// The state could not be created within the memory quota.
    case creationFailed(limit: Int)

    /// A stable machine-readable code.
    public var code: String {
        switch self {
        case .syntax: "syntaxError"
        case .runtime: "runtimeError"
        case .memoryQuotaExceeded: "memoryQuotaExceeded"
        case .cpuQuotaExceeded: "cpuQuotaExceeded"
        case .binaryChunkRefused: "binaryChunkRefused"
        case .sourceTooLarge: "sourceTooLarge"
        case .functionNotFound: "functionNotFound"
        case .conversion: "conversionError"
        case .busy: "sandboxBusy"
        case .creationFailed: "creationFailed"
        }
    }

    /// True for the quota stops that fault a sandbox for good.
    public var isFault: Bool {
        switch self {
        case .memoryQuotaExceeded, .cpuQuotaExceeded: true
        default: false
        }
    }

    public var description: String {
        switch self {
        case .syntax(let error): "syntax error: \(error.message)"
        case .runtime(let error): "runtime error: \(error.message)"
        case .memoryQuotaExceeded(let limit, let peak):
            "memory quota exceeded: limit \(ByteCount.text(limit)), peak \(ByteCount.text(peak))"
        case .cpuQuotaExceeded(let kind, let limit):
            kind == .cpuTime
                ? "cpu quota exceeded: more than \(Self.milliseconds(limit)) of CPU time in one call"
                : "wall-clock deadline exceeded: one call took longer than \(Self.milliseconds(limit))"
        case .binaryChunkRefused: "precompiled (binary) chunks are refused; load source text"
        case .sourceTooLarge(let bytes, let limit): "source of \(bytes) bytes exceeds the limit of \(limit) bytes"
        case .functionNotFound(let name): "no global function named '\(name)'"
        case .conversion(let reason): "cannot convert value: \(reason)"
        case .busy: "a call is already running on this sandbox or thread"
        case .creationFailed(let limit): "could not create a Lua state within \(limit) bytes"
        }
    }
}

extension SandboxError {
    /// "50 ms", "0.5 ms": quotas are milliseconds, not "0.05 seconds".
    static func milliseconds(_ duration: Duration) -> String {
        let value = duration / .milliseconds(1)
        return value == value.rounded() ? "\(Int64(value)) ms" : "\(value) ms"
    }
}

/// Byte counts as people read them: "512 bytes", "64 KiB", "16 MiB", "8.5 MiB".
public enum ByteCount {
    public static func text(_ bytes: Int) -> String {
        func scaled(_ unit: Int, _ name: String) -> String {
            let tenths = (bytes * 10 + unit / 2) / unit
            return tenths % 10 == 0 ? "\(tenths / 10) \(name)" : "\(tenths / 10).\(tenths % 10) \(name)"
        }
        if bytes >= 1 << 20 { return scaled(1 << 20, "MiB") }
        if bytes >= 1 << 10 { return scaled(1 << 10, "KiB") }
        return "\(bytes) bytes"
    }
}
