import Foundation
import Host
import Platform
import Sandbox
import Testing
import TestSupport
@testable import Marketplace

/// The crash test of the issue: 200 deployments trading on worker
/// processes in a real `lunar serve`, the server SIGKILLed at a random
/// moment, then restarted on the same database:
/// - every fill a client read before the kill is in the journal, each once;
/// - each deployment's saved account agrees with its journal exactly (fill
///   count, position per symbol, cash = start − buys + sells − fees);
/// - no order id the restored account will hand out again is in the journal;
/// - the kill switch and the ban engaged before the kill still hold.
///
/// It runs on its own (`make test` runs it after the rest, with
/// `LUNAR_ALONE=1`): a 200-deployment server beside the whole parallel
/// suite would starve both on a 2-core machine.
@Suite(.serialized, .enabled(if: ProcessInfo.processInfo.environment["LUNAR_ALONE"] == "1"))
struct CrashRestartTests {
    static let users = 20
    static let perUser = 10

    @Test func aHardKillLosesNothingAcknowledgedAndTheAccountsAgreeWithTheJournal() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("crash-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        var servers: [ServerProcess] = []
        do {
            try await Self.scenario(directory) { servers.append($0) }
            for server in servers { Self.note(server.diagnosis) }
        } catch {
            Issue.record("\(error)\n\(servers.map(\.diagnosis).joined(separator: "\n"))")
        }
    }

    static func scenario(_ directory: URL, onStart: (ServerProcess) -> Void) async throws {
        // The bundled hourly bars at ten a second: bars only, one symbol, so
        // 200 deployments trade steadily on a 2-core machine in a debug build.
        let arguments = ["--workers", "2", "--feed", TestPaths.data("sample-btcusd-1h.csv").path, "--feed-speed", "36000"]
        let first = try ServerProcess(directory: directory, extraArguments: arguments)
        onStart(first)
        let admin = try await first.signIn("root", register: false, password: "root-password-123")

        // 20 users × 10 deployments of the DCA template, buying every bar.
        var tokens: [String] = []
        var userIDs: [Int] = []
        var deployments: [[Int]] = []
        for index in 0..<Self.users {
            let user = try await first.signIn("trader\(index)")
            tokens.append(user.token)
            userIDs.append(user.id)
            var mine: [Int] = []
            for _ in 0..<Self.perUser {
                let created = try await first.call(.post, "/api/templates/dca/deploy",
                                                   json: ["parameters": ["every": 1, "amount": 200, "boost_below_sma": 0]], token: user.token)
                mine.append(try #require(created.json["id"] as? Int, "\(created.text)"))
            }
            deployments.append(mine)
        }
        Self.note("created \(deployments.count * Self.perUser) deployments")
        // Before the kill: trader0 engages their emergency stop (halt), trader1 is banned.
        let stop = try await first.call(.post, "/api/risk/emergency-stop", json: ["level": "halt"], token: tokens[0])
        #expect(stop.status == 200, "\(stop.text)")
        let ban = try await first.call(.post, "/api/admin/users/\(userIDs[1])/ban", json: ["reason": "soak test"], token: admin.token)
        #expect(ban.status == 200, "\(ban.text)")

        // Trade for a random while, reading fills as a client would: what a client read is acknowledged.
        var acknowledged: [Int: Set<String>] = [:]
        let tradingFor = Double.random(in: 3...6)
        let started = Date()
        var round = 0
        while Date().timeIntervalSince(started) < tradingFor {
            let user = 2 + round % (Self.users - 2)
            let id = deployments[user][round % Self.perUser]
            let reply = try await first.call(.get, "/api/deployments/\(id)/fills?limit=500", token: tokens[user])
            let page = try #require(try JSONSerialization.jsonObject(with: Data(reply.text.utf8)) as? [String: Any], "\(reply.text)")
            let fills = (page["fills"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? String }
            acknowledged[id, default: []].formUnion(fills)
            round += 1
        }
        Self.note("killing after \(round) reads")
        first.kill9()
        #expect(acknowledged.values.map(\.count).reduce(0, +) > 0, "the deployments traded before the kill")

        // The database as the kill left it.
        let validator = try SandboxValidator(sampleCSV: TestPaths.data("sample-btcusd-1h.csv"), barLimit: 300)
        let store = try MarketplaceStore(.init(path: directory.appendingPathComponent("lunar.sqlite").path, validator: validator))
        var journaledFills = 0
        for id in deployments.flatMap({ $0 }) {
            let journal = try store.journal(of: DeploymentID(Int64(id)))
            let fills = try journal.fills.map { try JSONDecoder().decode(Fill.self, from: $0.body) }
            journaledFills += fills.count
            #expect(Set(journal.fills.map(\.id)).count == fills.count, "deployment \(id): each fill once")
            #expect(acknowledged[id, default: []].isSubset(of: Set(journal.fills.map(\.id))), "deployment \(id): every acknowledged fill is journaled")
            guard let body = try store.hostCheckpoint(of: DeploymentID(Int64(id))) else {
                #expect(fills.isEmpty, "deployment \(id): fills without a saved account")
                continue
            }
            let checkpoint = try JSONDecoder().decode(HostCheckpoint.self, from: body)
            #expect(checkpoint.fillCount == fills.count, "deployment \(id): account has \(checkpoint.fillCount) fills, journal \(fills.count)")
            var cash = checkpoint.portfolio.initialCash
            var quantities: [String: Quantity] = [:]
            for fill in fills {
                cash = fill.side == .buy ? cash - fill.notional : cash + fill.notional
                cash -= fill.fee
                quantities[fill.symbol, default: Quantity(lots: 0)] += fill.side == .buy ? fill.quantity : Quantity(lots: -fill.quantity.lots)
            }
            #expect(cash == checkpoint.portfolio.cash, "deployment \(id): cash \(checkpoint.portfolio.cash) vs journal \(cash)")
            for position in checkpoint.portfolio.positions {
                #expect(position.quantity == quantities[position.symbol] ?? Quantity(lots: 0), "deployment \(id): \(position.symbol)")
            }
            let highestOrder = journal.orders.compactMap { Int64($0.id) }.max() ?? 0
            #expect(highestOrder < Int64(checkpoint.nextOrderID), "deployment \(id): journaled order \(highestOrder) ≥ next id \(checkpoint.nextOrderID)")
        }
        #expect(journaledFills > 0)

        Self.note("checked the journal: \(journaledFills) fills")
        // The restart: switches and bans hold; the others trade on.
        let second = try ServerProcess(directory: directory, extraArguments: arguments)
        onStart(second)
        defer { second.stop() }
        let ready = try await second.call(.get, "/api/health/ready")
        #expect(ready.json["deployments"] as? Int == (Self.users - 1) * Self.perUser, "\(ready.text)")
        let status = try await second.call(.get, "/api/risk/status", token: try await second.signIn("trader0", register: false).token)
        #expect(status.json["ownEmergencyStop"] as? Bool == true, "\(status.text)")
        let bannedLogin = try await second.call(.post, "/api/auth/login", json: ["login": "trader1", "password": "correct-horse-42"])
        #expect(bannedLogin.status == 403, "\(bannedLogin.text)")
        let rootToken = try await second.signIn("root", register: false, password: "root-password-123").token
        for id in deployments[1] {
            let row = try await second.call(.get, "/api/deployments/\(id)", token: rootToken)
            #expect(row.json["status"] as? String == "stopped", "banned user's deployment \(id): \(row.text)")
        }
        let haltedBefore = try await Self.fillCounts(second, deployments[0], token: rootToken)
        try await Task.sleep(for: .seconds(2))
        #expect(try await Self.fillCounts(second, deployments[0], token: rootToken) == haltedBefore, "the emergency stop still halts trader0")
    }

    static func note(_ text: String) { FileHandle.standardError.write(Data("[crash test \(Date())] \(text)\n".utf8)) }

    static func fillCounts(_ server: ServerProcess, _ ids: [Int], token: String) async throws -> [Int] {
        var counts: [Int] = []
        for id in ids {
            let performance = try await server.call(.get, "/api/deployments/\(id)/performance", token: token)
            counts.append(try #require((try JSONSerialization.jsonObject(with: Data(performance.text.utf8)) as? [String: Any])?["fills"] as? Int,
                                       "\(performance.text)"))
        }
        return counts
    }
}
