import Host
import Sandbox
import Testing
@testable import Marketplace

@Suite struct DeploymentChangeTests {
    @Test func stoppedDeploymentsCanBeUpdatedAndDeletedByTheirOwnerOnly() throws {
        let fixture = try StoreFixture()
        let alice = try fixture.user("alice")
        let bob = try fixture.user("bob")
        let strategy = try fixture.store.createStrategy(name: "SMA", by: alice.id)
        let version = try fixture.store.uploadVersion(of: strategy.id, source: StoreFixture.smaSource, changelog: "", by: alice.id)
        let deployment = try fixture.store.deploy(.strategyVersion(version.id), by: alice.id)

        let updated = try fixture.store.updateDeployment(deployment.id, parameters: ["fast": .integer(5)], risk: nil, by: alice.id)
        #expect(updated.parameters["fast"] == .integer(5) && updated.parameters["slow"] == deployment.parameters["slow"])
        #expect(throws: StoreError.self) { try fixture.store.updateDeployment(deployment.id, parameters: ["fast": .integer(1)], risk: nil, by: alice.id) }
        #expect(throws: StoreError.notFound(entity: "deployment", id: deployment.id.description)) {
            try fixture.store.updateDeployment(deployment.id, parameters: nil, risk: nil, by: bob.id)
        }

        _ = try fixture.store.changeDeployment(deployment.id, .start, by: alice.id)
        #expect(throws: StoreError.self) { try fixture.store.deleteDeployment(deployment.id, by: alice.id) }
        _ = try fixture.store.changeDeployment(deployment.id, .stop(reason: "done"), by: alice.id)
        #expect(throws: StoreError.self) { try fixture.store.deleteDeployment(deployment.id, by: bob.id) }
        try fixture.store.deleteDeployment(deployment.id, by: alice.id)
        #expect(try fixture.store.deployments(of: alice.id, by: alice.id).isEmpty)
    }
}
