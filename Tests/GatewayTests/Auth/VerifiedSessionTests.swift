import Foundation
import JWTKit
import Marketplace
import Testing
import TestSupport
@testable import Gateway

/// `VerifiedSessions`: authenticated requests are served from the cache of
/// verified sessions, and every path that ends a session or changes what
/// the user may do is honoured at once when it runs in this process (the
/// store's access generation), and within a second when it does not (the
/// entries' lifetime). Each revocation is checked on the very next request
/// after a request that filled the cache.
@Suite struct VerifiedSessionTests {
    /// Signs `name` up and makes one request, so its session is cached.
    static func warm(_ api: API, _ name: String) async throws -> (access: String, refresh: String, id: Int) {
        let user = try await api.signUp(name)
        #expect(try await api.call(.get, "/api/auth/me", token: user.access).status == 200)
        return user
    }

    /// Polls `GET /api/auth/me` with `token` until it is refused (at most
    /// `deadline`); returns the refusal and how long it took.
    static func refusal(of token: String, _ api: API, deadline: Duration = .seconds(5)) async throws -> (API.Reply, Duration) {
        let start = ContinuousClock.now
        while true {
            let reply = try await api.call(.get, "/api/auth/me", token: token)
            if reply.status != 200 || ContinuousClock.now - start > deadline { return (reply, ContinuousClock.now - start) }
            try await Task.sleep(for: .milliseconds(20))
        }
    }

    @Test func aBurstOfRequestsReadsTheStoreOnceAndAWriteReadsItAgain() async throws {
        let fixture = try await GatewayFixture()
        try await fixture.run { api in
            let alice = try await Self.warm(api, "alice")
            let cache = fixture.gateway.verifiedSessions
            let before = cache.storeReadCount, start = ContinuousClock.now
            for _ in 0..<10 { #expect(try await api.call(.get, "/api/auth/me", token: alice.access).status == 200) }
            // At most one read per lifetime that passed (plus the one in
            // progress): bypassing the cache reads ten times however fast.
            let reads = cache.storeReadCount - before, lifetimes = Int((ContinuousClock.now - start) / cache.lifetime)
            #expect(reads <= min(9, lifetimes + 1), "\(reads) store reads for 10 requests in \(lifetimes) lifetimes")
            // Any access write (here another user's sign-in) makes the next request read again.
            _ = try await api.signUp("bob")
            let afterWrite = cache.storeReadCount
            #expect(try await api.call(.get, "/api/auth/me", token: alice.access).status == 200)
            #expect(cache.storeReadCount == afterWrite + 1)
        }
    }

    @Test func logoutIsHonouredOnTheNextRequest() async throws {
        let fixture = try await GatewayFixture()
        try await fixture.run { api in
            let alice = try await Self.warm(api, "alice")
            #expect(try await api.call(.post, "/api/auth/logout", token: alice.access).status == 204)
            let reply = try await api.call(.get, "/api/auth/me", token: alice.access)
            #expect(reply.status == 401 && reply.errorCode == "session_revoked")
        }
    }

    @Test func aPasswordChangeEndsTheOtherCachedSessionOnTheNextRequest() async throws {
        let fixture = try await GatewayFixture()
        try await fixture.run { api in
            let current = try await Self.warm(api, "alice")
            let other = try await api.signIn("alice")
            #expect(try await api.call(.get, "/api/auth/me", token: other.access).status == 200)
            let changed = try await api.call(.post, "/api/auth/password", json: ["currentPassword": "correct-horse-42", "newPassword": "battery-staple-77"],
                                             token: current.access)
            #expect(changed.status == 204)
            let reply = try await api.call(.get, "/api/auth/me", token: other.access)
            #expect(reply.status == 401 && reply.errorCode == "session_revoked")
            #expect(try await api.call(.get, "/api/auth/me", token: current.access).status == 200)
        }
    }

    @Test func aPasswordResetEndsEveryCachedSessionOnTheNextRequest() async throws {
        let sender = RecordingResetSender()
        let fixture = try await GatewayFixture { $0.passwordResetSender = sender }
        try await fixture.run { api in
            let carol = try await Self.warm(api, "carol")
            _ = try await api.call(.post, "/api/auth/password-reset", json: ["login": "carol"])
            let token = try #require(try await sender.next(after: 0))
            #expect(try await api.call(.get, "/api/auth/me", token: carol.access).status == 200)
            let confirmed = try await api.call(.post, "/api/auth/password-reset/confirm", json: ["token": token, "newPassword": "battery-staple-77"])
            #expect(confirmed.status == 204)
            let reply = try await api.call(.get, "/api/auth/me", token: carol.access)
            #expect(reply.status == 401 && reply.errorCode == "session_revoked")
        }
    }

    @Test func anAdminBanAndSuspensionAreHonouredOnTheNextRequest() async throws {
        let fixture = try await GatewayFixture()
        try await fixture.run { api in
            #expect(try await fixture.gateway.bootstrapSuperadmin(username: "root", email: "root@example.com", password: "root-password-123"))
            let root = try await api.signIn("root", password: "root-password-123")
            let carol = try await Self.warm(api, "carol"), dave = try await Self.warm(api, "dave")
            #expect(try await api.call(.get, "/api/auth/me", token: carol.access).status == 200)
            let banned = try await api.call(.post, "/api/admin/users/\(carol.id)/ban", json: ["reason": "fraud ring"], token: root.access)
            #expect(banned.status == 200, "\(banned.text)")
            let bannedReply = try await api.call(.get, "/api/auth/me", token: carol.access)
            #expect(bannedReply.status == 401 && bannedReply.errorCode == "session_revoked")

            #expect(try await api.call(.get, "/api/auth/me", token: dave.access).status == 200)
            let until = fixture.clock.now + 600
            let suspended = try await api.call(.post, "/api/admin/users/\(dave.id)/suspend",
                                               json: ["until": APIUnits.time(until), "reason": "cooling off"], token: root.access)
            #expect(suspended.status == 200, "\(suspended.text)")
            let suspendedReply = try await api.call(.get, "/api/auth/me", token: dave.access)
            #expect(suspendedReply.status == 403 && suspendedReply.errorCode == "account_suspended")
        }
    }

    @Test func aBanInTheStoreIsNotServedFromTheCache() async throws {
        let fixture = try await GatewayFixture()
        try await fixture.run { api in
            let root = try fixture.store.bootstrapSuperadmin(username: "root", email: "root@example.com", passwordHash: "x")
            let erin = try await Self.warm(api, "erin")
            // Straight in the store (as the platform's ban or an operator's
            // command in this process would): no route tells the Gateway.
            try fixture.store.ban(UserID(Int64(erin.id)), reason: "chargebacks", by: root.id)
            let reply = try await api.call(.get, "/api/auth/me", token: erin.access)
            #expect(reply.status == 401 && reply.errorCode == "session_revoked")
            // The user record alone (sessions kept, status changed) is not served either.
            let frank = try await Self.warm(api, "frank")
            try fixture.store.suspend(UserID(Int64(frank.id)), until: fixture.clock.now + 60, reason: "spam", by: root.id)
            #expect(try await api.call(.get, "/api/auth/me", token: frank.access).errorCode == "account_suspended")
        }
    }

    @Test func aRoleChangeIsHonouredOnTheNextRequest() async throws {
        let fixture = try await GatewayFixture()
        try await fixture.run { api in
            #expect(try await fixture.gateway.bootstrapSuperadmin(username: "root", email: "root@example.com", password: "root-password-123"))
            let root = try await api.signIn("root", password: "root-password-123")
            let grace = try await Self.warm(api, "grace")
            #expect(try await api.call(.put, "/api/admin/users/\(grace.id)/role", json: ["role": "admin"], token: root.access).status == 200)
            #expect(try await api.call(.get, "/api/admin/users/\(grace.id)", token: grace.access).status == 200)
            #expect(try await api.call(.put, "/api/admin/users/\(grace.id)/role", json: ["role": "user"], token: root.access).status == 200)
            #expect(try await api.call(.get, "/api/admin/users/\(grace.id)", token: grace.access).status == 403)
            #expect(try await api.call(.get, "/api/auth/me", token: grace.access).json["role"] as? String == "user")
        }
    }

    @Test func aReusedRefreshTokenEndsTheCachedSessionOnTheNextRequest() async throws {
        let fixture = try await GatewayFixture()
        try await fixture.run { api in
            let heidi = try await Self.warm(api, "heidi")
            #expect(try await api.call(.post, "/api/auth/refresh", json: ["refreshToken": heidi.refresh]).status == 200)
            #expect(try await api.call(.get, "/api/auth/me", token: heidi.access).status == 200)
            #expect(try await api.call(.post, "/api/auth/refresh", json: ["refreshToken": heidi.refresh]).status == 401)
            let reply = try await api.call(.get, "/api/auth/me", token: heidi.access)
            #expect(reply.status == 401 && reply.errorCode == "session_revoked")
        }
    }

    @Test func anExpiredTokenOrSessionIsNotServedFromTheCache() async throws {
        let fixture = try await GatewayFixture()
        try await fixture.run { api in
            let ivan = try await Self.warm(api, "ivan")
            let cache = fixture.gateway.verifiedSessions, generation = fixture.store.accessGeneration, now = fixture.clock.now
            let entry = try #require(cache.lookup(ivan.access, generation: generation, now: now))
            #expect(entry.user.id.rawValue == Int64(ivan.id) && entry.user.status == .active)
            // The token's own expiry (15 min), checked on every hit.
            let expiry = Int64(entry.claims.exp.value.timeIntervalSince1970)
            #expect(cache.lookup(ivan.access, generation: generation, now: expiry - 1) != nil)
            #expect(cache.lookup(ivan.access, generation: generation, now: expiry) == nil)
            #expect(cache.lookup(ivan.access, generation: generation + 1, now: now) == nil)
            #expect(cache.lookup(ivan.access, generation: generation, now: now, at: .now.advanced(by: cache.lifetime)) == nil)
            #expect(cache.lookup(ivan.access + "x", generation: generation, now: now) == nil)
            // And through the API: past the token's expiry the next request is refused.
            fixture.clock.advance(expiry - now)
            let reply = try await api.call(.get, "/api/auth/me", token: ivan.access)
            #expect(reply.status == 401 && reply.errorCode == "invalid_token")
        }
    }

    /// A real session and user of a fresh fixture (their initializers are the store's).
    static func sample() async throws -> (Session, User) {
        let fixture = try await GatewayFixture()
        return try await fixture.run { api in
            let kim = try await api.signUp("kim")
            let sessionID = try #require(await fixture.gateway.tokens.verify(kim.access, now: fixture.clock.now)?.sid)
            return (try #require(try fixture.store.liveSession(sessionID)), try fixture.store.user(UserID(Int64(kim.id))))
        }
    }

    @Test func aSessionThatEndsBeforeItsTokenIsNotServed() async throws {
        let cache = VerifiedSessions()
        var (session, user) = try await Self.sample()
        session.expiresAt = 1_100
        let claims = Self.claims(user: user.id, session: session.id, now: 1_000)
        cache.remember("token", claims, session, user, generation: 0)
        #expect(cache.lookup("token", generation: 0, now: 1_099) != nil)
        #expect(cache.lookup("token", generation: 0, now: 1_100) == nil)
        user.status = .banned(reason: "fraud")
        cache.remember("banned", claims, session, user, generation: 0)
        #expect(cache.lookup("banned", generation: 0, now: 1_000) == nil)
    }

    static func claims(user: UserID, session: String, now: Int64) -> AccessClaims {
        func date(_ seconds: Int64) -> Date { Date(timeIntervalSince1970: TimeInterval(seconds)) }
        return AccessClaims(sub: .init(value: user.description), sid: session, iss: .init(value: AccessClaims.issuer),
                            aud: .init(value: [AccessClaims.audience]), iat: .init(value: date(now)), nbf: .init(value: date(now)),
                            exp: .init(value: date(now + 900)), typ: "access")
    }

    @Test func theCacheIsBoundedAndKeepsOnlyActiveUsers() async throws {
        let cache = VerifiedSessions(capacity: VerifiedSessions.shardCount * 2)
        var (session, active) = try await Self.sample()
        session.expiresAt = 10_000
        let claims = Self.claims(user: active.id, session: session.id, now: 1_000)
        for index in 0..<200 { cache.remember("token\(index)", claims, session, active, generation: 0) }
        #expect(cache.count <= VerifiedSessions.shardCount * 2)
        #expect(cache.lookup("token199", generation: 0, now: 1_000) != nil)
        for status in [AccountStatus.banned(reason: "fraud"), .suspended(until: 5_000, reason: "spam")] {
            var restricted = active
            restricted.status = status
            cache.remember("restricted", claims, session, restricted, generation: 0)
            #expect(cache.lookup("restricted", generation: 0, now: 1_000) == nil)
        }
    }
}
