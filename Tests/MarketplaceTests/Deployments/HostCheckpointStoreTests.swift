import Foundation
import Testing
@testable import Marketplace

/// The opaque host checkpoint per deployment (migration 011).
@Suite struct HostCheckpointStoreTests {
    @Test func aCheckpointIsReplacedInPlaceSurvivesReopeningAndGoesWithItsDeployment() throws {
        let fixture = try StoreFixture()
        let alice = try fixture.user("alice")
        let strategy = try fixture.store.createStrategy(name: "SMA", by: alice.id)
        let version = try fixture.store.uploadVersion(of: strategy.id, source: StoreFixture.smaSource, changelog: "", by: alice.id)
        let deployment = try fixture.store.deploy(.strategyVersion(version.id), by: alice.id)
        #expect(try fixture.store.hostCheckpoint(of: deployment.id) == nil)

        try fixture.store.saveHostCheckpoint(Data("first".utf8), for: deployment.id)
        try fixture.store.saveHostCheckpoint(Data([0, 1, 2, 255]), for: deployment.id)
        #expect(try fixture.store.hostCheckpoint(of: deployment.id) == Data([0, 1, 2, 255]), "binary bytes, the latest save")
        let rows = try fixture.store.pool.read { (connection) throws(StoreError) in
            try connection.integer("SELECT COUNT(*) FROM deployment_host_checkpoints")
        }
        #expect(rows == 1, "an upsert, not a second row")

        try fixture.reopen()
        #expect(try fixture.store.hostCheckpoint(of: deployment.id) == Data([0, 1, 2, 255]))

        try fixture.store.deleteDeployment(deployment.id, by: alice.id)
        #expect(try fixture.store.hostCheckpoint(of: deployment.id) == nil)
    }

    @Test func savingForAnUnknownDeploymentFailsAndStoresNothing() throws {
        let fixture = try StoreFixture()
        #expect(throws: StoreError.notFound(entity: "deployment", id: "999")) {
            try fixture.store.saveHostCheckpoint(Data("x".utf8), for: DeploymentID(999))
        }
        let rows = try fixture.store.pool.read { (connection) throws(StoreError) in
            try connection.integer("SELECT COUNT(*) FROM deployment_host_checkpoints")
        }
        #expect(rows == 0)
    }
}
