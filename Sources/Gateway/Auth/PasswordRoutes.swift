import Foundation
import Hummingbird
import Marketplace

struct ChangePasswordBody: RequestBody {
    var currentPassword: String
    var newPassword: String
    /// A TOTP or recovery code, when 2FA is on.
    var code: String?
}

struct PasswordResetBody: RequestBody {
    /// Username or email.
    var login: String
}

struct PasswordResetConfirmBody: RequestBody {
    var token: String
    var newPassword: String
}

/// What a reset request answers, whether or not the account exists.
struct PasswordResetAccepted: Codable, ResponseEncodableBody {
    var message = "if an account has that login, a reset token is on its way; it works once, for a limited time"
}

/// `/api/auth/password` (signed in) and `/api/auth/password-reset[/confirm]`
/// (anyone). A change keeps the current session and revokes the others; a
/// reset revokes them all. Both close the affected WebSockets.
struct PasswordRoutes {
    let gateway: Gateway

    func add(to group: APIRoutes) {
        group.on(.post, "password-reset", "Ask for a one-time reset token (always 202)", body: PasswordResetBody.self,
                 response: .json(.ref(PasswordResetAccepted.self), status: 202)) { request, context, body in
            try await requestReset(login: try Check.text(body.login, "login", length: 1...320))
            return try JSONResponse.make(PasswordResetAccepted(), status: .accepted)
        }
        group.post("password-reset/confirm",
                   "Set a new password with a reset token; ends every session", body: PasswordResetConfirmBody.self) { request, context, body in
            try await confirmReset(body)
            return NoContent()
        }
    }

    func addSignedIn(to group: APIRoutes) {
        group.post("password",
                   "Change the password (current password, and a code when 2FA is on); ends the other sessions",
                   body: ChangePasswordBody.self) { request, context, body in
            let identity = try context.requireIdentity()
            try await change(body, identity: identity, client: context.clientAddress)
            return NoContent()
        }
    }

    private func change(_ body: ChangePasswordBody, identity: Identity, client: String) async throws {
        let store = gateway.store
        let user = identity.user
        _ = try Check.text(body.currentPassword, "currentPassword", length: 1...128)
        // A stolen access token must not turn into a password oracle: the same delays as login.
        let subject = LoginSubject(user: user.id, typed: user.username)
        if let until = try await store.read({ try $0.loginDelay(subject: subject, client: client) }) { throw gateway.loginDelayed(until: until) }
        let credentials = try await store.read { try $0.credentials(login: user.username) }
        guard await gateway.passwords.verify(body.currentPassword, against: credentials.passwordHash) else {
            throw try await gateway.failedLogin(subject, client: client, factor: .password,
                                          APIError(status: 401, code: "invalid_credentials", message: "the current password is wrong"))
        }
        if let factor = try await store.read({ try $0.twoFactor(of: user.id) }), factor.confirmed {
            guard let code = body.code, !code.isEmpty else {
                throw APIError(status: 401, code: "invalid_2fa_code", message: "two-factor authentication is on: send \"code\" too",
                               details: [.init(field: "code", issue: "is required when 2FA is on")])
            }
            try await gateway.requireSecondFactor(code, user: user.id, factor: factor, client: client)
        }
        try PasswordRules.check(body.newPassword, username: user.username, email: user.email, field: "newPassword")
        let hash = await gateway.passwords.hash(body.newPassword)
        try await store.write { try $0.changePassword(of: user.id, passwordHash: hash, keeping: identity.sessionID) }
        gateway.webSockets.closeUser(user.id, except: identity.sessionID, reason: "password changed")
    }

    private func requestReset(login: String) async throws {
        let token = TokenService.randomToken()
        let expiry = gateway.now + gateway.configuration.passwordResetLifetime
        let tokenHash = TokenService.digest(token)
        guard let user = try await gateway.store.write({ try $0.createPasswordReset(login: login, tokenHash: tokenHash, expiresAt: expiry) }) else {
            return
        }
        // Delivered off the request, so the answer's timing does not tell whether an account matched.
        let sender = gateway.configuration.passwordResetSender ?? LoggingPasswordResetSender()
        Task { await sender.send(token: token, to: user, expiresAt: expiry) }
    }

    private func confirmReset(_ body: PasswordResetConfirmBody) async throws {
        let store = gateway.store
        let tokenHash = TokenService.digest(try Check.text(body.token, "token", length: 16...128))
        guard let user = try await store.read({ store in try store.passwordResetUser(tokenHash: tokenHash).map { try store.user($0) } }) else {
            throw Self.invalidToken
        }
        let userID = user.id
        try PasswordRules.check(body.newPassword, username: user.username, email: user.email, field: "newPassword")
        let hash = await gateway.passwords.hash(body.newPassword)
        do {
            _ = try await store.write { try $0.confirmPasswordReset(tokenHash: tokenHash, passwordHash: hash) }
        } catch StoreError.invalid(field: "token", _) {
            throw Self.invalidToken
        }
        gateway.webSockets.closeUser(userID, except: nil, reason: "password reset")
    }

    static let invalidToken = APIError(status: 400, code: "invalid_reset_token",
                                       message: "the reset token is unknown, expired or already used; request a new one",
                                       details: [.init(field: "token", issue: "is unknown, expired or already used")])
}
