import Foundation
import Testing
import TestSupport
@testable import Gateway

/// The backtest request chooses the data, period and costs; every field
/// is checked (a refusal names it) and the job echoes the effective
/// `config`, defaults filled in. The bundled datasets are listed.
@Suite struct BacktestRequestTests {
    static func strategy(_ api: API, token: String) async throws -> Int {
        let id = try #require(try await api.call(.post, "/api/strategies", json: ["name": "Eager"], token: token).json["id"] as? Int)
        _ = try await api.call(.post, "/api/strategies/\(id)/versions", json: ["source": DeploymentRouteTests.eager], token: token)
        return id
    }

    @Test func defaultsAreFilledInAndEchoed() async throws {
        let fixture = try await GatewayFixture()
        try await fixture.run { api in
            let alice = try await api.signUp("alice")
            let id = try await Self.strategy(api, token: alice.access)
            let job = try await api.call(.post, "/api/strategies/\(id)/backtest", json: [:], token: alice.access)
            #expect(job.status == 202, "\(job.text)")
            let config = try #require(job.json["config"] as? [String: Any], "\(job.text)")
            #expect(config["dataset"] as? String == "sample-btcusd-1h")
            #expect(config["symbol"] as? String == "BTCUSD")
            #expect(config["timeframe"] as? Int == 3600)
            #expect(config["from"] as? String == "2023-01-01T00:00:00Z")
            #expect((config["to"] as? String)?.hasPrefix("2024-01-01T00:00:00Z") == true, "\(config)")
            #expect(config["cash"] as? String == "100000.00000000" && config["currency"] as? String == "USD")
            #expect(config["commission"] as? String == "0" && config["slippage"] as? String == "0")
            #expect(config["seed"] as? Int == 1)
            let done = try await BacktestRestartTests.poll(api, job.json["id"] as? Int ?? 0, token: alice.access)
            #expect(done.json["status"] as? String == "completed")
            #expect(done.json["config"] as? [String: Any] != nil)
        }
    }

    @Test func theRequestChoosesDataPeriodAndCosts() async throws {
        let fixture = try await GatewayFixture()
        try await fixture.run { api in
            let alice = try await api.signUp("alice")
            let listed = try await api.call(.get, "/api/datasets", token: alice.access)
            #expect(listed.status == 200)
            let names = listed.list.compactMap { $0["name"] as? String }
            #expect(names.contains("sample-btcusd-1h") && names.contains("sample-ethusd-1h"), "\(listed.text)")
            let eth = listed.list.first { $0["name"] as? String == "sample-ethusd-1h" }
            #expect(eth?["symbol"] as? String == "ETHUSD" && eth?["bundled"] as? Bool == true)

            let id = try await Self.strategy(api, token: alice.access)
            let body: [String: Any] = ["dataset": "sample-ethusd-1h", "from": "2023-02-01T00:00:00Z", "to": "2023-03-01",
                                       "timeframe": 14_400, "cash": "5000.5", "commission": "0.001", "slippage": "0.0005", "seed": 42]
            let job = try await api.call(.post, "/api/strategies/\(id)/backtest", json: body, token: alice.access)
            #expect(job.status == 202, "\(job.text)")
            let done = try await BacktestRestartTests.poll(api, job.json["id"] as? Int ?? 0, token: alice.access)
            #expect(done.json["status"] as? String == "completed", "\(done.text.prefix(300))")
            let config = try #require(done.json["config"] as? [String: Any])
            #expect(config["dataset"] as? String == "sample-ethusd-1h" && config["symbol"] as? String == "ETHUSD")
            #expect(config["from"] as? String == "2023-02-01T00:00:00Z" && config["to"] as? String == "2023-03-01T00:00:00Z")
            #expect(config["timeframe"] as? Int == 14_400 && config["cash"] as? String == "5000.50000000")
            #expect(config["commission"] as? String == "0.001" && config["slippage"] as? String == "0.0005" && config["seed"] as? Int == 42)
            let result = try #require(done.json["result"] as? [String: Any])
            let metrics = try #require(result["metrics"] as? [String: Any])
            #expect(metrics["startEquity"] as? String == "5000.50000000")
            #expect(metrics["barCount"] as? Int == 28 * 24, "February 2023 only, hourly bars")
            #expect((result["equityCurve"] as? [[String: Any]])?.first?["time"] as? String == "2023-02-01T00:00:00Z")
        }
    }

    @Test func hostileValuesAreRefusedNamingTheField() async throws {
        let fixture = try await GatewayFixture()
        try await fixture.run { api in
            let alice = try await api.signUp("alice")
            let id = try await Self.strategy(api, token: alice.access)
            let cases: [([String: Any], String)] = [
                (["cash": "-5"], "cash"), (["cash": "0"], "cash"), (["cash": "1e9"], "cash"), (["cash": "NaN"], "cash"),
                (["cash": "99999999999999999999999"], "cash"), (["cash": 100], "cash"),
                (["commission": "-0.001"], "commission"), (["commission": "2"], "commission"), (["commission": "abc"], "commission"),
                (["commission": "0.0000001"], "commission"), (["slippage": "Infinity"], "slippage"), (["slippage": 0.1], "slippage"),
                (["timeframe": 0], "timeframe"), (["timeframe": 1_000_000], "timeframe"), (["timeframe": 5400], "timeframe"),
                (["timeframe": 1e30], "timeframe"), (["seed": -1], "seed"), (["seed": 1.5], "seed"),
                (["from": "yesterday"], "from"), (["to": "2023-02-30"], "to"),
                (["from": "2023-03-01T00:00:00Z", "to": "2023-02-01T00:00:00Z"], "to"),
                (["from": "2023-02-01T00:00:00Z", "to": "2023-02-01T00:00:00Z"], "to"),
                (["from": "2030-01-01T00:00:00Z"], "from"),
                (["symbol": ""], "symbol"), (["symbol": String(repeating: "A", count: 100)], "symbol"),
            ]
            for (body, field) in cases {
                let reply = try await api.call(.post, "/api/strategies/\(id)/backtest", json: body, token: alice.access)
                #expect(reply.status == 422, "\(body): \(reply.status) \(reply.text)")
                #expect(reply.errorDetails.first?["field"] as? String == field, "\(body): \(reply.text)")
            }
            for dataset in ["nope", "../etc/passwd", "sample-btcusd-1h.csv"] {
                let reply = try await api.call(.post, "/api/strategies/\(id)/backtest", json: ["dataset": dataset], token: alice.access)
                #expect(reply.status == 404 && reply.errorDetails.first?["field"] as? String == "dataset", "\(dataset): \(reply.text)")
            }
            #expect(try await api.call(.get, "/api/backtests", token: alice.access).list.isEmpty, "nothing refused was queued")
        }
    }

    /// `lunar backtest` and the API take the same settings through the same
    /// code (`BacktestSettings`): the same inputs give the same metrics.
    @Test func theCLIAndTheAPIAgree() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("cli-api-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let script = folder.appendingPathComponent("eager.lua")
        try DeploymentRouteTests.eager.write(to: script, atomically: true, encoding: .utf8)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: TestPaths.lunarExecutable)
        process.arguments = ["backtest", script.path, "--data", TestPaths.data("sample-btcusd-1h.csv").path, "--json",
                             "--cash", "5000", "--commission-bps", "10", "--slippage-bps", "5", "--seed", "7"]
        let out = Pipe()
        process.standardOutput = out
        process.standardError = Pipe()
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        let cli = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let keys = ["endEquity", "netProfit", "tradeFees", "tradeCount", "barCount", "sharpe"]
        let cliMetrics = cli["metrics"] as? [String: Any] ?? [:]
        var expected: [String: String] = [:]
        for key in keys { expected[key] = "\(cliMetrics[key] ?? "nil")" }
        expected["dataHash"] = (cli["metadata"] as? [String: Any])?["dataHash"] as? String
        let cliValues = expected

        let fixture = try await GatewayFixture()
        try await fixture.run { api in
            let alice = try await api.signUp("alice")
            let id = try await Self.strategy(api, token: alice.access)
            let body: [String: Any] = ["cash": "5000", "commission": "0.001", "slippage": "0.0005", "seed": 7]
            let job = try await api.call(.post, "/api/strategies/\(id)/backtest", json: body, token: alice.access)
            let done = try await BacktestRestartTests.poll(api, job.json["id"] as? Int ?? 0, token: alice.access)
            let result = try #require(done.json["result"] as? [String: Any])
            let apiMetrics = result["metrics"] as? [String: Any] ?? [:]
            for key in keys { #expect("\(apiMetrics[key] ?? "nil")" == cliValues[key], "\(key)") }
            #expect((result["metadata"] as? [String: Any])?["dataHash"] as? String == cliValues["dataHash"])
        }
    }
}
