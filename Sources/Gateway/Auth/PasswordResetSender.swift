import Logging
import Marketplace

/// Delivers a password-reset token to the account's owner (an email in a
/// hosted deployment). Called after the token is stored; a failure to
/// deliver must not change the answer the requester sees.
public protocol PasswordResetSender: Sendable {
    func send(token: String, to user: User, expiresAt: Int64) async
}

/// The default for self-hosters without mail: the token goes to the server
/// log, where only the operator can read it.
public struct LoggingPasswordResetSender: PasswordResetSender {
    let logger: Logger

    public init(logger: Logger = Logger(label: "lunar.password-reset")) { self.logger = logger }

    public func send(token: String, to user: User, expiresAt: Int64) async {
        logger.notice("password reset requested", metadata: [
            "user": "\(user.id)", "username": "\(user.username)", "expiresAt": "\(expiresAt)",
            "confirm": "POST /api/auth/password-reset/confirm {\"token\": \"\(token)\", \"newPassword\": ...}",
        ])
    }
}
