import Foundation
import HummingbirdWSClient
import Logging
import Marketplace
import Synchronization
import Testing
@testable import Gateway

/// Alerts and their webhooks over HTTP (docs/api.md, "Alerts" and "Alert
/// webhooks"), with deployments trading on the synthetic feed and a
/// loopback receiver the server is configured to allow. Serialized: each
/// test runs a server, a receiver and a feed (one of them worker processes),
/// and side by side they would load the machine the timing tests share.
@Suite(.serialized) struct AlertRouteTests {
    static let secret = "alice-webhook-secret-0123456789"

    /// `hooks.example.com` resolves to loopback here, as a rebinding attacker's name would.
    static func fixture(attempts: Int = 6, allowPrivate: Bool = true, isolated: Bool = false) async throws -> GatewayFixture {
        try await GatewayFixture(configure: { configuration in
            configuration.webhooks.resolver = { name in name == "hooks.example.com" ? ["127.0.0.1"] : [] }
            configuration.webhooks.allowPrivateTargets = allowPrivate
            configuration.webhooks.firstRetryDelay = .milliseconds(50)
            configuration.webhooks.maximumAttempts = attempts
            // Beside the parallel suite the receiver's handlers can wait seconds for a thread: a timeout is not what is tested.
            configuration.webhooks.requestTimeout = .seconds(60)
        }, hostMode: BanStopsHostTests.modes()[isolated ? 1 : 0])
    }

    /// Polls `condition` every 50 ms for up to 90 s (a loaded machine is slow; a working one answers in well under a second).
    static func eventually(_ condition: () async throws -> Bool) async throws -> Bool {
        for _ in 0..<1_800 {
            if try await condition() { return true }
            try await Task.sleep(for: .milliseconds(50))
        }
        return try await condition()
    }

    /// Every alert of the caller, walking the cursor pages.
    static func allAlerts(_ api: API, token: String, query: String = "") async throws -> [[String: Any]] {
        var alerts: [[String: Any]] = []
        var cursor: String?
        repeat {
            let page = try await api.call(.get, "/api/risk/alerts?limit=7\(query)" + (cursor.map { "&cursor=\($0)" } ?? ""), token: token)
            #expect(page.status == 200, "\(page.text)")
            alerts += page.page("alerts")
            cursor = page.json["nextCursor"] as? String
        } while cursor != nil
        return alerts
    }

    /// In both host modes: the engine hears what the journal committed, wherever the strategy ran.
    @Test(arguments: [false, true]) func alertsFireOncePerBreachAndReachASignedWebhook(isolated: Bool) async throws {
        let receiver = WebhookReceiver()
        try await receiver.run { port in
            let fixture = try await Self.fixture(isolated: isolated)
            try await fixture.run { api in
                let alice = try await api.signUp("alice"), bob = try await api.signUp("bob")
                let hook = try await api.call(.post, "/api/risk/webhooks", json: ["url": "http://127.0.0.1:\(port)/hook", "secret": Self.secret],
                                              token: alice.access)
                #expect(hook.status == 201 && hook.json["secret"] == nil && hook.json["url"] as? String == "http://127.0.0.1:\(port)/hook", "\(hook.text)")
                let deployment = try await EquityHistoryTests.deploy(api, token: alice.access)
                // Always in breach: exactly one alert however many samples come.
                let below = try await api.call(.post, "/api/risk/alert-rules",
                                               json: ["kind": "equity_below", "deploymentId": deployment, "threshold": "1000000000.00"], token: alice.access)
                #expect(below.status == 201 && below.json["threshold"] as? String == "1000000000.00000000" && below.json["unit"] as? String == "money",
                        "\(below.text)")
                #expect(try await api.call(.post, "/api/risk/alert-rules", json: ["kind": "fill"], token: alice.access).status == 201)
                #expect(try await api.call(.get, "/api/risk/alert-rules", token: alice.access).list.count == 2)
                #expect(try await api.call(.get, "/api/risk/alert-rules", token: bob.access).list.isEmpty)

                // The WebSocket alerts channel hears them as they come.
                let heard = Mutex<[String]>([])
                var logger = Logger(label: "ws-alerts")
                logger.logLevel = .error
                try await WebSocketClient.connect(url: "ws://127.0.0.1:\(api.port)/ws?token=\(alice.access)", logger: logger) { inbound, outbound, _ in
                    try await outbound.write(.text(#"{"type":"subscribe","channel":"alerts"}"#))
                    var fed = false
                    for try await message in inbound.messages(maxSize: 1 << 20) {
                        guard case .text(let text) = message,
                              let event = (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any] else { continue }
                        if event["type"] as? String == "subscribed", !fed {
                            fed = true
                            await DeploymentRouteTests.feedOffPool(fixture, events: 1_000)
                        }
                        if event["type"] as? String == "alert" { heard.withLock { $0.append(text) } }
                        if heard.withLock({ $0.count }) >= 2 { break }
                    }
                    try await outbound.close(.normalClosure, reason: nil)
                }
                let stopped = try await api.call(.post, "/api/deployments/\(deployment)/stop", token: alice.access)
                let fills = try #require((stopped.json["account"] as? [String: Any])?["fills"] as? Int, "\(stopped.text)")
                #expect(fills > 0)
                let first = try #require(heard.withLock { $0.first }.flatMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) } as? [String: Any])
                #expect(first["channel"] as? String == "alerts:\(alice.id)" && (first["data"] as? [String: Any])?["id"] is Int, "\(first)")

                // One equity_below alert (still active), one fill alert per fill.
                var alerts: [[String: Any]] = []
                #expect(try await Self.eventually {
                    alerts = try await Self.allAlerts(api, token: alice.access)
                    return alerts.filter { $0["kind"] as? String == "fill" }.count == fills
                }, "\(alerts.count) alerts for \(fills) fills")
                let breaches = alerts.filter { $0["kind"] as? String == "equity_below" }
                #expect(breaches.count == 1 && breaches.first?["state"] as? String == "active" && breaches.first?["deploymentId"] as? Int == deployment)
                #expect(alerts.filter { $0["kind"] as? String == "fill" }.allSatisfy { $0["state"] as? String == "event" && $0["severity"] as? String == "info" })
                let ids = alerts.compactMap { $0["id"] as? Int }
                #expect(Set(ids).count == ids.count && ids == ids.sorted(by: >), "newest first, no repeats across pages")
                let active = try await Self.allAlerts(api, token: alice.access, query: "&state=active")
                #expect(active.count == 1 && active.first?["kind"] as? String == "equity_below")
                #expect(try await Self.allAlerts(api, token: bob.access).isEmpty)

                // Every alert reached the receiver once, signed with the secret.
                #expect(try await Self.eventually { receiver.requests("/hook").count >= alerts.count }, "\(receiver.requests().count) of \(alerts.count)")
                try await Task.sleep(for: .milliseconds(200))
                let posts = receiver.requests("/hook")
                #expect(posts.count == alerts.count)
                var delivered: Set<Int> = []
                for post in posts {
                    try PaymentSignature.verify(post.headers["lunar-signature"], body: post.body, secret: Self.secret, now: Int64(Date().timeIntervalSince1970))
                    #expect(post.headers["lunar-event"] == "alert" && post.headers["content-type"] == "application/json")
                    let alert = try #require(post.json["alert"] as? [String: Any], "\(String(decoding: post.body, as: UTF8.self))")
                    delivered.insert(try #require(alert["id"] as? Int))
                    #expect(post.json["event"] as? String == "alert" && post.json["deliveryId"] is Int)
                }
                #expect(delivered == Set(ids))
                // A signature made with another secret does not verify.
                #expect(throws: APIError.self) {
                    try PaymentSignature.verify(posts[0].headers["lunar-signature"], body: posts[0].body, secret: "another-secret-0123456789",
                                                now: Int64(Date().timeIntervalSince1970))
                }
                let log = try await api.call(.get, "/api/risk/webhooks/\(try #require(hook.json["id"] as? Int))/deliveries?limit=500", token: alice.access)
                let entries = log.page("deliveries")
                #expect(entries.count == alerts.count && entries.allSatisfy {
                    $0["status"] as? String == "delivered" && $0["attempts"] as? Int == 1 && $0["lastStatus"] as? Int == 200
                }, "\(log.text.prefix(500))")

                // Acknowledging is audited; once only, and only by the owner.
                let breach = try #require(breaches.first?["id"] as? Int)
                #expect(try await api.call(.post, "/api/risk/alerts/\(breach)/acknowledge", token: bob.access).status == 404)
                let acknowledged = try await api.call(.post, "/api/risk/alerts/\(breach)/acknowledge", token: alice.access)
                #expect(acknowledged.status == 200 && acknowledged.json["acknowledgedBy"] as? Int == alice.id
                        && acknowledged.json["state"] as? String == "active", "\(acknowledged.text)")
                let again = try await api.call(.post, "/api/risk/alerts/\(breach)/acknowledge", token: alice.access)
                #expect(again.status == 409, "\(again.text)")
                let root = try fixture.store.bootstrapSuperadmin(username: "root", email: "root@example.com", passwordHash: "x")
                let audit = try fixture.store.auditLog(for: .alert(AlertID(Int64(breach))), by: root.id)
                #expect(audit.count == 1 && audit.first?.action == "alert.acknowledge" && audit.first?.actor.rawValue == Int64(alice.id))
            }
        }
    }

    @Test func failingReceiversAreRetriedWithBackoffAndTheLogShowsIt() async throws {
        let receiver = WebhookReceiver()
        try await receiver.run { port in
            let fixture = try await Self.fixture(attempts: 3)
            try await fixture.run { api in
                let alice = try await api.signUp("alice")
                var hooks: [String: Int] = [:]
                for path in ["flaky", "down", "redirect"] {
                    let made = try await api.call(.post, "/api/risk/webhooks", json: ["url": "http://127.0.0.1:\(port)/\(path)"], token: alice.access)
                    #expect(made.status == 201 && (made.json["secret"] as? String)?.count == 64, "\(made.text)")
                    hooks[path] = try #require(made.json["id"] as? Int)
                    let test = try await api.call(.post, "/api/risk/webhooks/\(hooks[path]!)/test", token: alice.access)
                    #expect(test.status == 202 && test.json["status"] as? String == "pending" && test.json["event"] as? String == "test", "\(test.text)")
                }
                var logs: [String: [String: Any]] = [:]
                #expect(try await Self.eventually {
                    for (path, id) in hooks {
                        logs[path] = try await api.call(.get, "/api/risk/webhooks/\(id)/deliveries", token: alice.access).page("deliveries").first
                    }
                    return logs.values.allSatisfy { $0["status"] as? String != "pending" }
                }, "\(logs)")
                let flaky = try #require(logs["flaky"])
                #expect(flaky["status"] as? String == "delivered" && flaky["attempts"] as? Int == 3 && flaky["lastStatus"] as? Int == 200, "\(flaky)")
                let down = try #require(logs["down"])
                #expect(down["status"] as? String == "failed" && down["attempts"] as? Int == 3 && down["lastStatus"] as? Int == 500
                        && (down["lastError"] as? String ?? "").contains("gave up after 3 attempts"), "\(down)")
                let redirect = try #require(logs["redirect"])
                #expect(redirect["status"] as? String == "failed" && (redirect["lastError"] as? String ?? "").contains("redirects are not followed"),
                        "\(redirect)")
                #expect(receiver.requests("/hook").isEmpty, "a redirect is never followed")

                // Three attempts of one delivery, each signed afresh, with a doubling wait between them.
                let attempts = receiver.requests("/flaky")
                #expect(attempts.count == 3 && Set(attempts.compactMap { $0.headers["lunar-delivery"] }).count == 1)
                #expect(attempts.allSatisfy { $0.json["event"] as? String == "test" && $0.headers["lunar-event"] == "test" })
                let gaps = zip(attempts.dropFirst(), attempts).map { $0.at - $1.at }
                #expect(gaps[0] >= .milliseconds(45) && gaps[1] >= .milliseconds(95), "\(gaps)")
                #expect(receiver.requests("/down").count == 3)

                // A name is connected to at the address it was checked at (here loopback, which this server allows), not looked up again.
                let named = try await api.call(.post, "/api/risk/webhooks", json: ["url": "http://hooks.example.com:\(port)/hook"], token: alice.access)
                let id = try #require(named.json["id"] as? Int, "\(named.text)")
                _ = try await api.call(.post, "/api/risk/webhooks/\(id)/test", token: alice.access)
                #expect(try await Self.eventually { receiver.requests("/hook").count == 1 })
                #expect(receiver.requests("/hook").first?.headers["host"]?.hasPrefix("hooks.example.com") == true, "\(receiver.requests("/hook").first?.headers ?? [:])")
            }
        }
    }

    @Test func privateTargetsAreRefusedUnlessTheServerAllowsThem() async throws {
        let receiver = WebhookReceiver()
        try await receiver.run { port in
            let fixture = try await Self.fixture(allowPrivate: false)
            try await fixture.run { api in
                let alice = try await api.signUp("alice")
                for url in ["http://127.0.0.1:\(port)/hook", "http://localhost:\(port)/hook", "http://LOCALHOST./hook", "http://api.localhost/x",
                            "http://[::1]/hook", "http://[::ffff:127.0.0.1]/hook", "http://169.254.169.254/latest/meta-data",
                            "http://10.1.2.3/hook", "http://192.168.0.1/", "http://172.20.0.1/", "http://100.64.0.1/", "http://0.0.0.0/",
                            "http://[fe80::1]/", "http://[fd00::1]/", "http://224.0.0.1/",
                            "ftp://example.com/hook", "http://user:pw@example.com/hook", "https://example.com/hook#part", "not a url", "/relative",
                            "http://example.com:0/", String(repeating: "a", count: 3_000)] {
                    let refused = try await api.call(.post, "/api/risk/webhooks", json: ["url": url], token: alice.access)
                    #expect(refused.status == 422 && refused.errorDetails.first?["field"] as? String == "url", "\(url): \(refused.text)")
                }
                for secret in ["short", String(repeating: "s", count: 300), "has spaces in it 0123456789"] {
                    let refused = try await api.call(.post, "/api/risk/webhooks", json: ["url": "https://93.184.216.34/hook", "secret": secret],
                                                     token: alice.access)
                    #expect(refused.status == 422 && refused.errorDetails.first?["field"] as? String == "secret", "\(refused.text)")
                }
                // Public targets are taken; five at most.
                for index in 0..<5 {
                    #expect(try await api.call(.post, "/api/risk/webhooks", json: ["url": "https://93.184.216.34/hook\(index)"], token: alice.access).status == 201)
                }
                let sixth = try await api.call(.post, "/api/risk/webhooks", json: ["url": "https://93.184.216.34/hook6"], token: alice.access)
                #expect(sixth.status == 429 || sixth.status == 409, "\(sixth.text)")
                let listed = try await api.call(.get, "/api/risk/webhooks", token: alice.access).list
                #expect(listed.count == 5 && listed.allSatisfy { $0["secret"] == nil })
                #expect(try await api.call(.delete, "/api/risk/webhooks/\(try #require(listed.first?["id"] as? Int))", token: alice.access).status == 204)

                // A name that resolves to loopback is refused when the delivery looks it up.
                let made = try await api.call(.post, "/api/risk/webhooks", json: ["url": "http://hooks.example.com:\(port)/hook"], token: alice.access)
                let sneaky = try #require(made.json["id"] as? Int, "\(made.text)")
                let queued = try await api.call(.post, "/api/risk/webhooks/\(sneaky)/test", token: alice.access)
                var entry: [String: Any] = [:]
                #expect(try await Self.eventually {
                    entry = try await api.call(.get, "/api/risk/webhooks/\(sneaky)/deliveries", token: alice.access).page("deliveries").first ?? [:]
                    return entry["status"] as? String == "failed"
                }, "\(entry)")
                #expect(entry["id"] as? Int == queued.json["id"] as? Int && entry["attempts"] as? Int == 1
                        && (entry["lastError"] as? String ?? "").contains("resolves to 127.0.0.1"), "\(entry)")
                #expect(receiver.requests().isEmpty)
                #expect(try await api.call(.delete, "/api/risk/webhooks/\(sneaky)", token: alice.access).status == 204)
                #expect(try await api.call(.get, "/api/risk/webhooks/\(sneaky)/deliveries", token: alice.access).status == 404)
            }
        }
    }

    @Test func rulesAreCheckedFieldByField() async throws {
        let fixture = try await Self.fixture()
        try await fixture.run { api in
            let alice = try await api.signUp("alice"), bob = try await api.signUp("bob")
            let bobs = try await EquityHistoryTests.deploy(api, token: bob.access)
            let cases: [([String: Any], String)] = [
                (["kind": "equity_below"], "threshold"), (["kind": "fill", "threshold": "1.00"], "threshold"),
                (["kind": "equity_below", "threshold": "0"], "threshold"), (["kind": "equity_below", "threshold": "-5"], "threshold"),
                (["kind": "equity_below", "threshold": "NaN"], "threshold"), (["kind": "equity_below", "threshold": "1e5"], "threshold"),
                (["kind": "equity_below", "threshold": "0.000000001"], "threshold"), (["kind": "equity_below", "threshold": 100], "threshold"),
                (["kind": "equity_below", "threshold": String(repeating: "9", count: 30)], "threshold"),
                (["kind": "drawdown_above", "threshold": "1.5"], "threshold"), (["kind": "weather"], "kind"),
                (["kind": "fill", "deploymentId": -1], "deploymentId"), (["kind": "fill", "surprise": true], "surprise"),
            ]
            for (body, field) in cases {
                let refused = try await api.call(.post, "/api/risk/alert-rules", json: body, token: alice.access)
                #expect(refused.status == 422 && refused.errorDetails.first?["field"] as? String == field, "\(body): \(refused.text)")
            }
            #expect(try await api.call(.post, "/api/risk/alert-rules", json: ["kind": "fill", "deploymentId": bobs], token: alice.access).status == 404)
            let rule = try await api.call(.post, "/api/risk/alert-rules", json: ["kind": "drawdown_above", "threshold": "0.1"], token: alice.access)
            #expect(rule.status == 201 && rule.json["threshold"] as? String == "0.10000000" && rule.json["unit"] as? String == "fraction", "\(rule.text)")
            let id = try #require(rule.json["id"] as? Int)
            #expect(try await api.call(.delete, "/api/risk/alert-rules/\(id)", token: bob.access).status == 404)
            #expect(try await api.call(.delete, "/api/risk/alert-rules/\(id)", token: alice.access).status == 204)
            #expect(try await api.call(.delete, "/api/risk/alert-rules/\(id)", token: alice.access).status == 404)
            #expect(try await api.call(.get, "/api/risk/alerts?state=old", token: alice.access).status == 422)
            #expect(try await api.call(.post, "/api/risk/alerts/999/acknowledge", token: alice.access).status == 404)
        }
    }
}

extension WebhookTarget {
    /// The address table the guard judges by.
    static let judged: [(String, Bool)] = [
        ("8.8.8.8", true), ("93.184.216.34", true), ("2606:4700::1111", true), ("127.0.0.1", false), ("127.8.9.1", false),
        ("10.0.0.1", false), ("172.16.0.1", false), ("172.31.255.255", false), ("172.32.0.1", true), ("192.168.1.1", false),
        ("169.254.169.254", false), ("100.64.0.1", false), ("100.128.0.1", true), ("0.0.0.0", false), ("255.255.255.255", false),
        ("224.0.0.1", false), ("198.18.0.1", false), ("::", false), ("::1", false), ("fe80::1", false), ("fc00::1", false),
        ("fd12:3456::1", false), ("ff02::1", false), ("::ffff:127.0.0.1", false), ("::ffff:8.8.8.8", true), ("64:ff9b::a00:1", false),
        ("2001:db8::1", false), ("2002:a00:1::", false), ("2002:808:808::", true), ("not an address", false),
    ]
}

@Suite struct WebhookTargetTests {
    @Test func theSystemResolverAnswersWithNumericAddresses() async throws {
        let addresses = try await WebhookTarget("http://localhost:8080/x", allowPrivate: true).resolve()
        #expect(!addresses.isEmpty && addresses.allSatisfy { WebhookTarget.isAddress($0) && !WebhookTarget.isPublic($0) }, "\(addresses)")
        await #expect(throws: WebhookError.self) { try await WebhookTarget("http://no-such-host.invalid/", allowPrivate: true).resolve() }
    }

    @Test func addressesAreJudgedByTheirRanges() {
        for (address, expected) in WebhookTarget.judged {
            #expect(WebhookTarget.isPublic(address) == expected, "\(address)")
        }
    }
}
