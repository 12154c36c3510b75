import Testing
@testable import Marketplace

@Suite struct SessionTests {
    @Test func rotationSpendsTheTokenAndReuseRevokesTheFamily() throws {
        let fixture = try StoreFixture()
        let user = try fixture.user("alice")
        let expiry = fixture.clock.now + 3_600
        let session = try fixture.store.openSession(id: "session-0000000001", for: user.id,
                                                    refreshTokenHash: "hash-first-000000", expiresAt: expiry)
        #expect(try fixture.store.liveSession(session.id) != nil)

        let rotated = try fixture.store.rotateRefreshToken(presentedHash: "hash-first-000000", nextHash: "hash-second-00000", expiresAt: expiry)
        guard case .rotated(let again) = rotated else { Issue.record("expected a rotation, got \(rotated)"); return }
        #expect(again.id == session.id && again.userID == user.id)

        // The first token again: copied, so the family dies, and the live second token with it.
        #expect(try fixture.store.rotateRefreshToken(presentedHash: "hash-first-000000", nextHash: "hash-third-000000", expiresAt: expiry)
                == .reused(sessionID: session.id))
        #expect(try fixture.store.liveSession(session.id) == nil)
        #expect(try fixture.store.rotateRefreshToken(presentedHash: "hash-second-00000", nextHash: "hash-fourth-00000", expiresAt: expiry)
                == .invalid)
    }

    @Test func expiredAndUnknownTokensAreInvalidAndLogoutRevokes() throws {
        let fixture = try StoreFixture()
        let user = try fixture.user("bob")
        let session = try fixture.store.openSession(id: "session-0000000002", for: user.id,
                                                    refreshTokenHash: "hash-bob-00000000", expiresAt: fixture.clock.now + 60)
        #expect(try fixture.store.rotateRefreshToken(presentedHash: "unknown-00000000", nextHash: "x-000000000000000", expiresAt: fixture.clock.now + 60) == .invalid)
        try fixture.store.revokeSession(session.id, reason: "logout")
        #expect(try fixture.store.liveSession(session.id) == nil)
        let second = try fixture.store.openSession(id: "session-0000000003", for: user.id,
                                                   refreshTokenHash: "hash-bob-11111111", expiresAt: fixture.clock.now + 60)
        fixture.clock.advance(61)
        #expect(try fixture.store.liveSession(second.id) == nil)
        #expect(try fixture.store.rotateRefreshToken(presentedHash: "hash-bob-11111111", nextHash: "y-000000000000000", expiresAt: fixture.clock.now + 60) == .invalid)
    }

    @Test func delaysGrowPerSubjectAndAddressAndASuccessClearsThem() throws {
        let fixture = try StoreFixture()
        let subject = LoginSubject(user: nil, typed: " Nobody@Example.com")
        #expect(subject == LoginSubject(user: nil, typed: "nobody@example.com"))
        for _ in 0..<4 { #expect(try fixture.store.recordLoginFailure(subject: subject, client: "203.0.113.9", factor: .password) == nil) }
        #expect(try fixture.store.loginDelay(subject: subject, client: "203.0.113.9") == nil)
        #expect(try fixture.store.recordLoginFailure(subject: subject, client: "203.0.113.9", factor: .password) == fixture.clock.now + 1)
        #expect(try fixture.store.loginDelay(subject: subject, client: "203.0.113.9") == fixture.clock.now + 1)
        // Another address is not delayed.
        #expect(try fixture.store.loginDelay(subject: subject, client: "198.51.100.7") == nil)
        fixture.clock.advance(1)
        #expect(try fixture.store.loginDelay(subject: subject, client: "203.0.113.9") == nil)
        #expect(try fixture.store.recordLoginFailure(subject: subject, client: "203.0.113.9", factor: .password) == fixture.clock.now + 2)
        fixture.clock.advance(2)
        #expect(try fixture.store.recordLoginFailure(subject: subject, client: "203.0.113.9", factor: .password) == fixture.clock.now + 4)
        // The cap.
        for _ in 0..<20 { try fixture.store.recordLoginFailure(subject: subject, client: "203.0.113.9", factor: .password) }
        #expect(try fixture.store.loginDelay(subject: subject, client: "203.0.113.9") == fixture.clock.now + 900)
        try fixture.store.clearLoginFailures(subject: subject, client: "203.0.113.9")
        #expect(try fixture.store.loginDelay(subject: subject, client: "203.0.113.9") == nil)
    }

    @Test func secondFactorFailuresCountPerAccountFromEveryAddress() throws {
        let fixture = try StoreFixture()
        let user = try fixture.user("alice")
        let subject = LoginSubject(user: user.id, typed: "alice")
        #expect(subject == LoginSubject(user: user.id, typed: "alice@example.com"))
        for index in 0..<4 {
            #expect(try fixture.store.recordLoginFailure(subject: subject, client: "10.0.0.\(index)", factor: .secondFactor) == nil)
        }
        let until = try fixture.store.recordLoginFailure(subject: subject, client: "10.0.0.9", factor: .secondFactor)
        #expect(until == fixture.clock.now + 1)
        #expect(try fixture.store.loginDelay(subject: subject, client: "192.0.2.1") == until)
        // A password success from one address does not clear it; a complete sign-in does.
        try fixture.store.clearLoginFailures(subject: subject, client: "192.0.2.1")
        #expect(try fixture.store.loginDelay(subject: subject, client: "192.0.2.1") == nil)
    }

    @Test func aLiveRefreshTokenIdentifiesItsSessionWithoutSpendingIt() throws {
        let fixture = try StoreFixture()
        let user = try fixture.user("carol")
        let session = try fixture.store.openSession(id: "session-0000000009", for: user.id,
                                                    refreshTokenHash: "hash-carol-000000", expiresAt: fixture.clock.now + 60)
        #expect(try fixture.store.liveSession(refreshTokenHash: "hash-carol-000000")?.id == session.id)
        #expect(try fixture.store.liveSession(refreshTokenHash: "hash-carol-000000")?.id == session.id)
        try fixture.store.revokeSession(session.id, reason: "logout")
        #expect(try fixture.store.liveSession(refreshTokenHash: "hash-carol-000000") == nil)
    }

    @Test func theSweepFindsEndedSessionsAndRestrictedUsersInBulk() throws {
        let fixture = try StoreFixture()
        let alice = try fixture.user("alice"), bob = try fixture.user("bob"), carol = try fixture.user("carol")
        let expiry = fixture.clock.now + 3_600
        let kept = try fixture.store.openSession(id: "session-sweep-0001", for: alice.id, refreshTokenHash: "hash-sweep-000001", expiresAt: expiry)
        let ended = try fixture.store.openSession(id: "session-sweep-0002", for: alice.id, refreshTokenHash: "hash-sweep-000002", expiresAt: expiry)
        try fixture.store.revokeSession(ended.id, reason: "logout")
        #expect(try fixture.store.liveSessions(among: [kept.id, ended.id, "session-unknown-01"]) == [kept.id])
        try fixture.store.suspend(bob.id, until: fixture.clock.now + 60, reason: "cooling off", by: fixture.admin.id)
        try fixture.store.ban(carol.id, reason: "fraud ring", by: fixture.admin.id)
        #expect(try fixture.store.restrictedUsers(among: [alice.id, bob.id, carol.id]) == [bob.id: "suspended", carol.id: "banned"])
        fixture.clock.advance(60)
        #expect(try fixture.store.restrictedUsers(among: [alice.id, bob.id, carol.id]) == [carol.id: "banned"])
    }
}
