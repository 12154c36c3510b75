import Foundation
import Synchronization
import TestSupport
import Testing
@testable import Marketplace

/// The per-user deployment quota holds under racing creates: it is checked
/// in the insert's own transaction (it was a read, then a write, and 11
/// deployments got through a quota of 10).
@Suite struct DeploymentQuotaTests {
    @Test func racingCreatesNeverPassTheQuota() throws {
        let fixture = try StoreFixture()
        _ = try fixture.store.loadTemplates(from: TemplateTests.templates, strategiesDirectory: TemplateTests.strategies)
        let user = try fixture.user("racer")
        let store = fixture.store
        let outcomes = Mutex<[String]>([])
        DispatchQueue.concurrentPerform(iterations: 40) { _ in
            let outcome: String
            do {
                _ = try store.deploy(.template("dca"), maximumPerOwner: 10, by: user.id)
                outcome = "created"
            } catch let error as StoreError {
                outcome = error.code
            } catch {
                outcome = "\(error)"
            }
            outcomes.withLock { $0.append(outcome) }
        }
        let all = outcomes.withLock { $0 }
        #expect(all.filter { $0 == "created" }.count == 10)
        #expect(all.filter { $0 == "quota_exceeded" }.count == 30, "\(Set(all))")
        #expect(try store.deployments(of: user.id, by: user.id).count == 10)
    }
}
