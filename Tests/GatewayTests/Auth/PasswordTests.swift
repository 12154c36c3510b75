import Foundation
import Marketplace
import Synchronization
import Testing
@testable import Gateway

/// Keeps the reset tokens the Gateway would have mailed.
final class RecordingResetSender: PasswordResetSender {
    let sent = Mutex<[(token: String, user: String)]>([])
    func send(token: String, to user: User, expiresAt: Int64) async { sent.withLock { $0.append((token, user.username)) } }

    func next(after count: Int) async throws -> String? {
        for _ in 0..<100 {
            if let token = sent.withLock({ $0.count > count ? $0[count].token : nil }) { return token }
            try await Task.sleep(for: .milliseconds(20))
        }
        return nil
    }
}

@Suite struct PasswordTests {
    @Test func aChangeKeepsThisSessionAndEndsTheOthers() async throws {
        let fixture = try await GatewayFixture()
        try await fixture.run { api in
            let current = try await api.signUp("alice")
            let other = try await api.signIn("alice")
            let wrong = try await api.call(.post, "/api/auth/password", json: ["currentPassword": "not-my-password-1", "newPassword": "battery-staple-77"],
                                           token: current.access)
            #expect(wrong.status == 401 && wrong.errorCode == "invalid_credentials")
            let weak = try await api.call(.post, "/api/auth/password", json: ["currentPassword": "correct-horse-42", "newPassword": "short"],
                                          token: current.access)
            #expect(weak.status == 422 && weak.errorDetails.first?["field"] as? String == "newPassword")
            let changed = try await api.call(.post, "/api/auth/password", json: ["currentPassword": "correct-horse-42", "newPassword": "battery-staple-77"],
                                             token: current.access)
            #expect(changed.status == 204)
            #expect(try await api.call(.post, "/api/auth/login", json: ["login": "alice", "password": "correct-horse-42"]).status == 401)
            #expect(try await api.call(.post, "/api/auth/login", json: ["login": "alice", "password": "battery-staple-77"]).status == 200)
            #expect(try await api.call(.get, "/api/auth/me", token: current.access).status == 200)
            let revoked = try await api.call(.get, "/api/auth/me", token: other.access)
            #expect(revoked.status == 401 && revoked.errorCode == "session_revoked")
            #expect(try await api.call(.post, "/api/auth/refresh", json: ["refreshToken": other.refresh]).status == 401)
            #expect(try await api.call(.post, "/api/auth/refresh", json: ["refreshToken": current.refresh]).status == 200)
        }
    }

    @Test func aChangeNeedsTheSecondFactorWhenItIsOn() async throws {
        let fixture = try await GatewayFixture()
        try await fixture.run { api in
            let bob = try await api.signUp("bob")
            _ = try await api.call(.post, "/api/auth/2fa/enable", token: bob.access)
            let secret = try #require(try fixture.store.twoFactor(of: UserID(Int64(bob.id)))?.secret)
            _ = try await api.call(.post, "/api/auth/2fa/confirm", json: ["code": TwoFactorTests.code(secret, at: fixture.clock.now)], token: bob.access)
            fixture.clock.advance(30)
            let body: [String: Any] = ["currentPassword": "correct-horse-42", "newPassword": "battery-staple-77"]
            let missing = try await api.call(.post, "/api/auth/password", json: body, token: bob.access)
            #expect(missing.status == 401 && missing.errorCode == "invalid_2fa_code")
            var withCode = body
            withCode["code"] = TwoFactorTests.code(secret, at: fixture.clock.now)
            #expect(try await api.call(.post, "/api/auth/password", json: withCode, token: bob.access).status == 204)
        }
    }

    @Test func aResetTokenWorksOnceBrieflyAndEndsEverySession() async throws {
        let sender = RecordingResetSender()
        let fixture = try await GatewayFixture { $0.passwordResetSender = sender }
        try await fixture.run { api in
            let carol = try await api.signUp("carol")
            let known = try await api.call(.post, "/api/auth/password-reset", json: ["login": "carol@example.com"])
            let unknown = try await api.call(.post, "/api/auth/password-reset", json: ["login": "nobody@example.com"])
            #expect(known.status == 202 && unknown.status == 202 && known.text == unknown.text)
            let token = try #require(try await sender.next(after: 0))
            #expect(sender.sent.withLock { $0.count } == 1)
            #expect(try fixture.store.passwordResetUser(tokenHash: TokenService.digest(token)) == UserID(Int64(carol.id)))

            let weak = try await api.call(.post, "/api/auth/password-reset/confirm", json: ["token": token, "newPassword": "short"])
            #expect(weak.status == 422 && weak.errorDetails.first?["field"] as? String == "newPassword")
            let confirmed = try await api.call(.post, "/api/auth/password-reset/confirm", json: ["token": token, "newPassword": "battery-staple-77"])
            #expect(confirmed.status == 204)
            #expect(try await api.call(.get, "/api/auth/me", token: carol.access).status == 401)
            #expect(try await api.call(.post, "/api/auth/refresh", json: ["refreshToken": carol.refresh]).status == 401)
            #expect(try await api.call(.post, "/api/auth/login", json: ["login": "carol", "password": "correct-horse-42"]).status == 401)
            #expect(try await api.call(.post, "/api/auth/login", json: ["login": "carol", "password": "battery-staple-77"]).status == 200)
            // Single use.
            let again = try await api.call(.post, "/api/auth/password-reset/confirm", json: ["token": token, "newPassword": "another-pass-99"])
            #expect(again.status == 400 && again.errorCode == "invalid_reset_token")

            // Short-lived.
            _ = try await api.call(.post, "/api/auth/password-reset", json: ["login": "carol"])
            let late = try #require(try await sender.next(after: 1))
            fixture.clock.advance(1_801)
            let expired = try await api.call(.post, "/api/auth/password-reset/confirm", json: ["token": late, "newPassword": "another-pass-99"])
            #expect(expired.status == 400 && expired.errorCode == "invalid_reset_token")
            #expect(try await api.call(.post, "/api/auth/login", json: ["login": "carol", "password": "battery-staple-77"]).status == 200)
            // Audit lines for both flows.
            let root = try fixture.store.bootstrapSuperadmin(username: "root", email: "root@example.com", passwordHash: "x")
            let actions = try fixture.store.auditLog(for: .user(UserID(Int64(carol.id))), by: root.id).map(\.action)
            #expect(actions.contains("user.password_reset") && actions.contains("user.password_reset_request"))
        }
    }
}
