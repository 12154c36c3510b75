import Foundation
import Hummingbird
import Marketplace

/// Login with growing delays instead of an account lock (docs/api.md,
/// "Security model"): password failures count per (account, client address),
/// second-factor failures per account; a client that already holds a live
/// session of the account passes a delay with complete credentials.
extension AuthRoutes {
    func login(_ body: LoginBody, request: Request, context: GatewayContext) async throws -> Response {
        let store = gateway.store
        let login = try Check.text(body.login, "login", length: 1...320)
        _ = try Check.text(body.password, "password", length: 1...128)
        let credentials = try? await store.read { try $0.credentials(login: login) }
        // Username and email resolve to the same account; an unknown login is its own subject.
        let subject = LoginSubject(user: credentials?.userID, typed: login)
        let client = context.clientAddress
        var passedDelay = false
        if let until = try await store.read({ try $0.loginDelay(subject: subject, client: client) }) {
            guard let credentials, try await gateway.presentsLiveSession(of: credentials.userID, request) else {
                throw gateway.loginDelayed(until: until)
            }
            passedDelay = true
        }
        // Unknown logins spend the same bcrypt work and count the same way.
        guard await gateway.passwords.verify(body.password, against: credentials?.passwordHash), let credentials else {
            throw try await gateway.failedLogin(subject, client: client, factor: .password,
                                          APIError(status: 401, code: "invalid_credentials", message: "the login or password is wrong"))
        }
        let user = try await store.read { try $0.user(credentials.userID) }
        try Gateway.requireActive(user)
        do {
            if let challenge = try await gateway.secondFactorChallenge(for: user, code: body.code) { return challenge }
        } catch let error as APIError where error == .invalidSecondFactor {
            throw try await gateway.failedLogin(subject, client: client, factor: .secondFactor, error)
        }
        // Only a complete sign-in (password and, when on, the second factor) forgets the failures,
        // and not one that passed a delay on the owner's session: an attacker may share the address (NAT).
        if !passedDelay { try await store.write { try $0.clearLoginFailures(subject: subject, client: client) } }
        return try await issue(for: user)
    }
}

extension Gateway {
    var loginDelayPolicy: LoginDelayPolicy {
        LoginDelayPolicy(threshold: configuration.lockoutThreshold, capSeconds: configuration.loginDelayCapSeconds)
    }

    /// Counts a failure: the error to answer, or the delay this failure started.
    func failedLogin(_ subject: LoginSubject, client: String, factor: LoginFactor, _ error: APIError) async throws -> APIError {
        let policy = loginDelayPolicy
        let until = try await store.write { try $0.recordLoginFailure(subject: subject, client: client, factor: factor, policy: policy) }
        return until.map(loginDelayed) ?? error
    }

    func loginDelayed(until: Int64) -> APIError {
        let retry = max(1, Int(until - now))
        let when = ISO8601DateFormatter().string(from: Date(timeIntervalSince1970: TimeInterval(until)))
        return APIError(status: 429, code: "login_locked",
                        message: "too many failed sign-ins; try again after \(when) (in \(retry) s)", retryAfter: retry)
    }

    /// True when the request carries a live refresh token (cookie) or access
    /// token (header or cookie) of `user`'s: the owner's own browser.
    func presentsLiveSession(of user: UserID, _ request: Request) async throws -> Bool {
        if let refresh = request.cookies[AuthCookies.refresh]?.value, !refresh.isEmpty,
           let session = try await store.read({ try $0.liveSession(refreshTokenHash: TokenService.digest(refresh)) }), session.userID == user {
            return true
        }
        if let token = AuthenticationMiddleware.token(in: request), let claims = await tokens.verify(token, now: now),
           claims.sub.value == user.description, let session = try await store.read({ try $0.liveSession(claims.sid) }), session.userID == user {
            return true
        }
        return false
    }
}
