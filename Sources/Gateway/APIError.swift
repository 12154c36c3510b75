import Sandbox

/// The one error shape the HTTP API returns:
/// `{"error": {"code", "message", "details", "requestId"}}`. Core modules
/// throw their own typed errors; only this module maps them to HTTP.
public struct APIError: Error, Sendable, Equatable {
    public var status: Int
    public var code: String
    public var message: String
    public var details: [String]

    public init(status: Int, code: String, message: String, details: [String] = []) {
        self.status = status
        self.code = code
        self.message = message
        self.details = details
    }

    /// How a sandbox failure reads to an API client: script problems are the
    /// client's (422), quota stops too (the script did it), busy is a 409.
    public init(_ error: SandboxError) {
        switch error {
        case .syntax(let script), .runtime(let script):
            let where_ = script.line.map { ["line \($0)"] } ?? []
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
