import Dispatch
import HummingbirdBcrypt
import Platform

/// bcrypt through HummingbirdBcrypt, off the event loops (a cost-12 hash
/// takes ~0.2 s of CPU). Unknown logins are checked against a dummy hash so
/// a login for an email that does not exist costs the same time.
public struct PasswordHasher: Sendable {
    public let cost: UInt8
    private let dummyHash: String

    public init(cost: UInt8 = 12) {
        self.cost = cost
        dummyHash = Bcrypt.hash("lunar-dummy-password-for-timing", cost: cost)
    }

    func hash(_ password: String) async -> String {
        let cost = self.cost
        return await offload { Bcrypt.hash(password, cost: cost) }
    }

    /// Constant-time per bcrypt's own comparison; `hash == nil` spends the same work on the dummy.
    func verify(_ password: String, against hash: String?) async -> Bool {
        let dummy = dummyHash
        return await offload {
            let matched = Bcrypt.verify(password, hash: hash ?? dummy)
            return hash != nil && matched
        }
    }
}

/// The password rules (docs/api.md): 10 to 128 characters, at least one
/// letter and one digit, and not the username or email.
enum PasswordRules {
    /// `field` names the body field in the error (`newPassword` on change and reset).
    static func check(_ password: String, username: String, email: String, field: String = "password") throws {
        guard (10...128).contains(password.count) else { throw APIError.invalid(field, "must be 10 to 128 characters") }
        guard password.contains(where: \.isLetter), password.contains(where: \.isNumber) else {
            throw APIError.invalid(field, "must contain at least one letter and one digit")
        }
        let lowered = password.lowercased()
        guard lowered != username.lowercased(), lowered != email.lowercased() else {
            throw APIError.invalid(field, "must not be the username or email")
        }
    }
}
