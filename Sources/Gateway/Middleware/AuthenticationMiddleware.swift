import Hummingbird
import Marketplace

/// Resolves the access token (`Authorization: Bearer` first, then the
/// `access_token` cookie), checks that its session is still live (logout and
/// refresh-token reuse revoke it), loads the user with the status in effect
/// now, and refuses suspended or banned accounts with 403 and the reason.
/// A token verified less than a second ago, with nothing changed in the
/// store since, is served from `VerifiedSessions`.
///
/// The refusal is not thrown here but kept in the context, so the rate
/// limiter after this middleware counts the request (as anonymous) before
/// `RequireIdentity` answers with it.
struct AuthenticationMiddleware: RouterMiddleware {
    let gateway: Gateway

    func handle(_ request: Request, context: GatewayContext,
                next: (Request, GatewayContext) async throws -> Response) async throws -> Response {
        var context = context
        do {
            context.identity = try await gateway.authenticate(token: Self.token(in: request))
        } catch let refusal as APIError {
            context.authenticationFailure = refusal
        }
        return try await next(request, context)
    }

    static func token(in request: Request) -> String? {
        bearerToken(in: request) ?? request.cookies[AuthCookies.access]?.value
    }

    /// The `Authorization: Bearer` token, which wins over the cookie.
    static func bearerToken(in request: Request) -> String? {
        guard let header = request.headers[.authorization] else { return nil }
        let parts = header.split(separator: " ", maxSplits: 1)
        return parts.count == 2 && parts[0].lowercased() == "bearer" ? String(parts[1]) : nil
    }
}

extension Gateway {
    /// The identity behind an access token, or the 401/403 that explains why not.
    func authenticate(token: String?) async throws -> Identity {
        guard let token else { throw APIError.unauthenticated }
        let now = self.now
        // Read before the store is: a write that lands during the store read
        // moves the generation on, so what that read saw is never served after it.
        let generation = store.accessGeneration
        if let verified = verifiedSessions.lookup(token, generation: generation, now: now) {
            return Identity(user: verified.user, sessionID: verified.session.id)
        }
        guard let claims = await tokens.verify(token, now: now), let raw = Int64(claims.sub.value) else {
            throw APIError.invalidToken(code: "invalid_token", message: "the access token is invalid or expired")
        }
        let userID = UserID(raw), sessionID = claims.sid
        verifiedSessions.countStoreRead()
        let found = try await store.read { store -> (Session, User)? in
            guard let session = try store.liveSession(sessionID), session.userID == userID else { return nil }
            return (session, try store.user(userID))
        }
        guard let found else { throw APIError.invalidToken(code: "session_revoked", message: "the session has ended; sign in again") }
        let (session, user) = found
        try Self.requireActive(user)
        verifiedSessions.remember(token, claims, session, user, generation: generation)
        return Identity(user: user, sessionID: session.id)
    }

    static func requireActive(_ user: User) throws {
        switch user.status {
        case .active: return
        case .suspended(let until, let reason):
            throw APIError(status: 403, code: "account_suspended", message: "the account is suspended until \(until) (Unix time): \(reason)",
                           details: [.init(field: nil, issue: reason)])
        case .banned(let reason):
            throw APIError(status: 403, code: "account_banned", message: "the account is banned: \(reason)",
                           details: [.init(field: nil, issue: reason)])
        }
    }
}

/// Refuses a request without a signed-in user, with the reason
/// `AuthenticationMiddleware` found (401 or 403).
struct RequireIdentity: RouterMiddleware {
    func handle(_ request: Request, context: GatewayContext,
                next: (Request, GatewayContext) async throws -> Response) async throws -> Response {
        _ = try context.requireIdentity()
        return try await next(request, context)
    }
}

/// Refuses callers below a role (per route group).
struct RequireRole: RouterMiddleware {
    let minimum: Role

    func handle(_ request: Request, context: GatewayContext,
                next: (Request, GatewayContext) async throws -> Response) async throws -> Response {
        let identity = try context.requireIdentity()
        guard identity.user.role >= minimum else { throw APIError.forbidden("requires the \(minimum.rawValue) role") }
        return try await next(request, context)
    }
}
