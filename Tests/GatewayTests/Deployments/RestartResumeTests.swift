import Foundation
import Host
import Marketplace
import Platform
import Testing
import TestSupport
@testable import Gateway

/// A server shut down gracefully and started again on the same database
/// resumes each running deployment with its account: positions, cash,
/// working orders and the order counter.
@Suite struct RestartResumeTests {
    /// Buys on its first bar and rests a limit far below the market; then a
    /// small buy every 10 bars, so orders keep coming after the restart.
    static let strategy = """
        strategy = { name = "rester", params = {} }
        function on_bar(ctx, bar)
          ctx.state.bars = (ctx.state.bars or 0) + 1
          if ctx.state.bars == 1 then
            ctx.buy { quantity = 0.05 }
            ctx.buy { quantity = 0.01, price = bar.close * 0.5, tif = "GTC", tag = "resting" }
          elseif ctx.state.bars % 10 == 0 then
            ctx.buy { quantity = 0.01 }
          end
        end
        """

    /// Publishes synthetic bars from `start` into the fixture's host, as the feed does.
    static func feed(_ fixture: GatewayFixture, from start: Int64, events: Int) {
        var market = RecordingSource(base: SyntheticMarket(configuration: .init(barSeconds: 2, seed: 7, startTime: start)),
                                     tape: fixture.gateway.tape)
        fixture.host.feed(from: &market, speed: 0, limit: events)
        fixture.host.drain()
    }

    /// JSON with sorted keys, so two replies compare by value.
    static func canonical(_ value: Any) -> String {
        (try? JSONSerialization.data(withJSONObject: value, options: .sortedKeys)).map { String(decoding: $0, as: UTF8.self) } ?? ""
    }

    struct Account: Sendable {
        var id: Int
        var positions: String
        var performance: [String: String]
        /// Order id → its journaled body, canonical.
        var orders: [Int: String]
    }

    static func account(_ api: API, _ id: Int, _ token: String) async throws -> Account {
        let positions = try await api.call(.get, "/api/deployments/\(id)/positions", token: token)
        let performance = try await api.call(.get, "/api/deployments/\(id)/performance", token: token).json["account"] as? [String: Any] ?? [:]
        let orders = try await api.call(.get, "/api/deployments/\(id)/orders?limit=500", token: token).page("orders")
        var byID: [Int: String] = [:]
        for order in orders { byID[order["id"] as? Int ?? -1] = canonical(order) }
        #expect(byID.count == orders.count, "every journaled order has its own id")
        return Account(id: id, positions: canonical(positions.list),
                       performance: performance.compactMapValues { value in (value as? String) ?? (value as? Int).map(String.init) },
                       orders: byID)
    }

    /// Uploads the strategy and deploys it (started); returns the deployment id.
    static func deploy(_ api: API, _ token: String) async throws -> Int {
        let strategy = try #require(try await api.call(.post, "/api/strategies", json: ["name": "Rester"], token: token).json["id"] as? Int)
        let version = try await api.call(.post, "/api/strategies/\(strategy)/versions", json: ["source": Self.strategy], token: token)
        let versionID = try #require(version.json["id"] as? Int, "\(version.text)")
        let created = try await api.call(.post, "/api/deployments", json: ["versionId": versionID], token: token)
        #expect(created.status == 201 && created.json["status"] as? String == "running", "\(created.text)")
        return try #require(created.json["id"] as? Int)
    }

    @Test func aGracefulRestartResumesTheAccountAndOrderIDsContinue() async throws {
        let first = try await GatewayFixture()
        let start = first.clock.now
        let before = try await first.run { api in
            let alice = try await api.signUp("alice")
            let id = try await Self.deploy(api, alice.access)
            Self.feed(first, from: start, events: 400)
            return try await Self.account(api, id, alice.access)
        }
        #expect(before.positions != "[]", "the first bar's buy filled: \(before.positions)")
        #expect(before.orders.values.contains { $0.contains("\"resting\"") && $0.contains("\"accepted\"") }, "\(before.orders)")

        first.gateway.shutDown()   // what `lunar serve` does on SIGTERM, after the server stops
        #expect(first.host.deploymentCount == 0)
        first.ownsDirectory = false

        let second = try await GatewayFixture(directory: first.directory)
        #expect(try await second.gateway.resumeDeployments() == 1)
        try await second.run { api in
            let alice = try await api.signIn("alice")
            let resumed = try await Self.account(api, before.id, alice.access)
            #expect(resumed.positions == before.positions)
            for key in ["cash", "equity", "realizedPnL", "fees", "fills", "orders"] {
                #expect(resumed.performance[key] == before.performance[key], "\(key)")
            }
            #expect(resumed.orders == before.orders)
            let view = try await api.call(.get, "/api/deployments/\(before.id)", token: alice.access).json
            #expect((view["account"] as? [String: Any])?["openOrders"] as? Int == 1, "the resting limit works again: \(view)")

            Self.feed(second, from: start + 10_000, events: 400)
            let later = try await Self.account(api, before.id, alice.access)
            let newIDs = Set(later.orders.keys).subtracting(before.orders.keys)
            #expect(!newIDs.isEmpty, "the strategy traded after the restart")
            #expect(newIDs.min()! > before.orders.keys.max()!, "order ids continue after the restart, none reused")
            for (id, body) in before.orders where !body.contains("\"resting\"") {
                #expect(later.orders[id] == body, "order \(id) was not overwritten by a new order with its id")
            }
        }
    }

    @Test func theCheckpointIsSavedWithinASecondWithoutAShutdown() async throws {
        let fixture = try await GatewayFixture()
        let start = fixture.clock.now
        let id = try await fixture.run { api in
            let alice = try await api.signUp("alice")
            return try await Self.deploy(api, alice.access)
        }
        Self.feed(fixture, from: start, events: 200)
        let live = try #require(fixture.host.checkpoint(Platform.hostID(DeploymentID(Int64(id)))))
        #expect(!live.portfolio.openPositions.isEmpty)
        // What a hard kill now would leave: the last periodic save.
        var saved: HostCheckpoint?
        for _ in 0..<40 where saved != live {
            try await Task.sleep(for: .milliseconds(100))
            saved = try fixture.store.hostCheckpoint(of: DeploymentID(Int64(id)))
                .map { try JSONDecoder().decode(HostCheckpoint.self, from: $0) }
        }
        #expect(saved == live, "saved within the interval (1 s) after the last change")
    }

    @Test func aCheckpointThatCannotBeRestoredFaultsTheDeploymentInsteadOfAFreshAccount() async throws {
        let first = try await GatewayFixture()
        let start = first.clock.now
        let id = try await first.run { api in
            let alice = try await api.signUp("alice")
            let id = try await Self.deploy(api, alice.access)
            Self.feed(first, from: start, events: 100)
            return id
        }
        first.gateway.shutDown()
        first.ownsDirectory = false
        try first.store.saveHostCheckpoint(Data("{\"not\":\"a checkpoint\"}".utf8), for: DeploymentID(Int64(id)))

        let second = try await GatewayFixture(directory: first.directory)
        #expect(try await second.gateway.resumeDeployments() == 0)
        #expect(second.host.deploymentCount == 0)
        try await second.run { api in
            let alice = try await api.signIn("alice")
            let view = try await api.call(.get, "/api/deployments/\(id)", token: alice.access).json
            #expect(view["status"] as? String == "faulted")
            #expect((view["statusReason"] as? String ?? "").hasPrefix("restore failed: "), "\(view)")
        }
    }

    @Test func aStopAndAStartContinueTheSameAccount() async throws {
        let fixture = try await GatewayFixture()
        let start = fixture.clock.now
        try await fixture.run { api in
            let alice = try await api.signUp("alice")
            let id = try await Self.deploy(api, alice.access)
            Self.feed(fixture, from: start, events: 200)
            let running = try await Self.account(api, id, alice.access)
            #expect(try await api.call(.post, "/api/deployments/\(id)/stop", token: alice.access).status == 200)
            #expect(try await api.call(.post, "/api/deployments/\(id)/start", token: alice.access).status == 200)
            let restarted = try await Self.account(api, id, alice.access)
            #expect(restarted.positions == running.positions)
            #expect(restarted.performance["cash"] == running.performance["cash"])
            Self.feed(fixture, from: start + 10_000, events: 200)
            let later = try await Self.account(api, id, alice.access)
            let newIDs = Set(later.orders.keys).subtracting(running.orders.keys)
            #expect(!newIDs.isEmpty && newIDs.min()! > running.orders.keys.max()!, "order ids continue after a stop and start")
        }
    }
}
