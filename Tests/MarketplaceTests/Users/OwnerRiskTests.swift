import Foundation
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

    /// JSON decoding skips `TradingWindow`'s and `OrderRateLimit`'s
    /// preconditions; the store refuses what they would have.
    @Test func decodedWindowsAndOrderRatesOutOfRangeAreRefused() throws {
        let fixture = try StoreFixture()
        let alice = try fixture.user("alice")
        func limits(_ json: String) throws -> RiskLimits { try JSONDecoder().decode(RiskLimits.self, from: Data(json.utf8)) }
        let early = try limits(#"{"tradingWindow": {"weekdays": [], "startMinute": -1, "endMinute": 0}}"#)
        #expect(storeError { try fixture.store.setOwnerRiskLimits(early, by: alice.id) }
                == .invalid(field: "risk.tradingWindow.startMinute", rule: "must be 0 to 1439"))
        let late = try limits(#"{"tradingWindow": {"weekdays": ["Mon"], "startMinute": 0, "endMinute": 1441}}"#)
        #expect(storeError { try fixture.store.setOwnerRiskLimits(late, by: alice.id) }?.code == "invalid_input")
        let stalled = try limits(#"{"orderRate": {"capacity": 1, "refillTokens": 1, "refillIntervalSeconds": 0}}"#)
        #expect(storeError { try fixture.store.setOwnerRiskLimits(stalled, by: alice.id) }
                == .invalid(field: "risk.orderRate.refillIntervalSeconds", rule: "must be positive"))
        let negative = try limits(#"{"orderRate": {"capacity": -1, "refillTokens": 1, "refillIntervalSeconds": 1}}"#)
        #expect(storeError { try fixture.store.setOwnerRiskLimits(negative, by: alice.id) }?.code == "invalid_input")
        try fixture.store.setOwnerRiskLimits(try limits(#"{"tradingWindow": {"weekdays": ["Mon"], "startMinute": 0, "endMinute": 1440}}"#),
                                             by: alice.id)
    }
}
