import Foundation
import Host
import Testing
@testable import Marketplace

/// Engaged kill switches in the store (migration 012): each change audited,
/// kept across a reopen, and guarded by who may touch which switch.
@Suite struct KillSwitchStoreTests {
    static func deployment(_ fixture: StoreFixture, of owner: User) throws -> Deployment {
        let strategy = try fixture.store.createStrategy(name: "SMA \(UUID().uuidString.prefix(6))", by: owner.id)
        let version = try fixture.store.uploadVersion(of: strategy.id, source: StoreFixture.smaSource, changelog: "", by: owner.id)
        return try fixture.store.deploy(.strategyVersion(version.id), by: owner.id)
    }

    @Test func engageAndReleaseArePersistedAndAudited() throws {
        let fixture = try StoreFixture()
        let alice = try fixture.user("alice")
        let mine = try Self.deployment(fixture, of: alice)
        try fixture.store.engageKillSwitch(.owner(alice.id), level: .reduceOnly, reason: "fat finger", by: alice.id)
        fixture.clock.advance(5)
        try fixture.store.engageKillSwitch(.deployment(mine.id), level: .halt, reason: "runaway", by: alice.id)
        try fixture.store.engageKillSwitch(.global, level: .reduceOnly, reason: "venue outage", by: fixture.admin.id)

        try fixture.reopen()
        let stored = try fixture.store.engagedKillSwitches()
        #expect(stored == [
            EngagedKillSwitch(target: .global, level: .reduceOnly, reason: "venue outage", engagedBy: fixture.admin.id,
                              engagedAt: fixture.clock.now),
            EngagedKillSwitch(target: .owner(alice.id), level: .reduceOnly, reason: "fat finger", engagedBy: alice.id,
                              engagedAt: fixture.clock.now - 5),
            EngagedKillSwitch(target: .deployment(mine.id), level: .halt, reason: "runaway", engagedBy: alice.id,
                              engagedAt: fixture.clock.now),
        ])
        #expect(stored.strictest(covering: mine.id, owner: alice.id)?.target == .deployment(mine.id))
        #expect(stored.strictest(covering: DeploymentID(999), owner: alice.id)?.target == .global)

        // Re-engaging changes the level in place.
        try fixture.store.engageKillSwitch(.deployment(mine.id), level: .reduceOnly, reason: "calmer", by: alice.id)
        #expect(try fixture.store.engagedKillSwitches().count == 3)
        #expect(try fixture.store.releaseKillSwitch(.deployment(mine.id), by: alice.id))
        #expect(try !fixture.store.releaseKillSwitch(.deployment(mine.id), by: alice.id), "releasing twice is harmless")
        try fixture.reopen()
        #expect(try fixture.store.engagedKillSwitches().map(\.target) == [.global, .owner(alice.id)])

        let audit = try fixture.store.auditLog(for: .killSwitch(.deployment(mine.id)), by: fixture.admin.id)
        #expect(audit.map(\.action) == ["killSwitch.release", "killSwitch.engage", "killSwitch.engage"])
        #expect(audit.last?.reason == "halt: runaway" && audit.last?.actor == alice.id)
        #expect(try fixture.store.auditLog(for: .killSwitch(.global), by: fixture.admin.id).first?.reason == "reduceOnly: venue outage")
    }

    @Test func onlyTheOwnerOrAnAdminMayTouchASwitch() throws {
        let fixture = try StoreFixture()
        let alice = try fixture.user("alice")
        let bob = try fixture.user("bob")
        let hers = try Self.deployment(fixture, of: alice)
        #expect(storeError { try fixture.store.engageKillSwitch(.global, level: .halt, reason: "x", by: alice.id) }?.code == "forbidden")
        #expect(storeError { try fixture.store.engageKillSwitch(.owner(alice.id), level: .halt, reason: "x", by: bob.id) }?.code == "forbidden")
        #expect(storeError { try fixture.store.engageKillSwitch(.deployment(hers.id), level: .halt, reason: "x", by: bob.id) }?.code == "not_found")
        #expect(storeError { try fixture.store.engageKillSwitch(.owner(alice.id), level: .halt, reason: "", by: alice.id) }?.code == "invalid_input")
        #expect(try fixture.store.engagedKillSwitches().isEmpty, "refused changes store nothing")
        #expect(try fixture.store.auditLog(for: .killSwitch(.owner(alice.id)), by: fixture.admin.id).isEmpty)

        // An admin's switch over Alice is the admins' to release.
        try fixture.store.engageKillSwitch(.owner(alice.id), level: .halt, reason: "abuse", by: fixture.admin.id)
        #expect(storeError { try fixture.store.releaseKillSwitch(.owner(alice.id), by: alice.id) }?.code == "forbidden")
        #expect(storeError { try fixture.store.engageKillSwitch(.owner(alice.id), level: .reduceOnly, reason: "x", by: alice.id) }?.code == "forbidden")
        #expect(try fixture.store.releaseKillSwitch(.owner(alice.id), by: fixture.admin.id))
    }

    @Test func eachUserSeesTheSwitchesOverTheirOwnDeployments() throws {
        let fixture = try StoreFixture()
        let alice = try fixture.user("alice")
        let bob = try fixture.user("bob")
        let hers = try Self.deployment(fixture, of: alice)
        let his = try Self.deployment(fixture, of: bob)
        try fixture.store.engageKillSwitch(.deployment(hers.id), level: .halt, reason: "a", by: alice.id)
        try fixture.store.engageKillSwitch(.deployment(his.id), level: .halt, reason: "b", by: bob.id)
        try fixture.store.engageKillSwitch(.owner(bob.id), level: .reduceOnly, reason: "c", by: bob.id)
        try fixture.store.engageKillSwitch(.global, level: .reduceOnly, reason: "d", by: fixture.admin.id)
        #expect(try fixture.store.killSwitches(visibleTo: alice.id).map(\.target) == [.global, .deployment(hers.id)])
        #expect(try fixture.store.killSwitches(visibleTo: bob.id).map(\.target) == [.global, .owner(bob.id), .deployment(his.id)])
        #expect(try fixture.store.killSwitches(visibleTo: fixture.admin.id).count == 4)
    }

    @Test func deletingADeploymentReleasesItsSwitch() throws {
        let fixture = try StoreFixture()
        let alice = try fixture.user("alice")
        let deployment = try Self.deployment(fixture, of: alice)
        try fixture.store.engageKillSwitch(.deployment(deployment.id), level: .halt, reason: "x", by: alice.id)
        try fixture.store.deleteDeployment(deployment.id, by: alice.id)
        #expect(try fixture.store.engagedKillSwitches().isEmpty)
        let audit = try fixture.store.auditLog(for: .killSwitch(.deployment(deployment.id)), by: fixture.admin.id)
        #expect(audit.first?.action == "killSwitch.release" && audit.first?.reason == "deployment deleted")
    }
}
