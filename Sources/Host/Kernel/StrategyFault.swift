import Sandbox

/// Why and where a strategy stopped for good: what went wrong, the script
/// line, the callback and the event (market) time, and Lua's traceback for
/// runtime errors. Built from the `SandboxError` that ended the callback;
/// `DeploymentStatus.faulted(reason:)` carries its `summary`.
public struct StrategyFault: Sendable, Equatable, Codable {
    /// What kind of failure, as a stable machine code.
    public enum Kind: String, Sendable, Equatable, Codable {
        /// The script raised an error (including Lua stack overflow).
        case runtime = "runtimeError"
        /// A callback used more than its CPU time.
        case cpuQuota = "cpuQuotaExceeded"
        /// A callback took longer than its wall-clock deadline.
        case wallClock = "wallClockExceeded"
        /// The Lua heap reached its quota.
        case memoryQuota = "memoryQuotaExceeded"
        /// Anything else the sandbox refused (a value that could not cross to
        /// the host, a missing function).
        case host = "hostError"
    }

    public var kind: Kind
    /// The error's message (Lua's `chunk:line: text` for runtime errors).
    public var message: String
    /// The chunk the line belongs to, when known.
    public var chunk: String?
    /// The script line: where the error was raised, or the line executing
    /// when a quota stop fired.
    public var line: Int?
    /// The callback that was running (`on_bar`, ...), or `main chunk` for
    /// the script's top level.
    public var callback: String?
    /// The event time (epoch seconds) of the callback.
    public var time: Int64
    /// Lua's stack traceback (runtime errors), innermost call first.
    public var traceback: String?

    public init(kind: Kind, message: String, chunk: String? = nil, line: Int? = nil, callback: String? = nil,
                time: Int64, traceback: String? = nil) {
        self.kind = kind
        self.message = message
        self.chunk = chunk
        self.line = line
        self.callback = callback
        self.time = time
        self.traceback = traceback
    }

    /// The fault of `error`, raised in `callback` at event `time`;
    /// `location` is the sandbox's `faultLocation` for quota stops.
    public init(_ error: SandboxError, location: ScriptLocation?, callback: String?, time: Int64) {
        self.callback = callback
        self.time = time
        message = error.description
        switch error {
        case .runtime(let script), .syntax(let script):
            kind = .runtime
            chunk = script.chunk
            line = script.line
            traceback = script.traceback.isEmpty ? nil : script.traceback
        case .cpuQuotaExceeded(let quota, _):
            kind = quota == .cpuTime ? .cpuQuota : .wallClock
        case .memoryQuotaExceeded:
            kind = .memoryQuota
        default:
            kind = .host
        }
        if line == nil, let location {
            chunk = location.chunk
            line = location.line
        }
    }

    /// One line for logs and `DeploymentStatus.faulted(reason:)`: the
    /// message, then where (`in on_bar at strategy.lua:12`).
    public var summary: String {
        var place: [String] = []
        if let callback { place.append("in \(callback)") }
        if let line {
            let location = "\(chunk ?? "?"):\(line)"
            // Runtime messages already start with their location.
            if !message.contains(location) { place.append("at \(location)") }
        }
        return place.isEmpty ? message : "\(message) (\(place.joined(separator: " ")))"
    }
}
