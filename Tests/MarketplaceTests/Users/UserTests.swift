import Foundation
import Testing
@testable import Marketplace

@Suite struct UserTests {
    @Test func registrationValidatesAndRefusesDuplicates() throws {
        let fixture = try StoreFixture()
        let alice = try fixture.user("alice")
        #expect(alice.role == .user && alice.status == .active)
        #expect(storeError { _ = try fixture.store.register(username: "ALICE", email: "other@example.com", passwordHash: "h") } == .duplicate(field: "username"))
        #expect(storeError { _ = try fixture.store.register(username: "bob", email: "Alice@example.com", passwordHash: "h") } == .duplicate(field: "email"))
        #expect(storeError { _ = try fixture.store.register(username: "a", email: "a@example.com", passwordHash: "h") }?.code == "invalid_input")
        #expect(storeError { _ = try fixture.store.register(username: "carol", email: "not-an-email", passwordHash: "h") }
                == .invalid(field: "email", rule: "must look like name@example.com (at most 254 characters)"))
        #expect(storeError { _ = try fixture.store.bootstrapSuperadmin(username: "root2", email: "r2@example.com", passwordHash: "h") }?.code == "forbidden")
    }

    @Test func credentialsReturnTheHashAsGiven() throws {
        let fixture = try StoreFixture()
        let alice = try fixture.user("alice")
        let credentials = try fixture.store.credentials(login: "alice@example.com")
        #expect(credentials.userID == alice.id && credentials.passwordHash == "hash:alice")
    }

    @Test func rolesFollowTheHierarchy() throws {
        let fixture = try StoreFixture()
        let alice = try fixture.user("alice")
        #expect(storeError { try fixture.store.setRole(of: alice.id, to: .admin, by: fixture.admin.id) }?.code == "forbidden")
        #expect(storeError { try fixture.store.ban(fixture.superadmin.id, reason: "coup attempt", by: fixture.admin.id) }?.code == "forbidden")
        let otherAdmin = try fixture.user("otheradmin")
        try fixture.store.setRole(of: otherAdmin.id, to: .admin, by: fixture.superadmin.id)
        #expect(storeError { try fixture.store.suspend(otherAdmin.id, until: fixture.clock.now + 60, reason: "peer", by: fixture.admin.id) }?.code == "forbidden")
        try fixture.store.suspend(otherAdmin.id, until: fixture.clock.now + 60, reason: "cooling off", by: fixture.superadmin.id)
        #expect(storeError { try fixture.store.ban(alice.id, reason: "spam", by: alice.id) }?.code == "forbidden")
    }

    @Test func aSuspensionEndsByItself() throws {
        let fixture = try StoreFixture()
        let alice = try fixture.user("alice")
        try fixture.store.suspend(alice.id, until: fixture.clock.now + 3_600, reason: "spam links", by: fixture.admin.id)
        #expect(try fixture.store.user(alice.id).status.name == "suspended")
        #expect(storeError { _ = try fixture.store.createStrategy(name: "x", by: alice.id) } == .accountRestricted(status: "suspended"))
        fixture.clock.advance(3_600)
        #expect(try fixture.store.user(alice.id).status == .active)
        _ = try fixture.store.createStrategy(name: "x", by: alice.id)
        #expect(storeError { try fixture.store.suspend(alice.id, until: fixture.clock.now, reason: "again", by: fixture.admin.id) }
                == .invalid(field: "until", rule: "must be in the future"))
    }

    @Test func banningHidesListingsBlocksActionsAndStopsDeployments() throws {
        let fixture = try StoreFixture()
        let author = try fixture.funded("author", 10_000)
        let buyer = try fixture.funded("buyer", 10_000)
        let (listing, version) = try fixture.approvedListing(by: author)
        let own = try fixture.store.deploy(.strategyVersion(version.id), by: author.id)
        _ = try fixture.store.changeDeployment(own.id, .start, by: author.id)

        try fixture.store.ban(author.id, reason: "fraud", by: fixture.admin.id)
        #expect(fixture.controller.calls.count == 1)
        #expect(fixture.controller.calls.first?.owner == author.id)
        #expect(try fixture.store.deployment(own.id, by: author.id).status == .stopped(reason: "owner banned"))
        #expect(storeError { _ = try fixture.store.listing(listing.id, by: buyer.id) }?.code == "not_found")
        #expect(try fixture.store.search(ListingQuery(text: "trend")).listings.isEmpty)
        #expect(storeError { _ = try fixture.store.purchase(listing.id, idempotencyKey: "k", by: buyer.id) }?.code == "not_found")
        #expect(storeError { _ = try fixture.store.submit(listing.id, version: version.id, by: author.id) } == .accountRestricted(status: "banned"))

        try fixture.store.ban(buyer.id, reason: "chargebacks", by: fixture.admin.id)
        try fixture.store.reinstate(author.id, reason: "appeal granted", by: fixture.admin.id)
        #expect(storeError { _ = try fixture.store.purchase(listing.id, idempotencyKey: "k", by: buyer.id) } == .accountRestricted(status: "banned"))
        #expect(try fixture.store.listing(listing.id, by: fixture.admin.id).status == .approved)
        let actions = try fixture.store.auditLog(by: fixture.admin.id).map(\.action)
        #expect(actions.prefix(3) == ["user.reinstate", "user.ban", "user.ban"])
    }

    @Test func theAuditLogIsAppendOnly() throws {
        let fixture = try StoreFixture()
        let alice = try fixture.user("alice")
        try fixture.store.ban(alice.id, reason: "spam", by: fixture.admin.id)
        let entries = try fixture.store.auditLog(for: .user(alice.id), by: fixture.admin.id)
        #expect(entries.count == 1 && entries[0].actor == fixture.admin.id && entries[0].reason == "spam")
        #expect(storeError { _ = try fixture.store.auditLog(by: alice.id) }?.code == "account_restricted")
        let raw = try Connection(path: fixture.path, readOnly: false)
        #expect(storeError { try raw.run("UPDATE audit_log SET reason = 'nothing'") }?.code == "database")
        #expect(storeError { try raw.run("DELETE FROM audit_log") }?.code == "database")
        #expect(try raw.integer("SELECT COUNT(*) FROM audit_log") >= 2)
    }
}
