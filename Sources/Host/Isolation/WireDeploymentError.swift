import Sandbox

/// A `DeploymentError` on the wire (worker → supervisor), so a refusal in
/// a worker reaches the caller as the same value the in-process host throws.
struct WireDeploymentError: Codable, Sendable, Equatable {
    /// `script`, `schema`, `unknownSymbol` or `invalidTimeframe`.
    var kind: String
    var sandbox: WireSandboxError?
    var issues: [SchemaIssue]?
    var symbol: String?
    var timeframe: Int64?

    init(_ error: DeploymentError) {
        switch error {
        case .script(let sandbox): kind = "script"; self.sandbox = WireSandboxError(sandbox)
        case .schema(let issues): kind = "schema"; self.issues = issues.issues
        case .unknownSymbol(let symbol): kind = "unknownSymbol"; self.symbol = symbol
        case .invalidTimeframe(let seconds): kind = "invalidTimeframe"; timeframe = seconds
        }
    }

    /// The error, or nil when the peer sent something this build does not know.
    var error: DeploymentError? {
        switch kind {
        case "script": sandbox?.error.map(DeploymentError.script)
        case "schema": issues.map { DeploymentError.schema(SchemaIssues(issues: $0)) }
        case "unknownSymbol": symbol.map(DeploymentError.unknownSymbol)
        case "invalidTimeframe": timeframe.map(DeploymentError.invalidTimeframe)
        default: nil
        }
    }
}

/// A `SandboxError` on the wire: its code and whichever fields that case has.
struct WireSandboxError: Codable, Sendable, Equatable {
    var code: String
    var message: String?
    var chunk: String?
    var line: Int?
    var traceback: String?
    var limit: Int?
    var peak: Int?
    var quota: String?
    var limitNanoseconds: Int64?
    var bytes: Int?

    init(_ error: SandboxError) {
        code = error.code
        switch error {
        case .syntax(let script), .runtime(let script):
            (message, chunk, line, traceback) = (script.message, script.chunk, script.line, script.traceback)
        case .memoryQuotaExceeded(let limit, let peak): (self.limit, self.peak) = (limit, peak)
        case .cpuQuotaExceeded(let kind, let limit):
            quota = kind.rawValue
            limitNanoseconds = Int64(clamping: limit.components.seconds) &* 1_000_000_000 &+ limit.components.attoseconds / 1_000_000_000
        case .binaryChunkRefused, .busy: break
        case .sourceTooLarge(let bytes, let limit): (self.bytes, self.limit) = (bytes, limit)
        case .functionNotFound(let name), .conversion(let name): message = name
        case .creationFailed(let limit): self.limit = limit
        }
    }

    var error: SandboxError? {
        let script = ScriptError(message: message ?? "", chunk: chunk, line: line, traceback: traceback ?? "")
        switch code {
        case SandboxError.syntax(script).code: return .syntax(script)
        case SandboxError.runtime(script).code: return .runtime(script)
        case SandboxError.memoryQuotaExceeded(limit: 0, peak: 0).code: return .memoryQuotaExceeded(limit: limit ?? 0, peak: peak ?? 0)
        case SandboxError.cpuQuotaExceeded(kind: .cpuTime, limit: .zero).code:
            return .cpuQuotaExceeded(kind: CPUQuotaKind(rawValue: quota ?? "") ?? .cpuTime, limit: .nanoseconds(limitNanoseconds ?? 0))
        case SandboxError.binaryChunkRefused.code: return .binaryChunkRefused
        case SandboxError.sourceTooLarge(bytes: 0, limit: 0).code: return .sourceTooLarge(bytes: bytes ?? 0, limit: limit ?? 0)
        case SandboxError.functionNotFound("").code: return .functionNotFound(message ?? "")
        case SandboxError.conversion("").code: return .conversion(message ?? "")
        case SandboxError.busy.code: return .busy
        case SandboxError.creationFailed(limit: 0).code: return .creationFailed(limit: limit ?? 0)
        default: return nil
        }
    }
}
