import Foundation
import Host
import Testing
import TestSupport
@testable import Gateway

/// The `lunar serve` default: deployments and backtests in supervised worker processes.
@Suite struct WorkerModeTests {
    @Test func aDeploymentAndABacktestRunInWorkerProcesses() async throws {
        let isolation = IsolationConfiguration(executablePath: TestPaths.lunarExecutable, workers: 1)
        let fixture = try await GatewayFixture(configure: { $0.backtestIsolation = isolation }, hostMode: .isolated(isolation))
        try await fixture.run { api in
            let alice = try await api.signUp("alice")
            let strategy = try #require(try await api.call(.post, "/api/strategies", json: ["name": "Eager"], token: alice.access).json["id"] as? Int)
            _ = try await api.call(.post, "/api/strategies/\(strategy)/versions", json: ["source": DeploymentRouteTests.eager], token: alice.access)
            let versions = try await api.call(.get, "/api/strategies/\(strategy)/versions", token: alice.access)
            let version = try #require(versions.list.first?["id"] as? Int)
            let deployment = try #require(try await api.call(.post, "/api/deployments", json: ["versionId": version], token: alice.access).json["id"] as? Int)
            await DeploymentRouteTests.feedOffPool(fixture, events: 400)
            #expect(!(try await api.call(.get, "/api/deployments/\(deployment)/fills", token: alice.access).page("fills").isEmpty))
            #expect((try await api.call(.get, "/api/deployments/\(deployment)/performance", token: alice.access).json["account"] as? [String: Any])?["running"] as? Bool == true)

            let job = try #require(try await api.call(.post, "/api/strategies/\(strategy)/backtest", json: [:], token: alice.access).json["id"] as? Int)
            var status = ""
            for _ in 0..<300 where status != "completed" && status != "failed" {
                try await Task.sleep(for: .milliseconds(50))
                status = try await api.call(.get, "/api/backtests/\(job)", token: alice.access).json["status"] as? String ?? ""
            }
            #expect(status == "completed")
        }
    }
}
