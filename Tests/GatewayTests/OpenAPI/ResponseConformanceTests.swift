import Foundation
import HTTPTypes
import Testing
import TestSupport
@testable import Gateway

/// The published schemas describe what the server really sends: real
/// requests against a running server, every success body validated against
/// its operation's schema in `/api/openapi.json`, with undocumented fields
/// counted as failures.
@Suite struct ResponseConformanceTests {
    /// Calls a route and checks the reply's status and body against the document.
    final class Conformance: @unchecked Sendable {
        let api: API
        let document: JSONTree
        let validator: SchemaValidator
        private(set) var failures: [String] = []
        private(set) var tags: Set<String> = []

        init(_ api: API) async throws {
            self.api = api
            let reply = try await api.call(.get, "/api/openapi.json")
            document = try JSONTree.parse(reply.text)
            guard case .object(let schemas)? = document["components"]?["schemas"] else { throw ConformanceError.noComponents }
            validator = SchemaValidator(components: schemas)
        }

        enum ConformanceError: Error { case noComponents }

        @discardableResult
        func call(_ method: HTTPRequest.Method, _ uri: String, json: [String: Any]? = nil, token: String? = nil,
                  headers: [String: String] = [:], expect status: Int) async throws -> API.Reply {
            let reply = try await api.call(method, uri, json: json, token: token, headers: headers)
            let name = "\(method.rawValue) \(uri)"
            guard reply.status == status else {
                failures.append("\(name): status \(reply.status), expected \(status): \(reply.text.prefix(300))")
                return reply
            }
            guard let (template, operation) = operation(method, uri) else {
                failures.append("\(name): no operation in the document")
                return reply
            }
            if case .array(let operationTags)? = operation["tags"] {
                for case .string(let tag) in operationTags { tags.insert(tag) }
            }
            guard status != 204 else { return reply }
            guard let schema = operation["responses"]?["\(status)"]?["content"]?["application/json"]?["schema"] else {
                failures.append("\(name): \(template) documents no \(status) body")
                return reply
            }
            do {
                let body = try JSONTree.parse(reply.text)
                failures += validator.violations(of: body, against: schema).map { "\(name): \($0)" }
            } catch {
                failures.append("\(name): body is not JSON: \(reply.text.prefix(200))")
            }
            return reply
        }

        /// The document's operation for a concrete path: the template with the
        /// most literal segments that matches it.
        private func operation(_ method: HTTPRequest.Method, _ uri: String) -> (String, JSONTree)? {
            let segments = uri.split(separator: "?").first.map { $0.split(separator: "/") } ?? []
            guard case .object(let paths)? = document["paths"] else { return nil }
            let candidates = paths.keys.compactMap { template -> (String, Int)? in
                let parts = template.split(separator: "/")
                guard parts.count == segments.count else { return nil }
                var literal = 0
                for (part, segment) in zip(parts, segments) {
                    if part.hasPrefix("{") { continue }
                    guard part == segment else { return nil }
                    literal += 1
                }
                return (template, literal)
            }
            for (template, _) in candidates.sorted(by: { $0.1 > $1.1 }) {
                if let operation = paths[template]?[method.rawValue.lowercased()] { return (template, operation) }
            }
            return nil
        }
    }

    @Test func successBodiesMatchThePublishedSchemas() async throws {
        let fixture = try await GatewayFixture {
            $0.paymentWebhookSecret = MarketplaceRouteTests.webhookSecret
            $0.webhooks.allowPrivateTargets = true
        }
        _ = try fixture.store.loadTemplates(from: TestPaths.root.appendingPathComponent("templates"),
                                            strategiesDirectory: TestPaths.root.appendingPathComponent("strategies"))
        let (failures, tags) = try await fixture.run { api in
            let check = try await Conformance(api)
            // health
            try await check.call(.get, "/api/health", expect: 200)
            try await check.call(.get, "/api/health/ready", expect: 200)
            try await check.call(.get, "/api/version", expect: 200)
            try await check.call(.get, "/api/openapi.json", expect: 200)
            // auth
            let registered = try await check.call(.post, "/api/auth/register",
                                                  json: ["username": "alice", "email": "alice@example.com", "password": "correct-horse-42"],
                                                  expect: 201)
            let aliceID = registered.json["id"] as? Int ?? 0
            let login = try await check.call(.post, "/api/auth/login", json: ["login": "alice", "password": "correct-horse-42"], expect: 200)
            let refreshed = try await check.call(.post, "/api/auth/refresh", json: ["refreshToken": login.json["refreshToken"] as? String ?? ""],
                                                 expect: 200)
            let alice = try #require(refreshed.json["accessToken"] as? String)
            try await check.call(.get, "/api/auth/me", token: alice, expect: 200)
            try await check.call(.post, "/api/auth/2fa/enable", token: alice, expect: 200)
            // strategies
            let strategy = try await check.call(.post, "/api/strategies", json: ["name": "Eager"], token: alice, expect: 201).json["id"] as? Int ?? 0
            try await check.call(.get, "/api/strategies", token: alice, expect: 200)
            try await check.call(.get, "/api/strategies/\(strategy)", token: alice, expect: 200)
            let version = try await check.call(.post, "/api/strategies/\(strategy)/versions", json: ["source": DeploymentRouteTests.eager, "changelog": "first"],
                                               token: alice, expect: 201).json["id"] as? Int ?? 0
            try await check.call(.get, "/api/strategies/\(strategy)/versions", token: alice, expect: 200)
            try await check.call(.get, "/api/strategies/\(strategy)/versions/\(version)/source", token: alice, expect: 200)
            // backtests: poll until the job carries its result
            let job = try await check.call(.post, "/api/strategies/\(strategy)/backtest", json: [:], token: alice, expect: 202).json["id"] as? Int ?? 0
            for _ in 0..<100 {
                let polled = try await api.call(.get, "/api/backtests/\(job)", token: alice)
                if ["completed", "failed"].contains(polled.json["status"] as? String) { break }
                try await Task.sleep(for: .milliseconds(200))
            }
            try await check.call(.get, "/api/backtests/\(job)", token: alice, expect: 200)
            try await check.call(.get, "/api/backtests", token: alice, expect: 200)
            // a parameter sweep (the eager strategy declares none of these: refused), then SMA's
            try await check.call(.post, "/api/strategies/\(strategy)/optimize", json: ["ranges": ["fast": ["values": [5]]]], token: alice, expect: 422)
            let sma = try await OptimizationRouteTests.smaStrategy(api, token: alice)
            let sweep = try await check.call(.post, "/api/strategies/\(sma)/optimize",
                                             json: ["ranges": ["fast": ["values": [5, 10]]], "from": "2023-01-01T00:00:00Z", "to": "2023-02-01T00:00:00Z"],
                                             token: alice, expect: 202).json["id"] as? Int ?? 0
            _ = try await OptimizationRouteTests.poll(api, sweep, token: alice)
            try await check.call(.get, "/api/optimizations/\(sweep)", token: alice, expect: 200)
            try await check.call(.get, "/api/optimizations", token: alice, expect: 200)
            // datasets, and a job on one with every setting, which faults (a partial result and an error object)
            try await check.call(.post, "/api/datasets", json: ["name": "mine", "csv": DatasetTests.csv(rows: 24), "symbol": "SOLUSD"],
                                 token: alice, expect: 201)
            try await check.call(.get, "/api/datasets", token: alice, expect: 200)
            try await check.call(.get, "/api/datasets/mine", token: alice, expect: 200)
            let faulty = try await check.call(.post, "/api/strategies", json: ["name": "Faulty"], token: alice, expect: 201).json["id"] as? Int ?? 0
            let faultySource = "strategy = { name = \"f\", params = {} }\nlocal n = 0\nfunction on_bar(ctx, bar)\n  n = n + 1\n"
                + "  if n == 1 then ctx.buy { quantity = 0.01 } end\n  if bar.time >= 1704110400 then error(\"late\") end\nend\n"
            _ = try await check.call(.post, "/api/strategies/\(faulty)/versions", json: ["source": faultySource], token: alice, expect: 201)
            let settings: [String: Any] = ["dataset": "mine", "from": "2024-01-01T00:00:00Z", "to": "2024-01-02", "timeframe": 3600,
                                           "cash": "1000", "commission": "0.001", "slippage": "0.0001", "seed": 3]
            let failing = try await check.call(.post, "/api/strategies/\(faulty)/backtest", json: settings, token: alice, expect: 202)
                .json["id"] as? Int ?? 0
            #expect(try await BacktestRestartTests.poll(api, failing, token: alice).json["status"] as? String == "failed")
            try await check.call(.get, "/api/backtests/\(failing)", token: alice, expect: 200)
            // deployments, with a market fed through them so the journal has orders and fills
            let deployment = try await check.call(.post, "/api/deployments", json: ["versionId": version, "risk": ["maxOpenOrders": 5]],
                                                  token: alice, expect: 201).json["id"] as? Int ?? 0
            await DeploymentRouteTests.feedOffPool(fixture, events: 400)
            try await check.call(.get, "/api/deployments", token: alice, expect: 200)
            try await check.call(.get, "/api/deployments/\(deployment)", token: alice, expect: 200)
            for part in ["orders", "fills", "positions", "performance", "logs", "equity", "equity?points=3", "trades"] {
                try await check.call(.get, "/api/deployments/\(deployment)/\(part)", token: alice, expect: 200)
            }
            // the portfolio over it
            for path in ["/api/portfolio", "/api/portfolio/history?points=5", "/api/portfolio/performance?points=50",
                         "/api/portfolio/export", "/api/risk/portfolio", "/api/risk/positions"] {
                try await check.call(.get, path, token: alice, expect: 200)
            }
            // trading by hand on it
            let limit: [String: Any] = ["symbol": "BTCUSD", "side": "buy", "type": "limit", "quantity": "0.01", "price": "10"]
            let manual = try await check.call(.post, "/api/deployments/\(deployment)/orders", json: limit, token: alice, expect: 201)
            let manualID = ((manual.json["orders"] as? [[String: Any]])?.first?["id"] as? Int) ?? 0
            try await check.call(.put, "/api/deployments/\(deployment)/orders/\(manualID)", json: ["price": "11"], token: alice, expect: 200)
            try await check.call(.post, "/api/deployments/\(deployment)/orders/bulk", json: ["legs": [limit]], token: alice, expect: 201)
            try await check.call(.delete, "/api/deployments/\(deployment)/orders/\(manualID)", token: alice, expect: 200)
            try await check.call(.post, "/api/deployments/\(deployment)/square-off", token: alice, expect: 200)
            try await check.call(.post, "/api/deployments/\(deployment)/stop", token: alice, expect: 200)
            try await check.call(.put, "/api/deployments/\(deployment)", json: ["risk": [
                "maxOrderQuantity": ["allSymbols": "0.5", "bySymbol": ["BTCUSD": "0.25"]], "maxOrderNotional": "1000.00",
                "orderRate": ["capacity": 5, "refillTokens": 1, "refillIntervalSeconds": 1],
                "tradingWindow": ["weekdays": ["mon", "fri"], "startMinute": 60, "endMinute": 1_200],
            ]], token: alice, expect: 200)
            try await check.call(.post, "/api/deployments/\(deployment)/start", token: alice, expect: 200)
            // market
            try await check.call(.get, "/api/market/instruments", token: alice, expect: 200)
            for part in ["price", "candles?limit=5", "book"] { try await check.call(.get, "/api/market/BTCUSD/\(part)", token: alice, expect: 200) }
            // risk
            try await check.call(.get, "/api/risk/limits", token: alice, expect: 200)
            try await check.call(.put, "/api/risk/limits", json: ["limits": ["dailyLossLimit": "0.00005"]], token: alice, expect: 200)
            try await check.call(.post, "/api/risk/emergency-stop", json: ["reason": "test"], token: alice, expect: 200)
            try await check.call(.post, "/api/risk/emergency-stop", json: ["scope": "deployment", "deploymentId": deployment, "level": "halt"],
                                 token: alice, expect: 200)
            // Engaged switches on the deployment view and the status, then none.
            try await check.call(.get, "/api/deployments/\(deployment)", token: alice, expect: 200)
            try await check.call(.get, "/api/deployments", token: alice, expect: 200)
            try await check.call(.get, "/api/risk/status", token: alice, expect: 200)
            try await check.call(.delete, "/api/risk/emergency-stop?scope=deployment&deploymentId=\(deployment)", token: alice, expect: 200)
            try await check.call(.delete, "/api/risk/emergency-stop", token: alice, expect: 200)
            try await check.call(.get, "/api/risk/status", token: alice, expect: 200)
            // alerts: a kill_switch rule hears the next switch; a webhook (a closed loopback port) gets it
            let rule = try await check.call(.post, "/api/risk/alert-rules", json: ["kind": "kill_switch"], token: alice, expect: 201)
            try await check.call(.post, "/api/risk/alert-rules", json: ["kind": "equity_below", "deploymentId": deployment, "threshold": "1.50"],
                                 token: alice, expect: 201)
            try await check.call(.get, "/api/risk/alert-rules", token: alice, expect: 200)
            let hook = try await check.call(.post, "/api/risk/webhooks", json: ["url": "http://127.0.0.1:9/hook"], token: alice, expect: 201)
            try await check.call(.get, "/api/risk/webhooks", token: alice, expect: 200)
            try await check.call(.post, "/api/risk/emergency-stop", json: ["reason": "alert me"], token: alice, expect: 200)
            try await check.call(.delete, "/api/risk/emergency-stop", token: alice, expect: 200)
            fixture.gateway.platform.alerts.settle()
            let alerts = try await check.call(.get, "/api/risk/alerts?limit=5", token: alice, expect: 200)
            let alertID = (alerts.json["alerts"] as? [[String: Any]])?.first?["id"] as? Int ?? 0
            try await check.call(.post, "/api/risk/alerts/\(alertID)/acknowledge", token: alice, expect: 200)
            let hookID = hook.json["id"] as? Int ?? 0
            try await check.call(.post, "/api/risk/webhooks/\(hookID)/test", token: alice, expect: 202)
            try await check.call(.get, "/api/risk/webhooks/\(hookID)/deliveries", token: alice, expect: 200)
            try await check.call(.delete, "/api/risk/webhooks/\(hookID)", token: alice, expect: 204)
            try await check.call(.delete, "/api/risk/alert-rules/\(rule.json["id"] as? Int ?? 0)", token: alice, expect: 204)
            // templates
            let templates = try await check.call(.get, "/api/templates", token: alice, expect: 200)
            let template = try #require(templates.list.first?["id"] as? String)
            try await check.call(.get, "/api/templates/categories", token: alice, expect: 200)
            try await check.call(.get, "/api/templates/\(template)", token: alice, expect: 200)
            try await check.call(.post, "/api/templates/\(template)/deploy", json: ["start": false], token: alice, expect: 201)
            // marketplace: alice publishes, root approves, bob buys, reviews, favorites, reports
            let root = try await MarketplaceRouteTests.admin(fixture, api)
            let bob = try await api.signUp("bob")
            let listing = try await check.call(.post, "/api/marketplace/listings", json: [
                "strategyId": strategy, "title": "Eager buyer", "summary": "Buys on the first bar.", "category": "trend",
                "tags": ["btc"], "price": ["amount": "10.00", "currency": "USD"], "versionId": version,
            ], token: alice, expect: 201).json["id"] as? Int ?? 0
            try await check.call(.get, "/api/admin/moderation/queue", token: root, expect: 200)
            try await check.call(.post, "/api/admin/listings/\(listing)/approve", token: root, expect: 200)
            try await check.call(.put, "/api/marketplace/listings/\(listing)", json: [
                "title": "Eager buyer", "summary": "Buys on the first bar, once.", "category": "trend", "price": ["amount": "10.00", "currency": "USD"],
            ], token: alice, expect: 200)
            try await check.call(.get, "/api/marketplace/listings?q=eager&limit=1", token: bob.access, expect: 200)
            try await check.call(.get, "/api/marketplace/listings/\(listing)", token: bob.access, expect: 200)
            try await check.call(.get, "/api/marketplace/listings/\(listing)/source", token: alice, expect: 200)
            _ = try await MarketplaceRouteTests.signedWebhook(api, ["id": "evt_1", "type": "payment.succeeded", "userId": bob.id, "amount": 5_000,
                                                                   "currency": "USD"], at: fixture.clock.now)
            try await check.call(.post, "/api/marketplace/listings/\(listing)/purchase", token: bob.access,
                                 headers: ["Idempotency-Key": "purchase-key-0001"], expect: 201)
            let review = try await check.call(.post, "/api/marketplace/listings/\(listing)/reviews", json: ["rating": 5, "title": "Solid"],
                                              token: bob.access, expect: 201).json["id"] as? Int ?? 0
            try await check.call(.put, "/api/marketplace/reviews/\(review)", json: ["rating": 4, "title": "Good", "body": "Works."],
                                 token: bob.access, expect: 200)
            try await check.call(.get, "/api/marketplace/listings/\(listing)/reviews", token: bob.access, expect: 200)
            try await check.call(.post, "/api/marketplace/listings/\(listing)/favorite", token: bob.access, expect: 204)
            try await check.call(.get, "/api/marketplace/favorites", token: bob.access, expect: 200)
            try await check.call(.post, "/api/marketplace/reviews/\(review)/report", json: ["reason": "rude words"], token: alice, expect: 201)
            for mine in ["listings", "purchases", "sales"] { try await check.call(.get, "/api/marketplace/my/\(mine)", token: alice, expect: 200) }
            try await check.call(.get, "/api/marketplace/my/purchases", token: bob.access, expect: 200)
            // wallet
            try await check.call(.get, "/api/wallet", token: bob.access, expect: 200)
            try await check.call(.get, "/api/wallet/ledger", token: bob.access, expect: 200)
            try await check.call(.post, "/api/wallet/payouts", json: ["amount": "1.00"], token: alice, headers: ["Idempotency-Key": "payout-key-01"],
                                 expect: 201)
            try await check.call(.get, "/api/wallet/payouts", token: alice, expect: 200)
            // admin
            try await check.call(.get, "/api/admin/users/\(bob.id)/wallet", token: root, expect: 200)
            try await check.call(.get, "/api/admin/users/\(bob.id)/wallet/ledger", token: root, expect: 200)
            let purchase = try await check.call(.get, "/api/admin/users/\(bob.id)/purchases", token: root, expect: 200).list.first?["id"] as? Int ?? 0
            // alice paid 1.00 of her 8.00 share out: the refund needs it back first
            try await check.call(.post, "/api/admin/users/\(aliceID)/wallet/credit", json: ["amount": "5.00", "reason": "test funds"], token: root,
                                 expect: 200)
            try await check.call(.post, "/api/admin/purchases/\(purchase)/refund", json: ["reason": "test refund"], token: root, expect: 200)
            try await check.call(.get, "/api/admin/reports", token: root, expect: 200)
            try await check.call(.post, "/api/admin/reviews/\(review)/hide", json: ["reason": "rude"], token: root, expect: 200)
            try await check.call(.get, "/api/admin/users?limit=5", token: root, expect: 200)
            try await check.call(.get, "/api/admin/users/\(aliceID)", token: root, expect: 200)
            try await check.call(.get, "/api/admin/deployments", token: root, expect: 200)
            try await check.call(.post, "/api/admin/deployments/\(deployment)/force-stop", json: ["reason": "maintenance"], token: root, expect: 200)
            try await check.call(.post, "/api/admin/users/\(bob.id)/suspend", json: ["until": APIUnits.time(fixture.clock.now + 600), "reason": "cool off"],
                                 token: root, expect: 200)
            try await check.call(.post, "/api/admin/templates", json: [
                "manifest": ["id": "conformance", "title": "Conformance", "description": "A template made by the test.", "category": "other",
                             "parameters": [:], "risk": [:]],
                "source": DeploymentRouteTests.eager,
            ], token: root, expect: 201)
            try await check.call(.get, "/api/admin/audit", token: root, expect: 200)
            try await check.call(.get, "/api/admin/stats", token: root, expect: 200)
            return (check.failures, check.tags)
        }
        #expect(failures.isEmpty, Comment(rawValue: "\(failures.count) mismatches:\n" + failures.joined(separator: "\n")))
        let catalogTags = Set(fixture.gateway.routes().catalog.operations.map(\.tag))
        #expect(tags == catalogTags, "tags not exercised: \(catalogTags.subtracting(tags).sorted())")
    }

    @Test func theValidatorRejectsWhatTheSchemaForbids() throws {
        let validator = SchemaValidator(components: ["Money": try JSONTree.parse(#"{"type":"object","properties":{"units":{"type":"integer"}},"required":["units"]}"#)])
        let schema = try JSONTree.parse(#"""
            {"type":"object","required":["id","kind"],"properties":{
              "id":{"type":"integer","minimum":1},"kind":{"type":"string","enum":["a","b"]},
              "note":{"type":["string","null"],"maxLength":3},"cash":{"$ref":"#/components/schemas/Money"},
              "tags":{"type":"array","items":{"type":"string"}}}}
            """#)
        #expect(validator.violations(of: try .parse(#"{"id":1,"kind":"a","note":null,"cash":{"units":5},"tags":["x"]}"#), against: schema).isEmpty)
        let bad = validator.violations(of: try .parse(#"{"id":0,"kind":"c","note":"long","cash":{"units":"5"},"tags":[1],"extra":true}"#),
                                       against: schema)
        #expect(bad.count == 6, "\(bad)")
        #expect(validator.violations(of: try .parse(#"{"kind":"a"}"#), against: schema) == ["$: required field id is missing"])
        #expect(validator.violations(of: try .parse(#"{"id":true,"kind":"a"}"#), against: schema).count == 1)
    }
}
