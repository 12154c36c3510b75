import Foundation
import Host
import Testing
import TestSupport
@testable import Gateway

/// Manual trading over real HTTP on a running deployment's paper account.
@Suite struct ManualOrderRouteTests {
    /// Trades nothing on its own.
    static let passive = """
        strategy = { name = "passive", params = {} }
        function on_bar(ctx, bar) end
        """

    /// Alice's running deployment of the passive strategy with `risk`, after
    /// some market data (so there are prices).
    static func deploy(_ fixture: GatewayFixture, _ api: API, token: String, risk: [String: Any] = [:]) async throws -> Int {
        let strategy = try #require(try await api.call(.post, "/api/strategies", json: ["name": "Passive"], token: token).json["id"] as? Int)
        let version = try await api.call(.post, "/api/strategies/\(strategy)/versions", json: ["source": Self.passive], token: token)
        let versionID = try #require(version.json["id"] as? Int, "\(version.text)")
        let created = try await api.call(.post, "/api/deployments", json: ["versionId": versionID, "risk": risk], token: token)
        let id = try #require(created.json["id"] as? Int, "\(created.text)")
        Self.feed(fixture, events: 60)
        return id
    }

    /// Market data after what was fed before: the synthetic feed restarts
    /// at the fixture's clock, and the exchange fills an order only on events
    /// after it was placed.
    static func feed(_ fixture: GatewayFixture, events: Int) {
        fixture.clock.advance(60)
        DeploymentRouteTests.feed(fixture, events: events)
    }

    static func limitBuy(_ price: Double, quantity: Double = 0.1) -> [String: Any] {
        ["symbol": "BTCUSD", "side": "buy", "type": "limit", "quantity": String(quantity), "price": String(price)]
    }

    static func openOrders(_ api: API, _ id: Int, _ token: String) async throws -> Int? {
        let deployment = try await api.call(.get, "/api/deployments/\(id)", token: token)
        return (deployment.json["account"] as? [String: Any])?["openOrders"] as? Int
    }

    @Test func placeModifyCancelBulkCloseAndSquareOff() async throws {
        let fixture = try await GatewayFixture()
        try await fixture.run { api in
            let alice = try await api.signUp("alice").access
            let id = try await Self.deploy(fixture, api, token: alice, risk: ["maxOpenOrders": 3])
            let base = "/api/deployments/\(id)"

            let market = try await api.call(.post, "\(base)/orders", json: ["symbol": "BTCUSD", "side": "buy", "quantity": "0.5"], token: alice)
            #expect(market.status == 201, "\(market.text)")
            let placed = try #require((market.json["orders"] as? [[String: Any]])?.first)
            #expect(placed["status"] as? String == "accepted" && placed["tag"] as? String == "manual")
            Self.feed(fixture, events: 30)
            let positions = try await api.call(.get, "\(base)/positions", token: alice).list
            #expect(positions.count == 1 && positions.first?["symbol"] as? String == "BTCUSD")

            let limit = try await api.call(.post, "\(base)/orders", json: Self.limitBuy(10), token: alice)
            let limitID = try #require((limit.json["orders"] as? [[String: Any]])?.first?["id"] as? Int, "\(limit.text)")
            let modified = try await api.call(.put, "\(base)/orders/\(limitID)", json: ["price": "12", "quantity": "0.2"], token: alice)
            #expect(modified.status == 200 && (modified.json["orders"] as? [[String: Any]])?.first?["id"] as? Int == limitID, "\(modified.text)")
            #expect(try await api.call(.put, "\(base)/orders/\(limitID)", json: [:], token: alice).status == 422)

            // Three more would make four open orders; the limit is three: nothing is sent.
            let tooMany = try await api.call(.post, "\(base)/orders/bulk", json: ["legs": [Self.limitBuy(10), Self.limitBuy(11), Self.limitBuy(12)]], token: alice)
            #expect(tooMany.status == 422)
            let error = try #require(tooMany.json["error"] as? [String: Any])
            #expect(error["code"] as? String == "order_rejected")
            #expect((error["message"] as? String ?? "").hasPrefix("leg 3 (buy BTCUSD)"), "\(tooMany.text)")
            #expect(try await Self.openOrders(api, id, alice) == 1, "no leg of the refused bulk order was sent")
            let two = try await api.call(.post, "\(base)/orders/bulk", json: ["legs": [Self.limitBuy(10), Self.limitBuy(11)]], token: alice)
            #expect(two.status == 201 && (two.json["orders"] as? [[String: Any]])?.count == 2, "\(two.text)")
            let refused = try await api.call(.post, "\(base)/orders", json: Self.limitBuy(10), token: alice)
            #expect(refused.status == 422)
            let detail = try #require(((refused.json["error"] as? [String: Any])?["details"] as? [[String: Any]])?.first)
            #expect((detail["issue"] as? String ?? "").hasPrefix("maxOpenOrders"), "\(refused.text)")

            let canceled = try await api.call(.delete, "\(base)/orders/\(limitID)", token: alice)
            #expect((canceled.json["orders"] as? [[String: Any]])?.first?["status"] as? String == "canceled", "\(canceled.text)")
            #expect(try await api.call(.delete, "\(base)/orders/\(limitID)", token: alice).status == 404)

            let close = try await api.call(.post, "\(base)/positions/BTCUSD/close", token: alice)
            #expect(close.status == 200, "\(close.text)")
            Self.feed(fixture, events: 30)
            #expect(try await api.call(.get, "\(base)/positions", token: alice).list.isEmpty)
            #expect(try await api.call(.post, "\(base)/positions/BTCUSD/close", token: alice).status == 404)

            let squared = try await api.call(.post, "\(base)/square-off", token: alice)
            #expect(squared.status == 200 && (squared.json["orders"] as? [[String: Any]])?.count == 2, "\(squared.text)")
            #expect(try await Self.openOrders(api, id, alice) == 0)

            let journal = try await api.call(.get, "\(base)/orders", token: alice).page("orders")
            #expect(journal.contains { $0["status"] as? String == "rejected" }, "the refused single order is journaled")
        }
    }

    @Test func badOrdersNameTheField() async throws {
        let fixture = try await GatewayFixture()
        try await fixture.run { api in
            let alice = try await api.signUp("alice").access
            let id = try await Self.deploy(fixture, api, token: alice)
            let path = "/api/deployments/\(id)/orders"
            func field(_ body: [String: Any], _ route: String = path) async throws -> String? {
                let reply = try await api.call(.post, route, json: body, token: alice)
                #expect(reply.status == 422, "\(reply.text)")
                return (((reply.json["error"] as? [String: Any])?["details"] as? [[String: Any]])?.first)?["field"] as? String
            }
            #expect(try await field(["symbol": "BTCUSD", "side": "buy", "type": "limit", "quantity": "1"]) == "price")
            #expect(try await field(["symbol": "BTCUSD", "side": "buy", "quantity": "1", "notional": "100"]) == "quantity")
            #expect(try await field(["symbol": "BTCUSD", "side": "hold", "quantity": "1"]) == "side")
            #expect(try await field(["symbol": "BTCUSD", "side": "buy", "quantity": -1]) == "quantity")
            #expect(try await field(["symbol": "BTCUSD", "side": "buy", "quantity": "1", "takeProfit": "10", "stopLoss": "20"]) == "takeProfit")
            #expect(try await field(["symbol": "BTCUSD", "side": "buy", "quantity": "1", "owner": 2]) == "owner")
            #expect(try await field(["legs": [["symbol": "BTCUSD", "side": "buy", "quantity": "1", "status": "filled"]]], "\(path)/bulk") == "legs[0].status")
            #expect(try await field(["legs": [["symbol": "BTCUSD", "side": "buy", "type": "stop", "quantity": "1"]]], "\(path)/bulk") == "legs[0].trigger")
            #expect(try await field(["legs": []], "\(path)/bulk") == "legs")
            let unknownSymbol = try await api.call(.post, path, json: ["symbol": "NOPE", "side": "buy", "quantity": "1"], token: alice)
            #expect(unknownSymbol.status == 422 && unknownSymbol.text.contains("unknownSymbol"), "\(unknownSymbol.text)")
        }
    }

    @Test func onlyTheOwnerTradesAndOnlyWhileRunning() async throws {
        let fixture = try await GatewayFixture()
        try await fixture.run { api in
            let root = try await MarketplaceRouteTests.admin(fixture, api)
            let alice = try await api.signUp("alice").access
            let bob = try await api.signUp("bob").access
            let id = try await Self.deploy(fixture, api, token: alice)
            let order: [String: Any] = ["symbol": "BTCUSD", "side": "buy", "quantity": "0.1"]
            #expect(try await api.call(.post, "/api/deployments/\(id)/orders", json: order, token: bob).status == 404)
            #expect(try await api.call(.post, "/api/deployments/\(id)/square-off", token: bob).status == 404)
            #expect(try await api.call(.post, "/api/deployments/\(id)/orders", json: order, token: root).status == 404,
                    "a moderator reads deployments but never trades in them")
            #expect(try await api.call(.post, "/api/deployments/\(id)/orders", json: order).status == 401)
            _ = try await api.call(.post, "/api/deployments/\(id)/stop", token: alice)
            let stopped = try await api.call(.post, "/api/deployments/\(id)/orders", json: order, token: alice)
            #expect(stopped.status == 409 && stopped.text.contains("deployment_not_running"), "\(stopped.text)")
        }
    }

    @Test func manualOrdersWorkInWorkerMode() async throws {
        let fixture = try await GatewayFixture(hostMode: .isolated(IsolationConfiguration(executablePath: TestPaths.lunarExecutable, workers: 1)))
        try await fixture.run { api in
            let alice = try await api.signUp("alice").access
            let id = try await Self.deploy(fixture, api, token: alice)
            let placed = try await api.call(.post, "/api/deployments/\(id)/orders",
                                            json: ["symbol": "BTCUSD", "side": "buy", "quantity": "0.3", "takeProfit": "1000000", "stopLoss": "1"],
                                            token: alice)
            #expect(placed.status == 201 && (placed.json["orders"] as? [[String: Any]])?.count == 3, "\(placed.text)")
            Self.feed(fixture, events: 30)
            #expect(try await api.call(.get, "/api/deployments/\(id)/positions", token: alice).list.count == 1)
            #expect(try await Self.openOrders(api, id, alice) == 2, "take-profit and stop-loss work")
            #expect(try await api.call(.post, "/api/deployments/\(id)/square-off", token: alice).status == 200)
            Self.feed(fixture, events: 30)
            #expect(try await api.call(.get, "/api/deployments/\(id)/positions", token: alice).list.isEmpty)
        }
    }
}
