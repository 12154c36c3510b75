/// What the application layer refuses on its own account (the store's,
/// the sandbox's and the host's errors pass through as they are). Stable
/// codes; the Gateway maps each case to one HTTP status.
public enum PlatformError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A per-user limit is reached (`message` names it); retry after `retryAfter` seconds.
    case quotaExceeded(message: String, retryAfter: Int?)
    /// The server is full (every sandbox worker busy); retry shortly.
    case busy(message: String, retryAfter: Int?)
    /// The host did not carry out `what` within the deadline; it may still happen.
    case hostTimeout(what: String, after: Duration)
    /// A journal or checkpoint write failed past its retries: the
    /// deployment was halted (reduce-only) rather than trade unrecorded.
    case journalFailed(deployment: Int64, reason: String)
    /// An invariant the platform keeps was broken (a bug, not the caller's).
    case internalInconsistency(String)

    /// The stable machine code.
    public var code: String {
        switch self {
        case .quotaExceeded: "quota_exceeded"
        case .busy: "busy"
        case .hostTimeout: "host_timeout"
        case .journalFailed: "journal_failed"
        case .internalInconsistency: "internal_error"
        }
    }

    public var description: String {
        switch self {
        case .quotaExceeded(let message, _), .busy(let message, _): message
        case .hostTimeout(let what, let after):
            "the deployment host did not \(what) within \(after); it may still happen: read the deployment again"
        case .journalFailed(let deployment, let reason):
            "deployment \(deployment) was halted: its journal could not be written (\(reason))"
        case .internalInconsistency(let what): what
        }
    }
}
