import Foundation
import Marketplace
import Platform
import Testing
import TestSupport
@testable import Gateway

/// Backtest jobs are stored: after a restart (a new store, platform and
/// gateway over the same SQLite file) a finished job still reads with its
/// result, a job that was queued or running reads failed with the
/// interruption reason, and new jobs take ids above every old one.
@Suite struct BacktestRestartTests {
    static func poll(_ api: API, _ id: Int, token: String) async throws -> API.Reply {
        try await poll(api, "/api/backtests/\(id)", token: token)
    }

    /// GETs `path` until its `status` is completed or failed (at most a minute).
    static func poll(_ api: API, _ path: String, token: String, attempts: Int = 1_200) async throws -> API.Reply {
        var reply = try await api.call(.get, path, token: token)
        for _ in 0..<attempts where !["completed", "failed"].contains(reply.json["status"] as? String ?? "") {
            try await Task.sleep(for: .milliseconds(50))
            reply = try await api.call(.get, path, token: token)
        }
        return reply
    }

    @Test func jobsSurviveARestartAndInterruptedOnesFail() async throws {
        let first = try await GatewayFixture()
        let (token, user, strategy, completed, result) = try await first.run { api in
            let alice = try await api.signUp("alice")
            let strategy = try #require(try await api.call(.post, "/api/strategies", json: ["name": "Trend"], token: alice.access).json["id"] as? Int)
            _ = try await api.call(.post, "/api/strategies/\(strategy)/versions", json: ["source": StrategyRouteTests.sma], token: alice.access)
            let job = try #require(try await api.call(.post, "/api/strategies/\(strategy)/backtest", json: [:], token: alice.access).json["id"] as? Int)
            let reply = try await Self.poll(api, job, token: alice.access)
            #expect(reply.json["status"] as? String == "completed")
            let result = try #require(reply.json["result"] as? [String: Any])
            return (alice.access, alice.id, strategy, job, RestartResumeTests.canonical(result))
        }
        // Stand-ins for jobs the server was running and had queued when it stopped.
        let alice = UserID(Int64(user))
        let running = try first.store.createBacktestJob(owner: alice, strategy: StrategyID(Int64(strategy)), version: VersionID(1),
                                                        parameters: [:], maximumUnfinished: 3, keepFinished: 20)
        try first.store.startBacktestJob(running.id)
        let queued = try first.store.createBacktestJob(owner: alice, strategy: StrategyID(Int64(strategy)), version: VersionID(1),
                                                       parameters: [:], maximumUnfinished: 3, keepFinished: 20)
        first.gateway.shutDown()
        first.ownsDirectory = false

        let second = try await GatewayFixture(directory: first.directory)
        try await second.run { api in
            let kept = try await api.call(.get, "/api/backtests/\(completed)", token: token)
            #expect(kept.status == 200 && kept.json["status"] as? String == "completed")
            #expect(RestartResumeTests.canonical(kept.json["result"] as? [String: Any] ?? [:]) == result, "the same result after the restart")
            for id in [running.id, queued.id] {
                let interrupted = try await api.call(.get, "/api/backtests/\(id)", token: token)
                #expect(interrupted.json["status"] as? String == "failed")
                let error = interrupted.json["error"] as? [String: Any]
                #expect(error?["kind"] as? String == "interrupted")
                #expect(error?["message"] as? String == "interrupted by a server restart")
                #expect((interrupted.json["finishedAt"] as? String)?.hasSuffix("Z") == true)
            }
            #expect(try await api.call(.get, "/api/backtests", token: token).list.compactMap { $0["id"] as? Int }
                    == [Int(queued.id), Int(running.id), completed])
            let next = try await api.call(.post, "/api/strategies/\(strategy)/backtest", json: [:], token: token)
            #expect(next.status == 202, "the interrupted jobs no longer count as unfinished: \(next.text)")
            let id = try #require(next.json["id"] as? Int)
            #expect(id > Int(queued.id), "ids never repeat across a restart")
            #expect(try await Self.poll(api, id, token: token).json["status"] as? String == "completed")
        }
    }
}
