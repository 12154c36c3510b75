import Foundation
import Host
import Testing
@testable import Marketplace

@Suite struct DeploymentTests {
    @Test func buyersDeployWhatTheyBoughtButNeverReadThePaidSource() throws {
        let fixture = try StoreFixture()
        let author = try fixture.user("author")
        let buyer = try fixture.funded("buyer", 5_000)
        let (listing, version) = try fixture.approvedListing(by: author)
        #expect(storeError { _ = try fixture.store.deploy(.listing(listing.id), by: buyer.id) }?.code == "forbidden")
        _ = try fixture.store.purchase(listing.id, idempotencyKey: "k", by: buyer.id)
        let risk = RiskLimits(maxOpenOrders: 3)
        let deployment = try fixture.store.deploy(.listing(listing.id), parameters: ["fast": .integer(8)], risk: risk, by: buyer.id)
        #expect(deployment.mode == "paper" && deployment.risk == risk && deployment.parameters["fast"] == .integer(8))
        #expect(storeError { _ = try fixture.store.source(of: version.id, by: buyer.id) }?.code == "forbidden")
        #expect(try fixture.store.source(of: version.id, by: author.id) == StoreFixture.smaSource)
        #expect(try fixture.store.source(of: version.id, by: fixture.admin.id) == StoreFixture.smaSource)
        #expect(try fixture.store.runSpec(of: deployment.id).source == StoreFixture.smaSource)
        #expect(storeError { _ = try fixture.store.deploy(.strategyVersion(version.id), by: buyer.id) }?.code == "not_found")
        #expect(storeError { _ = try fixture.store.deploy(.listing(listing.id), risk: RiskLimits(maxOpenOrders: -1), by: buyer.id) }
                == .invalid(field: "risk.maxOpenOrders", rule: "must be 0 to 10000"))
        #expect(storeError { _ = try fixture.store.deployment(deployment.id, by: author.id) }?.code == "not_found")
    }

    @Test func buyersKeepTheirAccessWhenTheListingIsSuspended() throws {
        let fixture = try StoreFixture()
        let author = try fixture.user("author")
        let buyer = try fixture.funded("buyer", 5_000)
        let stranger = try fixture.user("stranger")
        let (listing, _) = try fixture.approvedListing(by: author)
        _ = try fixture.store.purchase(listing.id, idempotencyKey: "k", by: buyer.id)
        let deployment = try fixture.store.deploy(.listing(listing.id), by: buyer.id)
        _ = try fixture.store.suspend(listing.id, reason: "under review", by: fixture.admin.id)
        _ = try fixture.store.changeDeployment(deployment.id, .start, by: buyer.id)
        #expect(try fixture.store.runSpec(of: deployment.id).source == StoreFixture.smaSource)
        _ = try fixture.store.deploy(.listing(listing.id), by: buyer.id)
        #expect(storeError { _ = try fixture.store.deploy(.listing(listing.id), by: stranger.id) }?.code == "not_found")
        // An admin stopping someone else's deployment is audited.
        _ = try fixture.store.changeDeployment(deployment.id, .stop(reason: "abuse report"), by: fixture.admin.id)
        let audit = try fixture.store.auditLog(for: .deployment(deployment.id), by: fixture.admin.id)
        #expect(audit.map(\.action) == ["deployment.stop"] && audit.first?.reason == "abuse report")
        #expect(storeError { _ = try fixture.store.changeDeployment(deployment.id, .start, by: stranger.id) }?.code == "not_found")
    }

    @Test func theHostReportsLifecycleEvents() throws {
        let fixture = try StoreFixture()
        let author = try fixture.user("author")
        let (_, version) = try fixture.approvedListing(by: author)
        let deployment = try fixture.store.deploy(.strategyVersion(version.id), by: author.id)
        _ = try fixture.store.changeDeployment(deployment.id, .start, by: author.id)
        #expect(try fixture.store.recordDeploymentEvent(deployment.id, .halt(reason: "daily loss limit")).status == .halted(reason: "daily loss limit"))
        #expect(try fixture.store.deploymentsToResume().map(\.id) == [deployment.id])
        #expect(try fixture.store.recordDeploymentEvent(deployment.id, .fault(reason: "memory quota")).status == .faulted(reason: "memory quota"))
        #expect(storeError { _ = try fixture.store.recordDeploymentEvent(deployment.id, .resume) }?.code == "illegal_transition")
        #expect(try fixture.store.deploymentsToResume().isEmpty)
    }

    @Test func checkpointsNeverDuplicateOrDropOrders() throws {
        let fixture = try StoreFixture()
        let author = try fixture.user("author")
        let (_, version) = try fixture.approvedListing(by: author)
        let deployment = try fixture.store.deploy(.strategyVersion(version.id), by: author.id)
        let body = { (text: String) in Data(text.utf8) }
        #expect(try fixture.store.saveCheckpoint(DeploymentCheckpoint(
            orders: [JournalRecord(id: "o1", body: body("new")), JournalRecord(id: "o2", body: body("new"))],
            positions: ["BTCUSD": body("0")], state: body("{\"n\":1}")), for: deployment.id) == 2)
        // A replay after a crash resends o1 (now filled) and o2, plus a new o3 and a fill.
        #expect(try fixture.store.saveCheckpoint(DeploymentCheckpoint(
            orders: [JournalRecord(id: "o1", body: body("filled")), JournalRecord(id: "o2", body: body("new")), JournalRecord(id: "o3", body: body("new"))],
            fills: [JournalRecord(id: "f1", orderID: "o1", body: body("fill")), JournalRecord(id: "f1", orderID: "o1", body: body("fill"))],
            positions: ["BTCUSD": body("0.5")], state: body("{\"n\":2}")), for: deployment.id) == 1)
        #expect(storeError { _ = try fixture.store.saveCheckpoint(DeploymentCheckpoint(orders: [JournalRecord(id: "", body: Data())]), for: deployment.id) }?.code == "invalid_input")

        try fixture.reopen()
        let journal = try fixture.store.journal(of: deployment.id)
        #expect(journal.orders.map(\.id) == ["o1", "o2", "o3"])
        #expect(journal.orders.first?.body == body("filled"))
        #expect(journal.fills.map(\.id) == ["f1"])
        #expect(journal.positions == ["BTCUSD": body("0.5")])
        #expect(journal.state == body("{\"n\":2}"))
    }
}
