import Foundation
import HummingbirdOTP
import Marketplace
import Testing
@testable import Gateway

@Suite struct TwoFactorTests {
    static func code(_ secret: String, at time: Int64) -> String {
        String(format: "%06d", TOTP(secret: secret).compute(date: Date(timeIntervalSince1970: TimeInterval(time))))
    }

    @Test func enableConfirmLoginWithCodeAndRecoveryCodeThenDisable() async throws {
        let fixture = try await GatewayFixture()
        try await fixture.run { api in
            let alice = try await api.signUp("alice")
            let enrolment = try await api.call(.post, "/api/auth/2fa/enable", token: alice.access)
            #expect(enrolment.status == 200 && (enrolment.json["otpauthUri"] as? String ?? "").hasPrefix("otpauth://totp/"))
            let secret = try #require(try fixture.store.twoFactor(of: UserID(Int64(alice.id)))?.secret)
            #expect(try await api.call(.post, "/api/auth/2fa/confirm", json: ["code": "000000"], token: alice.access).status == 422)
            let confirmed = try await api.call(.post, "/api/auth/2fa/confirm", json: ["code": Self.code(secret, at: fixture.clock.now)],
                                               token: alice.access)
            let recovery = try #require(confirmed.json["recoveryCodes"] as? [String])
            #expect(recovery.count == 10)

            // Password alone: a challenge, no tokens.
            let challenged = try await api.call(.post, "/api/auth/login", json: ["login": "alice", "password": "correct-horse-42"])
            #expect(challenged.status == 200 && challenged.json["require2FA"] as? Bool == true && challenged.json["accessToken"] == nil)
            // The code used at confirmation is spent; the next step's code works once.
            fixture.clock.advance(30)
            let next = Self.code(secret, at: fixture.clock.now)
            let signedIn = try await api.call(.post, "/api/auth/login", json: ["login": "alice", "password": "correct-horse-42", "code": next])
            #expect(signedIn.status == 200 && signedIn.json["accessToken"] is String)
            let replayed = try await api.call(.post, "/api/auth/login", json: ["login": "alice", "password": "correct-horse-42", "code": next])
            #expect(replayed.status == 401 && replayed.errorCode == "invalid_2fa_code")
            // A recovery code works once.
            let byRecovery = try await api.call(.post, "/api/auth/login", json: ["login": "alice", "password": "correct-horse-42", "code": recovery[0]])
            #expect(byRecovery.status == 200)
            #expect(try await api.call(.post, "/api/auth/login", json: ["login": "alice", "password": "correct-horse-42", "code": recovery[0]]).status == 401)

            let token = try #require(byRecovery.json["accessToken"] as? String)
            fixture.clock.advance(30)
            #expect(try await api.call(.post, "/api/auth/2fa/verify", json: ["code": Self.code(secret, at: fixture.clock.now)], token: token).status == 204)
            #expect(try await api.call(.post, "/api/auth/2fa/disable", json: ["code": "123456"], token: token).status == 401)
            #expect(try await api.call(.post, "/api/auth/2fa/disable", json: ["code": recovery[1]], token: token).status == 204)
            #expect(try await api.call(.post, "/api/auth/login", json: ["login": "alice", "password": "correct-horse-42"]).json["accessToken"] is String)
        }
    }
}
