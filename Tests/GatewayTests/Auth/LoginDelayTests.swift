import Foundation
import HummingbirdOTP
import Marketplace
import Testing
@testable import Gateway

/// Login delays (docs/api.md, "Security model"): per account and client
/// address for passwords, per account for second factors, never a lock.
@Suite struct LoginDelayTests {
    /// A fixture whose clients pick their address with X-Forwarded-For, with
    /// a rate limit high enough that only the login delays answer 429.
    static func fixture() async throws -> GatewayFixture {
        try await GatewayFixture { $0.trustedProxies = ["127.0.0.1", "::1"]; $0.authRateLimit = 10_000 }
    }

    static func login(_ api: API, _ login: String, _ password: String, code: String? = nil, from address: String,
                      cookie: String? = nil) async throws -> API.Reply {
        var json: [String: Any] = ["login": login, "password": password]
        if let code { json["code"] = code }
        var headers = ["X-Forwarded-For": address]
        if let cookie {
            // A browser sends its page's Origin with the cookie (the CSRF check wants one).
            headers["Cookie"] = cookie
            headers["Origin"] = "http://127.0.0.1:\(api.port)"
        }
        return try await api.call(.post, "/api/auth/login", json: json, headers: headers)
    }

    @Test func wrongSecondFactorCodesDelayEvenAfterTheRightPassword() async throws {
        let fixture = try await Self.fixture()
        try await fixture.run { api in
            let alice = try await api.signUp("alice")
            _ = try await api.call(.post, "/api/auth/2fa/enable", token: alice.access)
            let secret = try #require(try fixture.store.twoFactor(of: UserID(Int64(alice.id)))?.secret)
            let confirm = try await api.call(.post, "/api/auth/2fa/confirm", json: ["code": TwoFactorTests.code(secret, at: fixture.clock.now)],
                                             token: alice.access)
            #expect(confirm.status == 200)
            fixture.clock.advance(30)
            let good = TwoFactorTests.code(secret, at: fixture.clock.now)
            let wrong = good == "000000" ? "111111" : "000000"
            for attempt in 1...4 {
                let reply = try await Self.login(api, "alice", "correct-horse-42", code: wrong, from: "203.0.113.\(attempt)")
                #expect(reply.status == 401 && reply.errorCode == "invalid_2fa_code")
            }
            let fifth = try await Self.login(api, "alice", "correct-horse-42", code: wrong, from: "203.0.113.5")
            #expect(fifth.status == 429 && fifth.header("Retry-After") == "1")
            // The right password and the right code are refused until the delay passes, from any address.
            let early = try await Self.login(api, "alice@example.com", "correct-horse-42", code: good, from: "198.51.100.7")
            #expect(early.status == 429 && early.errorCode == "login_locked")
            // Alice's own browser, holding her refresh cookie, passes with the password and the right code.
            let owner = try await Self.login(api, "alice", "correct-horse-42", code: good, from: "198.51.100.7",
                                             cookie: "refresh_token=\(alice.refresh)")
            #expect(owner.status == 200)
            fixture.clock.advance(1)
            let sixth = try await Self.login(api, "alice", "correct-horse-42", code: wrong, from: "203.0.113.6")
            #expect(sixth.status == 429 && sixth.header("Retry-After") == "2")
            fixture.clock.advance(30)
            let later = TwoFactorTests.code(secret, at: fixture.clock.now)
            let late = try await Self.login(api, "alice", "correct-horse-42", code: later, from: "198.51.100.7")
            #expect(late.status == 200 && late.json["accessToken"] is String)
            // The complete sign-in forgot the failures.
            fixture.clock.advance(30)
            let next = TwoFactorTests.code(secret, at: fixture.clock.now)
            #expect(try await Self.login(api, "alice", "correct-horse-42", code: wrong, from: "203.0.113.7").status == 401)
            #expect(try await Self.login(api, "alice", "correct-horse-42", code: next, from: "203.0.113.7").status == 200)
        }
    }

    @Test func anAttackerAddressDoesNotDelayTheOwnerAtAnotherAddress() async throws {
        let fixture = try await Self.fixture()
        try await fixture.run { api in
            _ = try await api.signUp("bob")
            for attempt in 1...12 {
                _ = try await Self.login(api, "bob", "wrong-password-\(attempt)", from: "203.0.113.9")
                fixture.clock.advance(1)
            }
            #expect(try await Self.login(api, "bob", "wrong-password-x", from: "203.0.113.9").status == 429)
            let owner = try await Self.login(api, "bob", "correct-horse-42", from: "198.51.100.7")
            #expect(owner.status == 200)
            // The attacker's address is still delayed even with the right password.
            #expect(try await Self.login(api, "bob", "correct-horse-42", from: "203.0.113.9").status == 429)
        }
    }

    @Test func usernameAndEmailCountTogetherAndUnknownLoginsTheSame() async throws {
        let fixture = try await Self.fixture()
        try await fixture.run { api in
            _ = try await api.signUp("carol")
            for login in ["carol", "carol@example.com", "CAROL", "carol", "Carol@Example.com"].dropLast() {
                #expect(try await Self.login(api, login, "wrong-password-1", from: "203.0.113.9").status == 401)
            }
            let fifth = try await Self.login(api, "Carol@Example.com", "wrong-password-1", from: "203.0.113.9")
            #expect(fifth.status == 429 && fifth.header("Retry-After") == "1")
            #expect(try await Self.login(api, "carol", "correct-horse-42", from: "203.0.113.9").status == 429)
            // An unknown login is delayed after the same number of failures, with the same answers.
            var unknown: [API.Reply] = []
            for _ in 1...5 { unknown.append(try await Self.login(api, "nobody@example.com", "wrong-password-1", from: "203.0.113.9")) }
            #expect(unknown.prefix(4).allSatisfy { $0.status == 401 && $0.errorCode == "invalid_credentials" })
            #expect(unknown[4].status == 429 && unknown[4].header("Retry-After") == "1")
        }
    }

    @Test func theDelayGrowsWithEachFailure() async throws {
        let fixture = try await Self.fixture()
        try await fixture.run { api in
            _ = try await api.signUp("dave")
            for _ in 1...4 { _ = try await Self.login(api, "dave", "wrong-password-1", from: "203.0.113.9") }
            var delays: [String] = []
            for _ in 1...5 {
                let reply = try await Self.login(api, "dave", "wrong-password-1", from: "203.0.113.9")
                #expect(reply.status == 429)
                let retry = reply.header("Retry-After") ?? ""
                delays.append(retry)
                // Within the delay nothing is counted: the same wait is reported.
                let during = try await Self.login(api, "dave", "wrong-password-1", from: "203.0.113.9")
                #expect(during.status == 429 && during.header("Retry-After") == retry)
                fixture.clock.advance(Int64(retry) ?? 0)
            }
            #expect(delays == ["1", "2", "4", "8", "16"])
        }
    }

    @Test func aLiveSessionOfTheAccountPassesTheDelayWithTheRightPassword() async throws {
        let fixture = try await Self.fixture()
        try await fixture.run { api in
            let erin = try await api.signUp("erin")
            for attempt in 1...5 { _ = try await Self.login(api, "erin", "wrong-password-\(attempt)", from: "203.0.113.9") }
            #expect(try await Self.login(api, "erin", "correct-horse-42", from: "203.0.113.9").status == 429)
            // Erin, behind the same address, still holds her refresh cookie.
            let cookie = "refresh_token=\(erin.refresh)"
            #expect(try await Self.login(api, "erin", "correct-horse-42", from: "203.0.113.9", cookie: cookie).status == 200)
            #expect(try await Self.login(api, "erin", "wrong-password-9", from: "203.0.113.9", cookie: cookie).status != 200)
            // Her sign-in did not lift the delay for whoever else is behind that address.
            #expect(try await Self.login(api, "erin", "correct-horse-42", from: "203.0.113.9").status == 429)
            // Another account's session does not help.
            let frank = try await api.signUp("frank")
            let foreign = "refresh_token=\(frank.refresh)"
            #expect(try await Self.login(api, "erin", "correct-horse-42", from: "203.0.113.9", cookie: foreign).status == 429)
        }
    }
}
