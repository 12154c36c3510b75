import Foundation
import Testing
import TestSupport
@testable import Gateway

@Suite struct StrategyRouteTests {
    static let sma = try! TestPaths.read(TestPaths.strategy("sma_crossover.lua"))

    @Test func createUploadListAndReadSource() async throws {
        let fixture = try await GatewayFixture()
        try await fixture.run { api in
            let alice = try await api.signUp("alice")
            let created = try await api.call(.post, "/api/strategies", json: ["name": "Trend"], token: alice.access)
            #expect(created.status == 201)
            let id = try #require(created.json["id"] as? Int)
            #expect(try await api.call(.post, "/api/strategies", json: ["name": "Trend"], token: alice.access).status == 409)

            let uploaded = try await api.call(.post, "/api/strategies/\(id)/versions",
                                              json: ["source": Self.sma, "changelog": "first"], token: alice.access)
            #expect(uploaded.status == 201 && uploaded.json["status"] as? String == "accepted")
            #expect(uploaded.json["source"] == nil)
            let versionID = try #require(uploaded.json["id"] as? Int)

            let broken = try await api.call(.post, "/api/strategies/\(id)/versions",
                                            json: ["source": "strategy = {}\nfunction on_bar(ctx)\n  local x = = 1\nend\n"], token: alice.access)
            #expect(broken.status == 422 && broken.errorCode == "version_rejected")
            #expect(broken.errorDetails.contains { ($0["issue"] as? String ?? "").contains(":3:") })

            let versions = try await api.call(.get, "/api/strategies/\(id)/versions", token: alice.access)
            #expect(versions.list.map { $0["status"] as? String } == ["accepted", "rejected"])
            let source = try await api.call(.get, "/api/strategies/\(id)/versions/\(versionID)/source", token: alice.access)
            #expect(source.json["source"] as? String == Self.sma)
            #expect(try await api.call(.get, "/api/strategies", token: alice.access).list.count == 1)
        }
    }

    @Test func backtestJobRunsToResultsWithMetricsTradesAndCurve() async throws {
        let fixture = try await GatewayFixture()
        try await fixture.run { api in
            let alice = try await api.signUp("alice")
            let id = try #require(try await api.call(.post, "/api/strategies", json: ["name": "Trend"], token: alice.access).json["id"] as? Int)
            _ = try await api.call(.post, "/api/strategies/\(id)/versions", json: ["source": Self.sma], token: alice.access)
            let bad = try await api.call(.post, "/api/strategies/\(id)/backtest", json: ["parameters": ["fast": "x"]], token: alice.access)
            #expect(bad.status == 422 && bad.errorCode == "invalid_parameters" && bad.errorDetails.first?["field"] as? String == "parameters.fast", "\(bad.text)")
            let job = try await api.call(.post, "/api/strategies/\(id)/backtest", json: [:], token: alice.access)
            #expect(job.status == 202)
            let jobID = try #require(job.json["id"] as? Int)
            var status = ""
            var reply = job
            for _ in 0..<300 where status != "completed" && status != "failed" {
                try await Task.sleep(for: .milliseconds(50))
                reply = try await api.call(.get, "/api/backtests/\(jobID)", token: alice.access)
                status = reply.json["status"] as? String ?? ""
            }
            #expect(status == "completed")
            let result = try #require(reply.json["result"] as? [String: Any])
            #expect(result["metrics"] is [String: Any] && result["trades"] is [Any] && result["equityCurve"] is [Any])
            #expect(try await api.call(.get, "/api/backtests", token: alice.access).list.count == 1)
        }
    }
}
