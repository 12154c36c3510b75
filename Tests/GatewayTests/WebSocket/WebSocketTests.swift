import Foundation
import HummingbirdWSClient
import Logging
import Synchronization
import Testing
@testable import Gateway

@Suite struct WebSocketTests {
    /// Raises "boom" on bar `fault_at` (the default never comes: the upload's validation run passes).
    static let faultsOnBar = """
        strategy = { params = { fault_at = { type = "integer", default = 1000000, min = 1, max = 1000000 } } }
        local bars = 0
        function on_bar(ctx, bar)
          bars = bars + 1
          if bars == ctx.params.fault_at then error("boom") end
        end
        """

    @Test func subscribeToARunningDeploymentAndTheMarket() async throws {
        let fixture = try await GatewayFixture()
        try await fixture.run { api in
            let alice = try await api.signUp("alice")
            let bob = try await api.signUp("bob")
            let strategy = try #require(try await api.call(.post, "/api/strategies", json: ["name": "Eager"], token: alice.access).json["id"] as? Int)
            let version = try #require(try await api.call(.post, "/api/strategies/\(strategy)/versions",
                                                          json: ["source": DeploymentRouteTests.eager], token: alice.access).json["id"] as? Int)
            let deployment = try #require(try await api.call(.post, "/api/deployments", json: ["versionId": version], token: alice.access).json["id"] as? Int)
            let bobs = try #require(try await api.call(.post, "/api/deployments", json: ["versionId": version, "start": false], token: alice.access).json["id"] as? Int)
            _ = bob
            #expect(try await api.call(.get, "/ws").status == 401)

            let seen = Mutex<[String]>([])
            var logger = Logger(label: "ws-test")
            logger.logLevel = .error
            try await WebSocketClient.connect(url: "ws://127.0.0.1:\(api.port)/ws?token=\(alice.access)", logger: logger) { inbound, outbound, _ in
                try await outbound.write(.text(#"{"type":"subscribe","channel":"logs","deploymentId":\#(deployment)}"#))
                try await outbound.write(.text(#"{"type":"subscribe","channel":"fills","deploymentId":\#(deployment)}"#))
                try await outbound.write(.text(#"{"type":"subscribe","channel":"equity","deploymentId":\#(deployment)}"#))
                try await outbound.write(.text(#"{"type":"subscribe","channel":"ticks","symbol":"BTCUSD"}"#))
                try await outbound.write(.text("not json"))
                try await outbound.write(.text(#"{"type":"subscribe","channel":"weather"}"#))
                try await outbound.write(.text(#"{"type":"subscribe","channel":"orders","deploymentId":999}"#))
                var fed = false
                for try await message in inbound.messages(maxSize: 1 << 20) {
                    guard case .text(let text) = message else { continue }
                    let count = seen.withLock { $0.append(text); return $0.count }
                    if !fed, count >= 8 {
                        fed = true
                        DeploymentRouteTests.feed(fixture, events: 600)
                    }
                    let types = seen.withLock { $0 }.map(Self.parse).compactMap { $0["type"] as? String }
                    if types.contains("log") && types.contains("tick") && types.contains("fill") && types.contains("equity") { break }
                }
                try await outbound.close(.normalClosure, reason: nil)
            }
            let events = seen.withLock { $0 }.map(Self.parse)
            let types = events.compactMap { $0["type"] as? String }
            #expect(types.first == "welcome")
            #expect(types.filter { $0 == "subscribed" }.count == 4)
            let errors = events.filter { $0["type"] as? String == "error" }.compactMap { ($0["data"] as? [String: Any])?["code"] as? String }
            #expect(errors.sorted() == ["bad_message", "invalid_input", "not_found"])
            #expect(events.contains { $0["type"] as? String == "log" && $0["channel"] as? String == "logs:\(deployment)" })
            #expect(events.contains { $0["type"] as? String == "tick" && $0["channel"] as? String == "ticks:BTCUSD" })
            #expect(!events.contains { ($0["channel"] as? String ?? "").hasSuffix(":\(bobs)") })
            // The same units as REST: decimal strings and ISO times.
            let tick = try #require(events.first { $0["type"] as? String == "tick" }?["data"] as? [String: Any])
            #expect(tick["price"] is String && (tick["time"] as? String)?.hasSuffix("Z") == true, "\(tick)")
            let fill = try #require(events.first { $0["type"] as? String == "fill" }?["data"] as? [String: Any])
            #expect(fill["price"] is String && fill["quantity"] is String && fill["id"] is String && fill["orderId"] is Int, "\(fill)")
            // Equity samples as the REST history's points, once committed.
            let equity = try #require(events.first { $0["type"] as? String == "equity" })
            let point = equity["data"] as? [String: Any] ?? [:]
            #expect(equity["channel"] as? String == "equity:\(deployment)" && point["equity"] is String && point["fills"] is Int
                    && (point["time"] as? String)?.hasSuffix("Z") == true, "\(equity)")
        }
    }

    /// A bad token is told why (the API's error body as an `error` event)
    /// and the socket closes with 4401; a deployment's fault reaches its
    /// owner on the `deployments` channel without a per-deployment subscription.
    @Test func aBadTokenIsToldWhyAndAFaultReachesTheOwner() async throws {
        let fixture = try await GatewayFixture()
        try await fixture.run { api in
            var logger = Logger(label: "ws-test")
            logger.logLevel = .error
            let refused = Mutex<(messages: [String], close: UInt16?)>(([], nil))
            let closeFrame = try await WebSocketClient.connect(url: "ws://127.0.0.1:\(api.port)/ws?token=not-a-token", logger: logger) { inbound, _, _ in
                for try await message in inbound.messages(maxSize: 1 << 16) {
                    if case .text(let text) = message { refused.withLock { $0.messages.append(text) } }
                }
            }
            let error = try #require(refused.withLock { $0.messages }.first.map(Self.parse))
            #expect(error["type"] as? String == "error" && (error["data"] as? [String: Any])?["code"] as? String == "invalid_token", "\(error)")
            #expect(closeFrame?.closeCode == .unknown(4401), "\(String(describing: closeFrame))")

            let alice = try await api.signUp("alice")
            let strategy = try #require(try await api.call(.post, "/api/strategies", json: ["name": "Boom"], token: alice.access).json["id"] as? Int)
            let version = try #require(try await api.call(.post, "/api/strategies/\(strategy)/versions", json: ["source": Self.faultsOnBar],
                                                          token: alice.access).json["id"] as? Int)
            let seen = Mutex<[String]>([])
            try await WebSocketClient.connect(url: "ws://127.0.0.1:\(api.port)/ws?token=\(alice.access)", logger: logger) { inbound, outbound, _ in
                // Never hang the suite: give up (and fail below) after 60 s.
                let watchdog = Task {
                    try await Task.sleep(for: .seconds(60))
                    try await outbound.close(.goingAway, reason: "test timeout")
                }
                defer { watchdog.cancel() }
                try await outbound.write(.text(#"{"type":"subscribe","channel":"deployments"}"#))
                for try await message in inbound.messages(maxSize: 1 << 20) {
                    guard case .text(let text) = message else { continue }
                    let event = Self.parse(text)
                    seen.withLock { $0.append(text) }
                    if event["type"] as? String == "subscribed" {
                        let created = try await api.call(.post, "/api/deployments", json: ["versionId": version, "parameters": ["fault_at": 3]],
                                                        token: alice.access)
                        #expect(created.status == 201, "\(created.text)")
                        DeploymentRouteTests.feed(fixture, events: 300)
                    }
                    if event["type"] as? String == "deployment", (event["data"] as? [String: Any])?["status"] as? String == "faulted" { break }
                }
                try await outbound.close(.normalClosure, reason: nil)
            }
            let statuses = seen.withLock { $0 }.map { Self.parse($0) }.filter { $0["type"] as? String == "deployment" }.compactMap { $0["data"] as? [String: Any] }
            #expect(statuses.map { $0["status"] as? String } == ["running", "faulted"], "\(statuses)")
            let fault = try #require(statuses.last)
            #expect(fault["status"] as? String == "faulted" && (fault["reason"] as? String ?? "").contains("boom"), "\(fault)")
            #expect(fault["deploymentId"] is Int)
        }
    }

    @Sendable static func parse(_ text: String) -> [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any] ?? [:]
    }

    @Test func connectionsPerUserAreLimited() {
        let hub = WebSocketHub(maximumConnectionsPerUser: 3)
        let connections = (0..<4).map { _ in WebSocketConnection(userID: 1, sessionID: "session-1") }
        #expect(connections.prefix(3).allSatisfy(hub.register))
        #expect(!hub.register(connections[3]))
        #expect(hub.register(WebSocketConnection(userID: 2, sessionID: "session-2")))
        hub.unregister(connections[0])
        #expect(hub.register(connections[3]))
    }

    @Test func aSlowClientsOutboxIsBoundedAndDropsAreCounted() {
        let connection = WebSocketConnection(userID: 1, sessionID: "session-1")
        let accepted = (0..<2_000).filter { connection.send("event \($0)") }.count
        #expect(accepted == WebSocketConnection.outboxLimit)
        #expect(connection.takeDropped() == 2_000 - WebSocketConnection.outboxLimit)
        #expect(connection.takeDropped() == 0)
    }

    @Test func subscriptionsPerConnectionAreLimited() {
        let connection = WebSocketConnection(userID: 1, sessionID: "session-1")
        for index in 0..<50 { #expect(connection.subscribe(Subscription(channel: .logs, key: String(index)), limit: 50)) }
        #expect(!connection.subscribe(Subscription(channel: .logs, key: "50"), limit: 50))
        #expect(connection.subscribe(Subscription(channel: .logs, key: "0"), limit: 50))
    }
}
