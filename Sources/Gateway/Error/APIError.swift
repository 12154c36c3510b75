import Sandbox

/// The one error shape the HTTP API returns:
/// `{"error": {"code", "message", "details", "requestId"}}`. Core modules
/// throw their own typed errors; only this module maps them to HTTP.
public struct APIError: Error, Sendable, Equatable {
    /// One field-level problem: which input (`field`, a JSON path or a
    /// script line) and what rule it broke.
    public struct Detail: Sendable, Equatable, Codable {
        public var field: String?
        public var issue: String
        public init(field: String?, issue: String) {
            self.field = field
            self.issue = issue
        }
    }

    public var status: Int
    public var code: String
    public var message: String
    public var details: [Detail]
    /// Seconds after which a retry may succeed (429 and lockouts): sent as `Retry-After`.
    public var retryAfter: Int?
    /// The `WWW-Authenticate` challenge of a 401 (RFC 6750); a 401 without
    /// one gets `APIError.bearerChallenge`.
    public var challenge: String?

    public init(status: Int, code: String, message: String, details: [Detail] = [], retryAfter: Int? = nil, challenge: String? = nil) {
        self.status = status
        self.code = code
        self.message = message
        self.details = details
        self.retryAfter = retryAfter
        self.challenge = challenge
    }

    /// How a sandbox failure reads to an API client: script problems are the
    /// client's (422), quota stops too (the script did it), busy is a 409.
    public init(_ error: SandboxError) {
        switch error {
        case .syntax(let script), .runtime(let script):
            let where_ = script.line.map { [Detail(field: "line \($0)", issue: script.message)] } ?? []
            self.init(status: 422, code: error.code, message: script.message, details: where_)
        case .busy:
            self.init(status: 409, code: error.code, message: error.description)
        case .creationFailed:
            self.init(status: 500, code: error.code, message: error.description)
        default:
            self.init(status: 422, code: error.code, message: error.description)
        }
    }
}

extension APIError {
    static func badRequest(_ message: String, details: [Detail] = []) -> APIError {
        APIError(status: 400, code: "bad_request", message: message, details: details)
    }
    static func invalid(_ field: String, _ issue: String) -> APIError {
        APIError(status: 422, code: "invalid_input", message: "\(field) \(issue)", details: [Detail(field: field, issue: issue)])
    }
    static let payloadTooLarge = APIError(status: 413, code: "payload_too_large",
                                          message: "the body is larger than \(RequestLimits.maximumBodyBytes) bytes")
    static let unauthenticated = APIError(status: 401, code: "unauthenticated", message: "a valid access token is required")
    /// The challenge of a request that presented no credentials (RFC 6750 §3).
    static let bearerChallenge = #"Bearer realm="lunar""#
    /// A token was presented and is invalid, expired or revoked: RFC 6750's `invalid_token`.
    static func invalidToken(code: String, message: String) -> APIError {
        APIError(status: 401, code: code, message: message, challenge: #"Bearer realm="lunar", error="invalid_token""#)
    }
    static func forbidden(_ message: String) -> APIError { APIError(status: 403, code: "forbidden", message: message) }
    static func notFound(_ what: String) -> APIError { APIError(status: 404, code: "not_found", message: "no such \(what)") }
    static let internalError = APIError(status: 500, code: "internal_error", message: "the server failed; the request id identifies it in the logs")
}
