import Foundation
import Hummingbird
import Marketplace

/// `/api/auth`: register, login, refresh (rotating), logout, me.
struct AuthRoutes {
    let gateway: Gateway

    /// The routes anyone may call (rate-limited per client address).
    func add(to group: RouterGroup<GatewayContext>) {
        group.post("register") { request, context in
            let body = try await request.decodeStrict(RegisterBody.self, context: context)
            try PasswordRules.check(body.password, username: body.username, email: body.email)
            let hash = await gateway.passwords.hash(body.password)
            let user = try gateway.store.register(username: body.username, email: body.email, passwordHash: hash)
            return Created(body: UserView(user))
        }
        group.post("login") { request, context in
            let body = try await request.decodeStrict(LoginBody.self, context: context)
            return try await login(body)
        }
        group.post("refresh") { request, context in
            let body = try await request.decodeStrict(RefreshBody.self, context: context)
            guard let presented = body.refreshToken ?? request.cookies[AuthCookies.refresh]?.value, !presented.isEmpty else {
                throw APIError.invalid("refreshToken", "is required (in the body or the refresh_token cookie)")
            }
            return try await refresh(presented)
        }
    }

    /// The routes of a signed-in user.
    func addSignedIn(to group: RouterGroup<GatewayContext>) {
        group.post("logout") { _, context in
            let identity = try context.requireIdentity()
            try gateway.store.revokeSession(identity.sessionID, reason: "logout")
            var response = Response(status: .noContent)
            AuthCookies.clear(on: &response, secure: gateway.configuration.secureCookies)
            return response
        }
        group.get("me") { _, context in UserView(try context.requireIdentity().user) }
        SecondFactorRoutes(gateway: gateway).add(to: group)
    }

    private func login(_ body: LoginBody) async throws -> Response {
        let store = gateway.store
        let login = try Check.text(body.login, "login", length: 1...320)
        _ = try Check.text(body.password, "password", length: 1...128)
        if let until = try store.lockedUntil(login: login) { throw lockedOut(until: until) }
        let credentials = try? store.credentials(login: login)
        // Unknown logins spend the same bcrypt work and count toward the same lockout.
        guard await gateway.passwords.verify(body.password, against: credentials?.passwordHash), let credentials else {
            throw try failedLogin(login, APIError(status: 401, code: "invalid_credentials", message: "the login or password is wrong"))
        }
        try store.clearLoginFailures(login: login)
        let user = try store.user(credentials.userID)
        try Gateway.requireActive(user)
        do {
            if let challenge = try await gateway.secondFactorChallenge(for: user, code: body.code) { return challenge }
        } catch let error as APIError where error == .invalidSecondFactor {
            throw try failedLogin(login, error)
        }
        return try await issue(for: user)
    }

    private func refresh(_ presented: String) async throws -> Response {
        let next = TokenService.randomToken()
        let now = gateway.now
        switch try gateway.store.rotateRefreshToken(presentedHash: TokenService.digest(presented), nextHash: TokenService.digest(next),
                                                    expiresAt: now + gateway.configuration.refreshTokenLifetime) {
        case .rotated(let session):
            let user = try gateway.store.user(session.userID)
            try Gateway.requireActive(user)
            return try await respond(user: user, sessionID: session.id, refreshToken: next, refreshExpiry: session.expiresAt)
        case .reused:
            throw APIError(status: 401, code: "refresh_token_reused",
                           message: "this refresh token was already used; the session is revoked, sign in again")
        case .invalid:
            throw APIError(status: 401, code: "invalid_refresh_token", message: "the refresh token is invalid, expired or revoked")
        }
    }

    /// Opens a session and answers with the token pair and cookies.
    func issue(for user: User) async throws -> Response {
        let refreshToken = TokenService.randomToken()
        let expiry = gateway.now + gateway.configuration.refreshTokenLifetime
        let session = try gateway.store.openSession(id: TokenService.randomToken(), for: user.id,
                                                    refreshTokenHash: TokenService.digest(refreshToken), expiresAt: expiry)
        return try await respond(user: user, sessionID: session.id, refreshToken: refreshToken, refreshExpiry: expiry)
    }

    private func respond(user: User, sessionID: String, refreshToken: String, refreshExpiry: Int64) async throws -> Response {
        let now = gateway.now
        let pair = TokenPair(accessToken: try await gateway.tokens.accessToken(for: user.id, session: sessionID, now: now),
                             refreshToken: refreshToken, expiresIn: Int(gateway.configuration.accessTokenLifetime),
                             refreshExpiresIn: Int(refreshExpiry - now), user: UserView(user))
        var response = try JSONResponse.make(pair)
        AuthCookies.set(on: &response, tokens: pair, secure: gateway.configuration.secureCookies)
        return response
    }

    /// Counts a failed login: the error to answer, or the lockout when this failure locked the login.
    private func failedLogin(_ login: String, _ error: APIError) throws -> APIError {
        let until = try gateway.store.recordLoginFailure(login: login, threshold: gateway.configuration.lockoutThreshold,
                                                         lockSeconds: gateway.configuration.lockoutSeconds)
        return until.map(lockedOut) ?? error
    }

    private func lockedOut(until: Int64) -> APIError {
        let retry = max(1, Int(until - gateway.now))
        let when = ISO8601DateFormatter().string(from: Date(timeIntervalSince1970: TimeInterval(until)))
        return APIError(status: 429, code: "login_locked",
                        message: "too many failed logins; try again after \(when) (in \(retry) s)", retryAfter: retry)
    }
}

/// A JSON response built by hand (when headers or cookies must be added).
enum JSONResponse {
    static func make(_ body: some Encodable, status: HTTPResponse.Status = .ok) throws -> Response {
        let data = try JSONEncoder().encode(body)
        return Response(status: status, headers: [.contentType: "application/json; charset=utf-8"],
                        body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}
