import Host
import Hummingbird
import Marketplace
import Platform
import Sandbox

/// An error a module throws that the API shows with one stable status and
/// code (as Hummingbird's `HTTPResponseError` does for HTTP errors). Each
/// module keeps its own error type; only the Gateway knows HTTP, so the
/// conformances live here, one per module boundary.
protocol APIErrorConvertible: Error {
    var apiError: APIError { get }
}

extension StoreError: APIErrorConvertible { var apiError: APIError { APIError(self) } }
extension SandboxError: APIErrorConvertible { var apiError: APIError { APIError(self) } }
extension HTTPError: APIErrorConvertible { var apiError: APIError { APIError(self) } }
extension DecodingError: APIErrorConvertible { var apiError: APIError { APIError(self) } }
extension SchemaIssues: APIErrorConvertible { var apiError: APIError { APIError(self) } }
extension DeploymentError: APIErrorConvertible { var apiError: APIError { APIError(self) } }
extension DeploymentHostError: APIErrorConvertible { var apiError: APIError { APIError(self) } }
extension ManualCommandError: APIErrorConvertible { var apiError: APIError { APIError(self) } }
extension PlatformError: APIErrorConvertible { var apiError: APIError { APIError(self) } }

extension APIError {
    init(_ error: PlatformError) {
        switch error {
        case .quotaExceeded(let message, let retryAfter):
            self.init(status: 429, code: error.code, message: message, retryAfter: retryAfter)
        case .busy(let message, let retryAfter):
            self.init(status: 503, code: error.code, message: message, retryAfter: retryAfter)
        case .hostTimeout:
            self.init(status: 504, code: error.code, message: error.description)
        case .journalFailed:
            self.init(status: 503, code: error.code, message: error.description)
        case .internalInconsistency:
            self = .internalError
        }
    }
}
