import Foundation
import Host
import Platform
import Sandbox
import Testing
@testable import Marketplace

/// A deployment under a kill switch keeps reporting its refused orders; they
/// are journaled like any other (covered by its checkpoints), not left waiting.
@Suite struct HaltedJournalTests {
    @Test func refusedOrdersOfAHaltedDeploymentAreJournaled() async throws {
        let fixture = try PlatformFixture()
        let deployment = try await fixture.platform.createDeployment(
            .template("dca"), parameters: ["every": .integer(1), "amount": .number(100), "boost_below_sma": .integer(0)],
            risk: nil, symbols: nil, timeframe: nil, start: true, by: fixture.user.id)
        _ = try await fixture.platform.engageKillSwitch(.owner(fixture.user.id), level: .halt, reason: "test", by: fixture.user.id)
        var market = fixture.market()
        fixture.feed(300, from: &market)
        #expect(await fixture.platform.journal.flush(timeout: .seconds(5)), "backlog \(fixture.platform.journal.backlog)")
        let journal = try fixture.store.journal(of: deployment.id)
        #expect(journal.orders.count == fixture.reported.orders(deployment.id.rawValue) && journal.orders.count > 0)
        #expect(journal.fills.isEmpty)
    }
}
