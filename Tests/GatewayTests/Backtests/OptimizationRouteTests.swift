import Foundation
import Testing
import TestSupport
@testable import Gateway

/// `POST /api/strategies/{id}/optimize`: a sweep over declared parameters
/// runs its backtests with the request's settings, ranks them by the
/// objective (failed runs last, saying why), agrees with a plain backtest of
/// the winner, and refuses bad requests naming the field.
@Suite struct OptimizationRouteTests {
    static var period: [String: Any] { ["from": "2023-01-01T00:00:00Z", "to": "2023-04-01T00:00:00Z", "commission": "0.001"] }

    static func smaStrategy(_ api: API, token: String) async throws -> Int {
        let source = try String(contentsOf: TestPaths.root.appendingPathComponent("strategies/sma_crossover.lua"), encoding: .utf8)
        let id = try #require(try await api.call(.post, "/api/strategies", json: ["name": "SMA"], token: token).json["id"] as? Int)
        let version = try await api.call(.post, "/api/strategies/\(id)/versions", json: ["source": source], token: token)
        #expect(version.status == 201, "\(version.text)")
        return id
    }

    static func poll(_ api: API, _ id: Int, token: String) async throws -> API.Reply {
        try await BacktestRestartTests.poll(api, "/api/optimizations/\(id)", token: token)
    }

    @Test func aGridSweepRanksItsRunsAndItsWinnerMatchesAPlainBacktest() async throws {
        let fixture = try await GatewayFixture()
        try await fixture.run { api in
            let alice = try await api.signUp("alice")
            let id = try await Self.smaStrategy(api, token: alice.access)
            var body = Self.period
            // fast 40 is not shorter than slow 20 or 30: those two runs fault in on_start.
            body["ranges"] = ["fast": ["values": [5, 10, 40]], "slow": ["min": 20, "max": 30, "step": 10]]
            body["objective"] = "return"
            let started = try await api.call(.post, "/api/strategies/\(id)/optimize", json: body, token: alice.access)
            #expect(started.status == 202, "\(started.text)")
            #expect(started.json["runs"] as? Int == 6 && started.json["search"] as? String == "grid")
            let done = try await Self.poll(api, started.json["id"] as? Int ?? 0, token: alice.access)
            #expect(done.json["status"] as? String == "completed", "\(done.text.prefix(400))")
            #expect(done.json["runsDone"] as? Int == 6 && done.json["progress"] as? Double == 1 && done.json["failedRuns"] as? Int == 2)
            let trials = try #require(done.json["trials"] as? [[String: Any]])
            #expect(trials.map { $0["rank"] as? Int } == [1, 2, 3, 4, 5, 6])
            let scores = trials.compactMap { $0["score"] as? Double }
            #expect(scores.count == 4 && scores == scores.sorted(by: >), "\(scores)")
            #expect(trials.suffix(2).allSatisfy { ($0["error"] as? String)?.contains("fast must be shorter than slow") == true
                && ($0["parameters"] as? [String: Any])?["fast"] as? Int == 40 }, "\(trials.suffix(2))")
            let config = try #require(done.json["config"] as? [String: Any])
            #expect(config["commission"] as? String == "0.001" && config["from"] as? String == "2023-01-01T00:00:00Z")

            // The winner, run again as a plain backtest with the same settings, gives the same figures.
            let best = trials[0]
            let parameters = try #require(best["parameters"] as? [String: Any])
            var backtest = Self.period
            backtest["parameters"] = parameters
            let job = try await api.call(.post, "/api/strategies/\(id)/backtest", json: backtest, token: alice.access)
            let result = try await BacktestRestartTests.poll(api, job.json["id"] as? Int ?? 0, token: alice.access)
            let plain = try #require((result.json["result"] as? [String: Any])?["metrics"] as? [String: Any])
            let swept = try #require(best["metrics"] as? [String: Any])
            for key in ["totalReturn", "endEquity", "tradeCount", "maxDrawdown", "tradeFees"] {
                #expect("\(plain[key] ?? "nil")" == "\(swept[key] ?? "nil")", "\(key): backtest \(plain[key] ?? "nil") vs sweep \(swept[key] ?? "nil")")
            }
            #expect(best["score"] as? Double == plain["totalReturn"] as? Double)

            let listed = try await api.call(.get, "/api/optimizations", token: alice.access)
            #expect(listed.list.count == 1 && listed.list.first?["id"] as? Int == done.json["id"] as? Int)
            let bob = try await api.signUp("bob")
            #expect(try await api.call(.get, "/api/optimizations/\(done.json["id"] as? Int ?? 0)", token: bob.access).status == 404)
            #expect(try await api.call(.get, "/api/optimizations", token: bob.access).list.isEmpty)
        }
    }

    @Test func aWalkForwardSweepReportsEachWindowOutOfSample() async throws {
        let fixture = try await GatewayFixture()
        try await fixture.run { api in
            let alice = try await api.signUp("alice")
            let id = try await Self.smaStrategy(api, token: alice.access)
            var body = Self.period
            body["ranges"] = ["fast": ["values": [5, 10]], "slow": ["values": [30]]]
            body["walkForward"] = ["windows": 2, "inSample": 0.6]
            let started = try await api.call(.post, "/api/strategies/\(id)/optimize", json: body, token: alice.access)
            #expect(started.status == 202 && started.json["runs"] as? Int == 6, "\(started.text)")
            let done = try await Self.poll(api, started.json["id"] as? Int ?? 0, token: alice.access)
            #expect(done.json["status"] as? String == "completed", "\(done.text.prefix(400))")
            let windows = try #require(done.json["windows"] as? [[String: Any]], "\(done.text.prefix(400))")
            #expect(windows.count == 2 && done.json["trials"] == nil)
            for window in windows {
                let inSample = try #require(window["inSample"] as? [String: String]), outOfSample = try #require(window["outOfSample"] as? [String: String])
                #expect(inSample["to"]! < outOfSample["from"]!, "\(window)")
                #expect((window["best"] as? [String: Any])?["parameters"] != nil && window["outOfSampleMetrics"] != nil, "\(window)")
            }
        }
    }

    @Test func badSweepsAreRefusedNamingTheField() async throws {
        let fixture = try await GatewayFixture()
        try await fixture.run { api in
            let alice = try await api.signUp("alice")
            let id = try await Self.smaStrategy(api, token: alice.access)
            let cases: [([String: Any], String)] = [
                (["ranges": ["nope": ["values": [1]]]], "ranges.nope"),
                (["ranges": [:]], "ranges"),
                (["ranges": ["fast": ["min": 2, "max": 500, "step": 1], "slow": ["min": 3, "max": 100, "step": 1]]], "ranges"),
                (["ranges": ["fast": ["min": 5, "max": 10]]], "ranges.fast"),
                (["ranges": ["fast": ["values": [1]]]], "ranges.fast"),
                (["ranges": ["fast": ["values": ["ten"]]]], "ranges.fast"),
                (["ranges": ["fast": ["min": 5, "max": 10, "step": 0]]], "ranges.fast"),
                (["ranges": ["fast": ["min": 5, "max": 1e300, "step": 1]]], "ranges.fast"),
                (["ranges": ["fast": ["min": 0, "max": 1e300, "step": 1e298]]], "ranges.fast"),
                (["ranges": ["fast": ["values": [5e20]]]], "ranges.fast"),
                (["ranges": ["fast": ["values": [5]]], "search": "random", "trials": 0], "trials"),
                (["ranges": ["fast": ["values": [5]]], "trials": 5], "trials"),
                (["ranges": ["fast": ["values": [5]]], "search": "annealing"], "search"),
                (["ranges": ["fast": ["values": [5]]], "objective": "luck"], "objective"),
                (["ranges": ["fast": ["values": [5]]], "walkForward": ["windows": 50]], "walkForward.windows"),
                (["ranges": ["fast": ["values": [5]]], "walkForward": ["windows": 2, "inSample": 0.99]], "walkForward"),
                (["ranges": ["fast": ["values": [5]]], "top": 1e12], "top"),
                (["ranges": ["fast": ["values": [5]]], "cash": "-1"], "cash"),
                (["ranges": ["fast": ["values": [5]]], "parameters": ["fast": 5]], "parameters"),
            ]
            for (body, field) in cases {
                let reply = try await api.call(.post, "/api/strategies/\(id)/optimize", json: body, token: alice.access)
                #expect(reply.status == 422, "\(body): \(reply.status) \(reply.text)")
                let fields = ((reply.json["error"] as? [String: Any])?["details"] as? [[String: Any]])?.compactMap { $0["field"] as? String } ?? []
                #expect(fields.contains { $0 == field || $0.hasPrefix(field + "[") }, "\(body): expected \(field), got \(reply.text)")
            }
            #expect(try await api.call(.get, "/api/optimizations", token: alice.access).list.isEmpty, "a refused sweep is not recorded")
        }
    }
}
