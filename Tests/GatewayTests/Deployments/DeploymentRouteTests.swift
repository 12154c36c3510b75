import Foundation
import Host
import Platform
import Testing
import TestSupport
@testable import Gateway

@Suite struct DeploymentRouteTests {
    /// Buys on the first bar and logs every bar: trades at once.
    static let eager = """
        strategy = { name = "eager", params = {} }
        function on_bar(ctx, bar)
          ctx.log("bar " .. bar.close)
          if not ctx.state.bought then
            ctx.buy { quantity = 0.01 }
            ctx.state.bought = true
          end
        end
        """

    /// Uploads `eager` as a new strategy; returns its accepted version's id.
    static func uploadEager(_ api: API, token: String) async throws -> Int {
        let strategy = try #require(try await api.call(.post, "/api/strategies", json: ["name": "Eager"], token: token).json["id"] as? Int)
        let version = try await api.call(.post, "/api/strategies/\(strategy)/versions", json: ["source": eager], token: token)
        return try #require(version.json["id"] as? Int, "\(version.text)")
    }

    /// `feed` on a thread of its own: a long feed (and its drain) must not
    /// hold one of the few Swift concurrency threads every other test's
    /// server and client share.
    static func feedOffPool(_ fixture: GatewayFixture, events: Int) async {
        await offload { feed(fixture, events: events) }
    }

    /// Publishes synthetic bars into the host the way `lunar serve`'s feed does.
    static func feed(_ fixture: GatewayFixture, events: Int) {
        var market = RecordingSource(base: SyntheticMarket(configuration: .init(barSeconds: 2, seed: 7, startTime: fixture.clock.now)), tape: fixture.gateway.tape)
        fixture.host.feed(from: &market, speed: 0, limit: events)
        fixture.host.drain()
    }

    @Test func deployAVersionTradeAndReadItsJournal() async throws {
        let fixture = try await GatewayFixture()
        try await fixture.run { api in
            let alice = try await api.signUp("alice")
            let versionID = try await Self.uploadEager(api, token: alice.access)

            let both = try await api.call(.post, "/api/deployments", json: ["versionId": versionID, "templateId": "x"], token: alice.access)
            #expect(both.status == 422)
            let created = try await api.call(.post, "/api/deployments", json: ["versionId": versionID], token: alice.access)
            #expect(created.status == 201 && created.json["status"] as? String == "running")
            let id = try #require(created.json["id"] as? Int)

            Self.feed(fixture, events: 400)
            let orders = try await api.call(.get, "/api/deployments/\(id)/orders", token: alice.access)
            #expect(orders.status == 200 && !orders.page("orders").isEmpty)
            // The API's units: plain fields, decimal strings, lower-case enums, ISO times.
            let order = try #require(orders.page("orders").last)
            #expect(order["type"] as? String == "market" && order["side"] as? String == "buy" && order["timeInForce"] as? String == "gtc")
            #expect((order["quantity"] as? String)?.contains(".") == true && order["currency"] as? String == "USD")
            #expect((order["createdTime"] as? String)?.hasSuffix("Z") == true && order["sizing"] is String)
            #expect(!orders.text.contains("_0") && !orders.text.contains("\"lots\"") && !orders.text.contains("\"ticks\""))
            let fills = try await api.call(.get, "/api/deployments/\(id)/fills", token: alice.access)
            let fill = try #require(fills.page("fills").first)
            #expect(fill["price"] is String && fill["fee"] is String && fill["orderId"] is Int && fill["id"] is String)
            #expect(try await api.call(.get, "/api/deployments/\(id)/positions", token: alice.access).list.count == 1)
            let performance = try await api.call(.get, "/api/deployments/\(id)/performance", token: alice.access)
            let account = try #require(performance.json["account"] as? [String: Any], "\(performance.text)")
            #expect(account["running"] as? Bool == true && account["equity"] is String && account["unrealizedPnL"] is String)
            let logs = try await api.call(.get, "/api/deployments/\(id)/logs", token: alice.access)
            #expect(logs.page("logs").contains { ($0["message"] as? String ?? "").hasPrefix("bar ") })

            // Cursor pages: newest first, no overlap, the last page has no cursor.
            let first = try await api.call(.get, "/api/deployments/\(id)/logs?limit=2", token: alice.access)
            let cursor = try #require(first.json["nextCursor"] as? String, "\(first.text)")
            let second = try await api.call(.get, "/api/deployments/\(id)/logs?limit=2&cursor=\(cursor)", token: alice.access)
            let sequences = (first.page("logs") + second.page("logs")).compactMap { $0["sequence"] as? Int }
            #expect(sequences.count == 4 && sequences == sequences.sorted(by: >) && Set(sequences).count == 4)
            let wrongList = try await api.call(.get, "/api/deployments/\(id)/fills?cursor=\(cursor)", token: alice.access)
            #expect(wrongList.status == 422 && wrongList.errorDetails.first?["field"] as? String == "cursor")
            let fillCount = try #require(performance.json["fills"] as? Int)
            let all = try await api.call(.get, "/api/deployments/\(id)/fills?limit=500", token: alice.access)
            #expect(all.page("fills").count == min(fillCount, 500) && (fillCount > 500) == (all.json["nextCursor"] != nil))

            let stopped = try await api.call(.post, "/api/deployments/\(id)/stop", token: alice.access)
            #expect(stopped.json["status"] as? String == "stopped" && fixture.host.deploymentCount == 0)
            // A stopped deployment still shows the account it left.
            let stoppedAccount = try #require(stopped.json["account"] as? [String: Any], "\(stopped.text)")
            #expect(stoppedAccount["running"] as? Bool == false && stoppedAccount["cash"] is String)
            #expect((stoppedAccount["positions"] as? [[String: Any]])?.count == 1, "\(stoppedAccount)")
            let afterStop = try await api.call(.get, "/api/deployments/\(id)/positions", token: alice.access)
            #expect(afterStop.list.count == 1 && afterStop.list.first?["unrealizedPnL"] is String)
            #expect(try await api.call(.post, "/api/deployments/\(id)/stop", token: alice.access).status == 409)
            let updated = try await api.call(.put, "/api/deployments/\(id)", json: ["risk": ["maxOpenOrders": 3]], token: alice.access)
            #expect(updated.status == 200 && (updated.json["risk"] as? [String: Any])?["maxOpenOrders"] as? Int == 3)
            #expect(try await api.call(.put, "/api/deployments/\(id)", json: ["parameters": ["nope": 1]], token: alice.access).status == 422)
            let restarted = try await api.call(.post, "/api/deployments/\(id)/start", token: alice.access)
            #expect(restarted.json["status"] as? String == "running" && fixture.host.deploymentCount == 1)
            #expect(try await api.call(.put, "/api/deployments/\(id)", json: ["risk": [:]], token: alice.access).status == 409)
            #expect(try await api.call(.delete, "/api/deployments/\(id)", token: alice.access).status == 409)
            _ = try await api.call(.post, "/api/deployments/\(id)/stop", token: alice.access)
            #expect(try await api.call(.delete, "/api/deployments/\(id)", token: alice.access).status == 204)
            #expect(try await api.call(.get, "/api/deployments/\(id)", token: alice.access).status == 404)
        }
    }

    /// What a deployment trades is chosen at deploy time and shown; the
    /// default is one symbol, never every symbol of the feed; the gate's
    /// effective limits (defaults included) are shown too.
    @Test func symbolsTimeframeAndEffectiveLimits() async throws {
        let fixture = try await GatewayFixture()
        try await fixture.run { api in
            let alice = try await api.signUp("alice")
            let versionID = try await Self.uploadEager(api, token: alice.access)

            let plain = try await api.call(.post, "/api/deployments", json: ["versionId": versionID, "start": false], token: alice.access)
            #expect(plain.status == 201)
            #expect(plain.json["symbols"] as? [String] == ["BTCUSD"], "\(plain.text)")
            #expect(plain.json["timeframe"] as? Int == 60)
            let effective = try #require(plain.json["effectiveRisk"] as? [String: Any])
            #expect(effective["accountType"] as? String == "margin" && effective["maxLeverage"] as? Double == 1)
            #expect(effective["maxOpenOrders"] as? Int == 500)

            let chosen = try await api.call(.post, "/api/deployments", json: [
                "versionId": versionID, "start": false, "symbols": ["ETHUSD", "SOLUSD"], "timeframe": 300,
                "risk": ["accountType": "cash", "maxOpenOrders": 7]], token: alice.access)
            #expect(chosen.status == 201, "\(chosen.text)")
            #expect(chosen.json["symbols"] as? [String] == ["ETHUSD", "SOLUSD"] && chosen.json["timeframe"] as? Int == 300)
            let chosenRisk = try #require(chosen.json["effectiveRisk"] as? [String: Any])
            #expect(chosenRisk["accountType"] as? String == "cash" && chosenRisk["maxOpenOrders"] as? Int == 7)

            let unknown = try await api.call(.post, "/api/deployments", json: ["versionId": versionID, "symbols": ["BTCUSD", "NOPE"]],
                                             token: alice.access)
            #expect(unknown.status == 422 && unknown.text.contains("symbols[1]") && unknown.text.contains("ETHUSD"), "\(unknown.text)")
            let odd = try await api.call(.post, "/api/deployments", json: ["versionId": versionID, "timeframe": 90], token: alice.access)
            #expect(odd.status == 422 && odd.text.contains("timeframe"), "\(odd.text)")
            let leverage = try await api.call(.post, "/api/deployments", json: ["versionId": versionID, "risk": ["maxLeverage": 1000]],
                                              token: alice.access)
            #expect(leverage.status == 422 && leverage.text.contains("maxLeverage"), "\(leverage.text)")
        }
    }

    @Test func deployATemplateWithCheckedParameters() async throws {
        let fixture = try await GatewayFixture()
        _ = try fixture.store.loadTemplates(from: TestPaths.root.appendingPathComponent("templates"),
                                            strategiesDirectory: TestPaths.root.appendingPathComponent("strategies"))
        let template = try #require(try fixture.store.templates().first)
        try await fixture.run { api in
            let bob = try await api.signUp("bob")
            let bad = try await api.call(.post, "/api/templates/\(template.id)/deploy", json: ["parameters": ["no_such_parameter": 1]], token: bob.access)
            #expect(bad.status == 422)
            let two = try await api.call(.post, "/api/templates/sma_crossover/deploy", json: ["parameters": ["fast": 1e308, "slow": -5]], token: bob.access)
            #expect(two.status == 422 && two.errorCode == "invalid_input"
                    && two.errorDetails.compactMap { $0["field"] as? String } == ["parameters.fast", "parameters.slow"], "\(two.text)")
            let ok = try await api.call(.post, "/api/templates/\(template.id)/deploy", json: ["start": false], token: bob.access)
            #expect(ok.status == 201 && ok.json["status"] as? String == "stopped" && ok.json["sourceKind"] as? String == "template")
        }
    }

    @Test func otherUsersCannotSeeOrTouchWhatIsNotTheirs() async throws {
        let fixture = try await GatewayFixture()
        try await fixture.run { api in
            let alice = try await api.signUp("alice")
            let bob = try await api.signUp("bob")
            let strategy = try #require(try await api.call(.post, "/api/strategies", json: ["name": "Mine"], token: alice.access).json["id"] as? Int)
            let version = try #require(try await api.call(.post, "/api/strategies/\(strategy)/versions", json: ["source": Self.eager],
                                                          token: alice.access).json["id"] as? Int)
            let deployment = try #require(try await api.call(.post, "/api/deployments", json: ["versionId": version, "start": false],
                                                             token: alice.access).json["id"] as? Int)
            let job = try #require(try await api.call(.post, "/api/strategies/\(strategy)/backtest", json: [:], token: alice.access).json["id"] as? Int)

            for (method, path) in [("GET", "/api/strategies/\(strategy)"), ("GET", "/api/strategies/\(strategy)/versions"),
                                   ("POST", "/api/strategies/\(strategy)/versions"), ("GET", "/api/strategies/\(strategy)/versions/\(version)/source"),
                                   ("POST", "/api/strategies/\(strategy)/backtest"), ("GET", "/api/backtests/\(job)"),
                                   ("GET", "/api/deployments/\(deployment)"), ("POST", "/api/deployments/\(deployment)/start"),
                                   ("POST", "/api/deployments/\(deployment)/stop"), ("GET", "/api/deployments/\(deployment)/orders"),
                                   ("GET", "/api/deployments/\(deployment)/fills"), ("GET", "/api/deployments/\(deployment)/logs"),
                                   ("DELETE", "/api/deployments/\(deployment)")] {
                let reply = try await api.call(method == "GET" ? .get : method == "DELETE" ? .delete : .post, path, json: method == "POST" ? ["source": Self.eager] : nil,
                                               token: bob.access)
                #expect(reply.status == 404 || reply.status == 422, "\(method) \(path) gave \(reply.status)")
                #expect(reply.status != 200 && reply.status != 201)
            }
            // Bob deploying Alice's private version: not his to deploy.
            let stolen = try await api.call(.post, "/api/deployments", json: ["versionId": version], token: bob.access)
            #expect(stolen.status == 404 || stolen.status == 403)
            #expect(try await api.call(.get, "/api/deployments", token: bob.access).list.isEmpty)
            #expect(try await api.call(.get, "/api/backtests", token: bob.access).list.isEmpty)
        }
    }

    @Test func marketDataAndEmergencyStop() async throws {
        let fixture = try await GatewayFixture()
        Self.feed(fixture, events: 300)
        try await fixture.run { api in
            let alice = try await api.signUp("alice")
            let instruments = try await api.call(.get, "/api/market/instruments", token: alice.access)
            #expect(instruments.list.map { $0["symbol"] as? String }.contains("BTCUSD"))
            let price = try await api.call(.get, "/api/market/BTCUSD/price", token: alice.access)
            #expect(Double(price.json["price"] as? String ?? "") ?? 0 > 0 && (price.json["time"] as? String)?.hasSuffix("Z") == true)
            let candles = try await api.call(.get, "/api/market/BTCUSD/candles?limit=5", token: alice.access)
            #expect((candles.json["candles"] as? [Any])?.count == 5)
            #expect(try await api.call(.get, "/api/market/BTCUSD/candles?limit=100000", token: alice.access).status == 422)
            #expect(try await api.call(.get, "/api/market/NOPE/price", token: alice.access).status == 404)
            _ = try await api.call(.get, "/api/market/BTCUSD/book", token: alice.access)

            let stop = try await api.call(.post, "/api/risk/emergency-stop", json: ["reason": "fat finger"], token: alice.access)
            #expect(stop.status == 200 && stop.json["ownEmergencyStop"] as? Bool == true)
            #expect(try await api.call(.post, "/api/risk/emergency-stop", json: ["scope": "global"], token: alice.access).status == 403)
            let released = try await api.call(.delete, "/api/risk/emergency-stop", token: alice.access)
            #expect(released.json["ownEmergencyStop"] as? Bool == false)
            #expect(try await api.call(.get, "/api/risk/status", token: alice.access).status == 200)
            let limits = try await api.call(.put, "/api/risk/limits", json: ["limits": ["maxOpenOrders": 2]], token: alice.access)
            #expect((limits.json["limits"] as? [String: Any])?["maxOpenOrders"] as? Int == 2)
            #expect(try await api.call(.put, "/api/risk/limits", json: ["limits": ["maxOpenOrders": 2], "owner": 1], token: alice.access).status == 422)
            #expect((try await api.call(.get, "/api/risk/limits", token: alice.access).json["limits"] as? [String: Any])?["maxOpenOrders"] as? Int == 2)
        }
    }
}
