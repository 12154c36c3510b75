import Foundation
import Host
import Testing
import TestSupport
@testable import Gateway

/// A backtest whose strategy raises mid-run is `failed`, never
/// `completed`: the error object says what and where (kind, line,
/// callback, event time, traceback) and the result up to the fault comes
/// back with `partial: true`. The same in-process and in a worker process.
@Suite struct BacktestFaultTests {
    /// Buys on the first bar, raises on the 400th (line 7): after the 300
    /// bars upload validation replays, so the version is accepted.
    static let faulty = """
        strategy = { name = "Faulty", params = {} }
        local n = 0
        function on_bar(ctx, bar)
          n = n + 1
          if n == 1 then ctx.buy { quantity = 0.01 } end
          if n == 400 then
            error("bar four hundred")
          end
        end
        """

    /// Uploads `source` as a new strategy and submits a backtest with `body`; returns the job's final poll.
    static func run(_ api: API, token: String, source: String = faulty, body: [String: Any] = [:]) async throws -> API.Reply {
        let strategy = try #require(try await api.call(.post, "/api/strategies", json: ["name": "S\(UUID().uuidString.prefix(8))"],
                                                       token: token).json["id"] as? Int)
        let upload = try await api.call(.post, "/api/strategies/\(strategy)/versions", json: ["source": source], token: token)
        #expect(upload.status == 201, "\(upload.text)")
        let submitted = try await api.call(.post, "/api/strategies/\(strategy)/backtest", json: body, token: token)
        #expect(submitted.status == 202, "\(submitted.text)")
        return try await BacktestRestartTests.poll(api, submitted.json["id"] as? Int ?? 0, token: token)
    }

    static func expectFailedAtBar400(_ reply: API.Reply) throws {
        #expect(reply.json["status"] as? String == "failed", "\(reply.text.prefix(400))")
        let error = try #require(reply.json["error"] as? [String: Any], "\(reply.text.prefix(400))")
        #expect(error["kind"] as? String == "runtime_error")
        #expect(error["line"] as? Int == 7)
        #expect(error["callback"] as? String == "on_bar")
        #expect((error["message"] as? String)?.contains("bar four hundred") == true)
        #expect((error["traceback"] as? String)?.contains("strategy.lua:7:") == true)
        // Bar 400 of the sample (hourly from 2023-01-01) is delivered when it closes.
        #expect(error["time"] as? String == "2023-01-17T16:00:00Z")
        let result = try #require(reply.json["result"] as? [String: Any])
        #expect(result["partial"] as? Bool == true)
        let metrics = try #require(result["metrics"] as? [String: Any])
        #expect(metrics["barCount"] as? Int == 399, "the bars before the fault")
        #expect(metrics["endEquity"] is String)
        #expect((result["equityCurve"] as? [[String: Any]])?.last?["time"] as? String == "2023-01-17T15:00:00Z")
        #expect(reply.json["finishedAt"] is String)
    }

    @Test func aFaultFailsTheJobWithTheFaultAndAPartialResult() async throws {
        let fixture = try await GatewayFixture()
        try await fixture.run { api in
            let alice = try await api.signUp("alice")
            try Self.expectFailedAtBar400(try await Self.run(api, token: alice.access))
            let listed = try await api.call(.get, "/api/backtests", token: alice.access).list.first
            #expect(listed?["status"] as? String == "failed")
            #expect((listed?["error"] as? [String: Any])?["line"] as? Int == 7, "lists carry the error object too")
        }
    }

    @Test func aFaultFailsTheJobInAWorkerProcessToo() async throws {
        let isolation = IsolationConfiguration(executablePath: TestPaths.lunarExecutable, workers: 1)
        let fixture = try await GatewayFixture(configure: { $0.backtestIsolation = isolation })
        try await fixture.run { api in
            let alice = try await api.signUp("alice")
            try Self.expectFailedAtBar400(try await Self.run(api, token: alice.access))
        }
    }

    @Test func aCleanRunIsCompletedAndNotPartial() async throws {
        let fixture = try await GatewayFixture()
        try await fixture.run { api in
            let alice = try await api.signUp("alice")
            let reply = try await Self.run(api, token: alice.access, source: DeploymentRouteTests.eager)
            #expect(reply.json["status"] as? String == "completed")
            #expect(reply.json["error"] == nil)
            let result = try #require(reply.json["result"] as? [String: Any])
            #expect(result["partial"] as? Bool == false && result["currency"] as? String == "USD")
            let trade = (result["trades"] as? [[String: Any]])?.first
            #expect(trade == nil || trade?["entryTime"] is String)
        }
    }
}
