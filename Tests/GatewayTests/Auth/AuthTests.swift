import Crypto
import Foundation
import JWTKit
import Marketplace
import Testing
@testable import Gateway

@Suite struct AuthTests {
    @Test func registerLoginMeAndCookies() async throws {
        let fixture = try await GatewayFixture()
        try await fixture.run { api in
            let weak = try await api.call(.post, "/api/auth/register", json: ["username": "alice", "email": "alice@example.com", "password": "short"])
            #expect(weak.status == 422 && weak.errorDetails.first?["field"] as? String == "password")
            let registered = try await api.call(.post, "/api/auth/register",
                                                json: ["username": "alice", "email": "alice@example.com", "password": "correct-horse-42"])
            #expect(registered.status == 201 && registered.json["role"] as? String == "user")
            #expect(registered.json["passwordHash"] == nil)
            let again = try await api.call(.post, "/api/auth/register",
                                           json: ["username": "alice2", "email": "ALICE@example.com", "password": "correct-horse-42"])
            #expect(again.status == 409 && again.errorCode == "duplicate")

            let login = try await api.call(.post, "/api/auth/login", json: ["login": "alice@example.com", "password": "correct-horse-42"])
            #expect(login.status == 200 && login.json["tokenType"] as? String == "Bearer" && login.json["expiresIn"] as? Int == 900)
            let cookies = login.cookies()
            #expect(cookies.contains { $0.hasPrefix("access_token=") && $0.contains("HttpOnly") && $0.contains("Secure") && $0.contains("SameSite=Strict") })
            #expect(cookies.contains { $0.hasPrefix("refresh_token=") && $0.contains("Path=/api/auth") })

            let access = try #require(login.json["accessToken"] as? String)
            let me = try await api.call(.get, "/api/auth/me", token: access)
            #expect(me.status == 200 && me.json["username"] as? String == "alice")
            #expect(me.header("RateLimit-Limit") != nil)
            // The cookie alone authenticates too.
            let byCookie = try await api.call(.get, "/api/auth/me", headers: ["Cookie": "access_token=\(access)"])
            #expect(byCookie.status == 200)
            #expect(try await api.call(.get, "/api/auth/me").status == 401)
        }
    }

    @Test func wrongPasswordAndUnknownEmailLookTheSame() async throws {
        let fixture = try await GatewayFixture()
        try await fixture.run { api in
            _ = try await api.signUp("bob")
            let wrong = try await api.call(.post, "/api/auth/login", json: ["login": "bob", "password": "not-the-password-1"])
            let unknown = try await api.call(.post, "/api/auth/login", json: ["login": "nobody@example.com", "password": "not-the-password-1"])
            #expect(wrong.status == 401 && unknown.status == 401)
            #expect(wrong.errorCode == unknown.errorCode)
            #expect(wrong.errorMessage == unknown.errorMessage)
        }
    }

    @Test func fiveFailuresDelayTheLoginAndSayWhenToRetry() async throws {
        let fixture = try await GatewayFixture()
        try await fixture.run { api in
            _ = try await api.signUp("carol")
            for attempt in 1...4 {
                let reply = try await api.call(.post, "/api/auth/login", json: ["login": "carol", "password": "wrong-password-\(attempt)"])
                #expect(reply.status == 401)
            }
            let fifth = try await api.call(.post, "/api/auth/login", json: ["login": "carol", "password": "wrong-password-5"])
            #expect(fifth.status == 429 && fifth.errorCode == "login_locked")
            #expect(fifth.header("Retry-After") == "1")
            // Even the right password waits out the delay.
            let right = try await api.call(.post, "/api/auth/login", json: ["login": "carol", "password": "correct-horse-42"])
            #expect(right.status == 429 && right.errorMessage.contains("try again after"))
            fixture.clock.advance(1)
            #expect(try await api.call(.post, "/api/auth/login", json: ["login": "carol", "password": "correct-horse-42"]).status == 200)
        }
    }

    @Test func refreshRotatesAndReuseRevokesTheFamily() async throws {
        let fixture = try await GatewayFixture()
        try await fixture.run { api in
            let first = try await api.signUp("dave")
            let rotated = try await api.call(.post, "/api/auth/refresh", json: ["refreshToken": first.refresh])
            #expect(rotated.status == 200)
            let second = try #require(rotated.json["refreshToken"] as? String)
            let secondAccess = try #require(rotated.json["accessToken"] as? String)
            #expect(second != first.refresh)
            #expect(try await api.call(.get, "/api/auth/me", token: secondAccess).status == 200)

            // The spent token again: the whole family dies, access tokens included.
            let reuse = try await api.call(.post, "/api/auth/refresh", json: ["refreshToken": first.refresh])
            #expect(reuse.status == 401 && reuse.errorCode == "refresh_token_reused")
            #expect(try await api.call(.post, "/api/auth/refresh", json: ["refreshToken": second]).status == 401)
            let revoked = try await api.call(.get, "/api/auth/me", token: secondAccess)
            #expect(revoked.status == 401 && revoked.errorCode == "session_revoked")

            // The refresh cookie works in place of the body.
            let fresh = try await api.signIn("dave")
            // (A cookie-authenticated write names its origin: CSRFMiddleware.)
            let byCookie = try await api.call(.post, "/api/auth/refresh", json: [:],
                                              headers: ["Cookie": "refresh_token=\(fresh.refresh)", "Origin": "http://127.0.0.1:\(api.port)"])
            #expect(byCookie.status == 200)
        }
    }

    @Test func logoutRevokesTheSession() async throws {
        let fixture = try await GatewayFixture()
        try await fixture.run { api in
            let session = try await api.signUp("erin")
            let logout = try await api.call(.post, "/api/auth/logout", token: session.access)
            #expect(logout.status == 204)
            #expect(logout.cookies().contains { $0.hasPrefix("access_token=;") || $0.hasPrefix("access_token=") && $0.contains("Max-Age=0") })
            #expect(try await api.call(.get, "/api/auth/me", token: session.access).status == 401)
            #expect(try await api.call(.post, "/api/auth/refresh", json: ["refreshToken": session.refresh]).status == 401)
        }
    }

    @Test func forgedExpiredAndAlgNoneTokensAreRefused() async throws {
        let fixture = try await GatewayFixture()
        try await fixture.run { api in
            let session = try await api.signUp("frank")
            let parts = session.access.split(separator: ".").map(String.init)
            // alg: none with the same claims and no signature.
            let noneHeader = Data(#"{"alg":"none","typ":"JWT"}"#.utf8).base64URL
            let none = try await api.call(.get, "/api/auth/me", token: "\(noneHeader).\(parts[1]).")
            #expect(none.status == 401 && none.errorCode == "invalid_token")
            // Signed with another key.
            let other = JWTKeyCollection()
            await other.add(hmac: HMACKey(from: "another-secret-another-secret-0000"), digestAlgorithm: .sha256)
            let claims = try await TokenService.make(secret: GatewayFixture.secret).verify(session.access, now: fixture.clock.now)
            let forged = try await other.sign(try #require(claims))
            #expect(try await api.call(.get, "/api/auth/me", token: forged).status == 401)
            // A tampered payload under the real signature.
            var tampered = parts
            tampered[1] = String(tampered[1].dropLast()) + (tampered[1].hasSuffix("A") ? "B" : "A")
            #expect(try await api.call(.get, "/api/auth/me", token: tampered.joined(separator: ".")).status == 401)
            // Expired: the right key, an exp in the past.
            let real = await TokenService.make(secret: GatewayFixture.secret)
            let expired = try await real.accessToken(for: UserID(Int64(session.id)), session: claims!.sid, now: fixture.clock.now - 3_600)
            let reply = try await api.call(.get, "/api/auth/me", token: expired)
            #expect(reply.status == 401 && reply.errorCode == "invalid_token")
            #expect(try await api.call(.get, "/api/auth/me", token: "garbage").status == 401)
        }
    }

    @Test func suspendedAndBannedUsersGet403WithTheReason() async throws {
        let fixture = try await GatewayFixture()
        try await fixture.run { api in
            let root = try fixture.store.bootstrapSuperadmin(username: "root", email: "root@example.com", passwordHash: "x")
            let grace = try await api.signUp("grace")
            try fixture.store.suspend(UserID(Int64(grace.id)), until: fixture.clock.now + 600, reason: "spam in reviews", by: root.id)
            let suspended = try await api.call(.get, "/api/auth/me", token: grace.access)
            #expect(suspended.status == 403 && suspended.errorCode == "account_suspended")
            #expect(suspended.errorMessage.contains("spam in reviews"))
            try fixture.store.ban(UserID(Int64(grace.id)), reason: "fraud", by: root.id)
            let banned = try await api.call(.post, "/api/auth/login", json: ["login": "grace", "password": "correct-horse-42"])
            #expect(banned.status == 403 && banned.errorCode == "account_banned")
        }
    }
}

extension Data {
    var base64URL: String {
        base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }
}
