import Host
import Testing
@testable import Marketplace

@Suite struct OwnerRiskTests {
    @Test func ownerLimitsAreStoredPerUserAndValidated() throws {
        let fixture = try StoreFixture()
        let alice = try fixture.user("alice")
        #expect(try fixture.store.ownerRiskLimits(of: alice.id) == .none)
        var limits = RiskLimits.none
        limits.maxOpenOrders = 4
        try fixture.store.setOwnerRiskLimits(limits, by: alice.id)
        #expect(try fixture.store.ownerRiskLimits(of: alice.id).maxOpenOrders == 4)
        limits.maxGrossExposure = Money(-1)
        #expect(throws: StoreError.self) { try fixture.store.setOwnerRiskLimits(limits, by: alice.id) }
    }
}
