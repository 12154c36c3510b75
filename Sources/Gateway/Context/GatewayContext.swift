import Hummingbird
import Marketplace

/// The request context every route sees: the request id, the client's
/// address as the rate limiter should count it, and who is signed in.
public struct GatewayContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// Set by `RequestIDMiddleware` before anything else runs.
    public var requestID: String = ""
    /// The TCP peer (a proxy when there is one).
    public let peerAddress: String?
    /// The client as `ClientAddress` resolved it (X-Forwarded-For from a trusted proxy).
    public var clientAddress: String = "unknown"
    /// Set by `AuthenticationMiddleware` on protected routes.
    public var identity: Identity?
    /// Why `AuthenticationMiddleware` found no identity (missing, invalid or
    /// revoked token, suspended account); `requireIdentity()` throws it.
    var authenticationFailure: APIError?

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        peerAddress = source.channel.remoteAddress?.ipAddress
    }

    public var maxUploadSize: Int { RequestLimits.maximumBodyBytes }

    /// The signed-in user, or the 401/403 that explains why there is none.
    func requireIdentity() throws -> Identity {
        guard let identity else { throw authenticationFailure ?? APIError.unauthenticated }
        return identity
    }
}

/// Who made an authenticated request: the user (status in effect now) and
/// the session their token belongs to.
public struct Identity: Sendable {
    public var user: User
    public var sessionID: String
}

/// Fixed limits on what a request may carry.
public enum RequestLimits {
    /// Request bodies larger than this are refused with 413.
    public static let maximumBodyBytes = 1 << 20
    /// Largest page a list route returns.
    public static let maximumPageSize = 200
}
