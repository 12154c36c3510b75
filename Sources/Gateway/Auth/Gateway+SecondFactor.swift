import Foundation
import Hummingbird
import HummingbirdOTP
import Marketplace

/// TOTP second factor (RFC 6238 through HummingbirdOTP): 6 digits, 30 s
/// steps, one step of clock skew either way, each step accepted once; ten
/// one-time recovery codes stored by SHA-256.
extension Gateway {
    /// Nil when the login may proceed; otherwise the `require2FA` answer.
    func secondFactorChallenge(for user: User, code: String?) async throws -> Response? {
        guard let factor = try await store.read({ try $0.twoFactor(of: user.id) }), factor.confirmed else { return nil }
        guard let code, !code.isEmpty else {
            return try JSONResponse.make(SecondFactorRequired())
        }
        guard try await checkSecondFactor(code, user: user.id, factor: factor) else {
            throw APIError.invalidSecondFactor
        }
        return nil
    }

    /// A TOTP code (current step ±1, not used before) or an unused recovery code.
    func checkSecondFactor(_ code: String, user: UserID, factor: TwoFactor) async throws -> Bool {
        let trimmed = code.replacingOccurrences(of: " ", with: "")
        if trimmed.count == 6, let value = Int(trimmed) {
            let step = now / 30
            for candidate in [step - 1, step, step + 1] where candidate > factor.lastStep {
                let expected = TOTP(secret: factor.secret).compute(date: Date(timeIntervalSince1970: TimeInterval(candidate * 30)))
                if expected == value { return try await store.write { try $0.acceptTwoFactorStep(for: user, step: candidate) } }
            }
            return false
        }
        guard (8...32).contains(trimmed.count) else { return false }
        let hash = TokenService.digest(trimmed.lowercased())
        return try await store.write { try $0.useRecoveryCode(for: user, hash: hash) }
    }

    /// `checkSecondFactor` for a signed-in user (verify, disable): wrong
    /// codes count toward the account's second-factor delay, as at login, so
    /// a stolen access token cannot brute-force the factor either.
    func requireSecondFactor(_ code: String, user: UserID, factor: TwoFactor, client: String) async throws {
        let subject = LoginSubject(user: user, typed: "")
        if let until = try await store.read({ try $0.loginDelay(subject: subject, client: client) }) { throw loginDelayed(until: until) }
        guard try await checkSecondFactor(code, user: user, factor: factor) else {
            throw try await failedLogin(subject, client: client, factor: .secondFactor, .invalidSecondFactor)
        }
    }

    /// The code of the current step for `secret` (confirmation).
    func matchesCurrentStep(_ code: String, secret: String) -> Int64? {
        guard let value = Int(code.replacingOccurrences(of: " ", with: "")) else { return nil }
        let step = now / 30
        return [step - 1, step, step + 1].first {
            TOTP(secret: secret).compute(date: Date(timeIntervalSince1970: TimeInterval($0 * 30))) == value
        }
    }
}

extension APIError {
    static let invalidSecondFactor = APIError(status: 401, code: "invalid_2fa_code", message: "the two-factor code is wrong or was already used")
}

struct SecondFactorRequired: Codable, ResponseEncodableBody {
    var require2FA = true
    var message = "send the login again with \"code\": a 6-digit authenticator code or a recovery code"
}

struct CodeBody: RequestBody {
    var code: String
}

/// `/api/auth/2fa/*`: enable (secret + otpauth URI), confirm (returns the
/// recovery codes once), verify, disable.
struct SecondFactorRoutes {
    let gateway: Gateway

    struct Enrolment: Codable, ResponseEncodableBody {
        var secret: String
        var otpauthUri: String
    }
    struct RecoveryCodes: Codable, ResponseEncodableBody {
        var recoveryCodes: [String]
    }

    func add(to auth: APIRoutes) {
        let store = gateway.store
        auth.post("2fa/enable", "Start TOTP enrolment: secret and otpauth URI") { _, context in
            let user = try context.requireIdentity().user
            let alphabet = Array("ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789")
            var generator = SystemRandomNumberGenerator()
            let secret = String((0..<24).map { _ in alphabet.randomElement(using: &generator)! })
            try await store.write { try $0.beginTwoFactor(for: user.id, secret: secret) }
            let uri = TOTP(secret: secret).createAuthenticatorURL(label: user.username, issuer: "Lunar")
            let base32 = URLComponents(string: uri)?.queryItems?.first { $0.name == "secret" }?.value ?? ""
            return Enrolment(secret: base32, otpauthUri: uri)
        }
        auth.post("2fa/confirm", "Confirm with a code; returns ten recovery codes once", body: CodeBody.self) { request, context, body in
            let user = try context.requireIdentity().user
            guard let factor = try await store.read({ try $0.twoFactor(of: user.id) }), !factor.confirmed else {
                throw APIError(status: 409, code: "illegal_transition", message: "start with POST /api/auth/2fa/enable")
            }
            guard let step = gateway.matchesCurrentStep(body.code, secret: factor.secret) else {
                throw APIError(status: 422, code: "invalid_2fa_code", message: "the code does not match; check the device clock",
                               details: [.init(field: "code", issue: "does not match")])
            }
            let codes = (0..<10).map { _ in String(TokenService.randomToken().lowercased().filter(\.isLetter).prefix(10)) }
            let hashes = codes.map(TokenService.digest)
            try await store.write { try $0.confirmTwoFactor(for: user.id, step: step, recoveryCodeHashes: hashes) }
            return RecoveryCodes(recoveryCodes: codes)
        }
        auth.post("2fa/verify", "Check a code", body: CodeBody.self) { request, context, body in
            let user = try context.requireIdentity().user
            guard let factor = try await store.read({ try $0.twoFactor(of: user.id) }), factor.confirmed else {
                throw APIError.notFound("two-factor setup")
            }
            try await gateway.requireSecondFactor(body.code, user: user.id, factor: factor, client: context.clientAddress)
            return NoContent()
        }
        auth.post("2fa/disable", "Turn 2FA off (needs a code)", body: CodeBody.self) { request, context, body in
            let user = try context.requireIdentity().user
            guard let factor = try await store.read({ try $0.twoFactor(of: user.id) }) else { throw APIError.notFound("two-factor setup") }
            if factor.confirmed {
                try await gateway.requireSecondFactor(body.code, user: user.id, factor: factor, client: context.clientAddress)
            }
            try await store.write { try $0.disableTwoFactor(for: user.id) }
            return NoContent()
        }
    }
}
