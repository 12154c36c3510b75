import Foundation
import Hummingbird
import Marketplace

/// `/api/auth`: register, login, refresh (rotating), logout, me.
struct AuthRoutes {
    let gateway: Gateway

    /// The routes anyone may call (rate-limited per client address).
    func add(to group: APIRoutes) {
        group.post("register", "Create an account (password rules in docs/api.md)", body: RegisterBody.self) { request, context, body in
            try PasswordRules.check(body.password, username: body.username, email: body.email)
            let hash = await gateway.passwords.hash(body.password)
            let user = try await gateway.store.write { try $0.register(username: body.username, email: body.email, passwordHash: hash) }
            return Created(body: UserView(user))
        }
        group.on(.post, "login", "Sign in: tokens in the body and httpOnly cookies", body: LoginBody.self,
                 response: .json(.anyOf([.ref(TokenPair.self), .ref(SecondFactorRequired.self)]))) { request, context, body in
            return try await login(body, request: request, context: context)
        }
        group.on(.post, "refresh", "Rotate the refresh token (body or cookie)", body: RefreshBody.self,
                 response: TokenPair.documentation) { request, context, body in
            guard let presented = body.refreshToken ?? request.cookies[AuthCookies.refresh]?.value, !presented.isEmpty else {
                throw APIError.invalid("refreshToken", "is required (in the body or the refresh_token cookie)")
            }
            return try await refresh(presented)
        }
        PasswordRoutes(gateway: gateway).add(to: group)
    }

    /// The routes of a signed-in user.
    func addSignedIn(to group: APIRoutes) {
        group.on(.post, "logout", "Revoke the session", response: .noContent) { _, context in
            let identity = try context.requireIdentity()
            try await gateway.store.write { try $0.revokeSession(identity.sessionID, reason: "logout") }
            gateway.webSockets.closeSession(identity.sessionID, reason: "logout")
            var response = Response(status: .noContent)
            AuthCookies.clear(on: &response, secure: gateway.configuration.secureCookies)
            return response
        }
        group.get("me", "The signed-in user") { _, context in UserView(try context.requireIdentity().user) }
        SecondFactorRoutes(gateway: gateway).add(to: group)
        PasswordRoutes(gateway: gateway).addSignedIn(to: group)
    }

    private func refresh(_ presented: String) async throws -> Response {
        let next = TokenService.randomToken()
        let now = gateway.now
        let presentedHash = TokenService.digest(presented), nextHash = TokenService.digest(next)
        let expiry = now + gateway.configuration.refreshTokenLifetime
        switch try await gateway.store.write({ try $0.rotateRefreshToken(presentedHash: presentedHash, nextHash: nextHash, expiresAt: expiry) }) {
        case .rotated(let session):
            let user = try await gateway.store.read { try $0.user(session.userID) }
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
        let id = TokenService.randomToken(), refreshTokenHash = TokenService.digest(refreshToken)
        let session = try await gateway.store.write {
            try $0.openSession(id: id, for: user.id, refreshTokenHash: refreshTokenHash, expiresAt: expiry)
        }
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
}

/// A JSON response built by hand (when headers or cookies must be added).
enum JSONResponse {
    static func make(_ body: some Encodable, status: HTTPResponse.Status = .ok) throws -> Response {
        let data = try JSONEncoder().encode(body)
        return Response(status: status, headers: [.contentType: "application/json; charset=utf-8"],
                        body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}
