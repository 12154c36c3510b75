import Testing
@testable import Marketplace

@Suite struct PasswordStoreTests {
    @Test func aChangeRevokesTheOtherSessionsAndIsAudited() throws {
        let fixture = try StoreFixture()
        let user = try fixture.user("alice")
        let expiry = fixture.clock.now + 3_600
        let kept = try fixture.store.openSession(id: "session-kept-000001", for: user.id, refreshTokenHash: "hash-kept-0000000", expiresAt: expiry)
        let other = try fixture.store.openSession(id: "session-other-00001", for: user.id, refreshTokenHash: "hash-other-000000", expiresAt: expiry)
        try fixture.store.changePassword(of: user.id, passwordHash: "hash:new", keeping: kept.id)
        #expect(try fixture.store.credentials(login: "alice").passwordHash == "hash:new")
        #expect(try fixture.store.liveSession(kept.id) != nil)
        #expect(try fixture.store.liveSession(other.id) == nil)
        #expect(try fixture.store.rotateRefreshToken(presentedHash: "hash-other-000000", nextHash: "hash-other-111111", expiresAt: expiry) == .invalid)
        #expect(try fixture.store.auditLog(for: .user(user.id), by: fixture.admin.id).map(\.action) == ["user.password_change"])
    }

    @Test func aResetTokenIsSingleUseShortLivedAndOnlyTheNewestWorks() throws {
        let fixture = try StoreFixture()
        let user = try fixture.user("bob")
        let session = try fixture.store.openSession(id: "session-bob-000001", for: user.id, refreshTokenHash: "hash-bob-00000000",
                                                    expiresAt: fixture.clock.now + 3_600)
        #expect(try fixture.store.createPasswordReset(login: "nobody@example.com", tokenHash: "reset-hash-000000", expiresAt: fixture.clock.now + 60) == nil)
        #expect(try fixture.store.createPasswordReset(login: "BOB@example.com", tokenHash: "reset-hash-000001", expiresAt: fixture.clock.now + 60)?.id == user.id)
        #expect(try fixture.store.createPasswordReset(login: "bob", tokenHash: "reset-hash-000002", expiresAt: fixture.clock.now + 60)?.id == user.id)
        // The newer request voided the older token.
        #expect(throws: StoreError.invalid(field: "token", rule: "is unknown, expired or already used")) {
            try fixture.store.confirmPasswordReset(tokenHash: "reset-hash-000001", passwordHash: "hash:new")
        }
        #expect(try fixture.store.confirmPasswordReset(tokenHash: "reset-hash-000002", passwordHash: "hash:new") == user.id)
        #expect(try fixture.store.liveSession(session.id) == nil)
        #expect(try fixture.store.credentials(login: "bob").passwordHash == "hash:new")
        #expect(throws: StoreError.self) { try fixture.store.confirmPasswordReset(tokenHash: "reset-hash-000002", passwordHash: "hash:other") }
        _ = try fixture.store.createPasswordReset(login: "bob", tokenHash: "reset-hash-000003", expiresAt: fixture.clock.now + 60)
        fixture.clock.advance(60)
        #expect(throws: StoreError.self) { try fixture.store.confirmPasswordReset(tokenHash: "reset-hash-000003", passwordHash: "hash:other") }
        #expect(try fixture.store.credentials(login: "bob").passwordHash == "hash:new")
    }
}
