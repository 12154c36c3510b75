import Foundation
import Testing
import TestSupport
@testable import Gateway

/// A real `lunar serve` logs each deployment fault once, naming the
/// deployment, its owner and the reason (docs/api.md, "Deployments"): here a
/// strategy that raised on the feed. It starts a whole server
/// (templates validated in workers): it runs in `make test`'s second step,
/// after the parallel suite, whose timing tests it would otherwise starve.
@Suite(.enabled(if: ProcessInfo.processInfo.environment["LUNAR_ALONE"] == "1"))
struct FaultLogTests {
    @Test func eachFaultIsLoggedOnceWithItsDeploymentOwnerAndReason() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("faultlog-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let server = try ServerProcess(directory: directory, extraArguments: [
            "--workers", "1", "--feed", TestPaths.data("sample-btcusd-1h.csv").path, "--feed-speed", "36000"])
        defer { server.stop() }
        do { try await Self.scenario(server) } catch { Issue.record("\(error)\n\(server.diagnosis)") }
    }

    static func scenario(_ server: ServerProcess) async throws {
        let alice = try await server.signIn("alice")
        let strategy = try #require(try await server.call(.post, "/api/strategies", json: ["name": "Boom"], token: alice.token).json["id"] as? Int)
        let version = try await server.call(.post, "/api/strategies/\(strategy)/versions", json: ["source": WebSocketTests.faultsOnBar], token: alice.token)
        let versionID = try #require(version.json["id"] as? Int, "\(version.text)")
        let created = try await server.call(.post, "/api/deployments", json: ["versionId": versionID, "parameters": ["fault_at": 2]], token: alice.token)
        let deployment = try #require(created.json["id"] as? Int, "\(created.text)")
        var status = ""
        for _ in 0..<200 where status != "faulted" {
            status = try await server.call(.get, "/api/deployments/\(deployment)", token: alice.token).json["status"] as? String ?? ""
            try await Task.sleep(for: .milliseconds(50))
        }
        #expect(status == "faulted", "\(server.diagnosis)")
        let log = try String(contentsOfFile: server.logPath, encoding: .utf8)
        let lines = log.split(separator: "\n").filter { $0.contains("boom") }
        #expect(lines.count == 1, "one line per fault:\n\(log)")
        let line = String(lines.first ?? "")
        #expect(line.contains("deployment=\(deployment)") && line.contains("owner=\(alice.id)") && line.contains(" error "), "\(line)")
    }
}

/// A restarted `lunar serve` on the synthetic feed continues market time
/// after the latest it recorded (the feed runs faster than the wall clock):
/// a resumed deployment's equity history never goes back in time. Alone,
/// like the fault log: it starts two servers.
@Suite(.enabled(if: ProcessInfo.processInfo.environment["LUNAR_ALONE"] == "1"))
struct MarketTimeRestartTests {
    @Test func marketTimeContinuesAcrossARestart() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("restart-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let fast = ["--workers", "1", "--feed-speed", "600"]
        let first = try ServerProcess(directory: directory, extraArguments: fast)
        let alice = try await first.signIn("alice")
        let created = try await first.call(.post, "/api/templates/dca/deploy", json: ["parameters": ["every": 1]], token: alice.token)
        let id = try #require(created.json["id"] as? Int, "\(created.text)")
        try await Task.sleep(for: .seconds(3))   // half an hour of market time
        let before = try await Self.lastTime(first, id, alice.token)
        first.stop()
        let second = try ServerProcess(directory: directory, extraArguments: fast)
        defer { second.stop() }
        let again = try await second.signIn("alice", register: false)
        try await Task.sleep(for: .seconds(2))
        let price = try await second.call(.get, "/api/market/BTCUSD/price", token: again.token)
        let marketNow = try #require(APIUnits.parseTime(price.json["time"] as? String ?? ""), "\(price.text)")
        #expect(marketNow > before, "the feed went back: \(APIUnits.time(marketNow)) after \(APIUnits.time(before))\n\(second.diagnosis)")
        let after = try await Self.lastTime(second, id, again.token)
        #expect(after > before, "new samples come after the old ones")
    }

    static func lastTime(_ server: ServerProcess, _ id: Int, _ token: String) async throws -> Int64 {
        let curve = try await server.call(.get, "/api/deployments/\(id)/equity?points=5000", token: token)
        let last = (curve.json["points"] as? [[String: Any]])?.last?["time"] as? String
        return try #require(last.flatMap(APIUnits.parseTime), "\(curve.text.prefix(300))")
    }
}
