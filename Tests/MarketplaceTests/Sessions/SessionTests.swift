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

    @Test func fiveFailuresLockTheLoginForThirtyMinutesThenItCountsAfresh() throws {
        let fixture = try StoreFixture()
        for _ in 0..<4 { #expect(try fixture.store.recordLoginFailure(login: "Nobody@Example.com") == nil) }
        #expect(try fixture.store.lockedUntil(login: "nobody@example.com") == nil)
        let until = try fixture.store.recordLoginFailure(login: "nobody@example.com")
        #expect(until == fixture.clock.now + 1_800)
        #expect(try fixture.store.lockedUntil(login: " NOBODY@example.com") == until)
        fixture.clock.advance(1_800)
        #expect(try fixture.store.lockedUntil(login: "nobody@example.com") == nil)
        #expect(try fixture.store.recordLoginFailure(login: "nobody@example.com") == nil)
        try fixture.store.clearLoginFailures(login: "nobody@example.com")
        for _ in 0..<4 { try fixture.store.recordLoginFailure(login: "nobody@example.com") }
        #expect(try fixture.store.lockedUntil(login: "nobody@example.com") == nil)
    }
}
