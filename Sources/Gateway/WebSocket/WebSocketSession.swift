import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdCore
import HummingbirdWebSocket
import Marketplace

/// `/ws`: one authenticated client. Three tasks: the reader (subscribe /
/// unsubscribe / ping, with an error event for anything else), the writer
/// (drains the bounded outbox, reporting drops), and the heartbeat (a
/// `heartbeat` event every `heartbeatInterval`; closes after `idleTimeout`
/// without a client message).
struct WebSocketSession {
    let gateway: Gateway
    let identity: Identity

    func run(_ inbound: WebSocketInboundStream, _ outbound: WebSocketOutboundWriter) async throws {
        let hub = gateway.webSockets
        let connection = WebSocketConnection(userID: identity.user.id.rawValue, sessionID: identity.sessionID)
        guard hub.register(connection) else {
            try await outbound.write(.text(WebSocketJSON.error("too_many_connections",
                                                              "at most \(hub.maximumConnectionsPerUser) connections per user")))
            try await outbound.close(.policyViolation, reason: "too many connections")
            return
        }
        defer { hub.unregister(connection) }
        hub.startSweeping(every: WebSocketHub.sweepInterval) { [store = gateway.store] sessions, users in
            try await store.read { try Self.revoked(sessions: sessions, users: users, store: $0) }
        }
        connection.send(WebSocketJSON.encode(ServerEvent(type: "welcome", channel: nil, data: UserView(identity.user))))
        let configuration = gateway.configuration
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                for await text in connection.outbox {
                    try await outbound.write(.text(text))
                    let dropped = connection.takeDropped()
                    if dropped > 0 {
                        try await outbound.write(.text(WebSocketJSON.encode(ServerEvent(type: "dropped", channel: nil, data: ["count": dropped]))))
                    }
                }
            }
            group.addTask {
                while true {
                    try await Task.sleep(for: configuration.webSocketHeartbeat)
                    if connection.idleFor > configuration.webSocketIdleTimeout {
                        try await outbound.close(.goingAway, reason: "idle timeout")
                        return
                    }
                    connection.send(WebSocketJSON.encode(ServerEvent<String>(type: "heartbeat", channel: nil, data: nil)))
                }
            }
            group.addTask {
                guard let reason = await watchRevocation(connection) else { return }
                try await outbound.close(.policyViolation, reason: reason)
            }
            group.addTask {
                for try await message in inbound.messages(maxSize: 16_384) {
                    connection.touch()
                    guard case .text(let text) = message else {
                        connection.send(WebSocketJSON.error("bad_message", "send JSON text messages"))
                        continue
                    }
                    connection.send(await handle(text, connection))
                }
            }
            // Whichever ends first (the client left, idle timeout, revocation) ends the session.
            // A reader error (1007 invalid UTF-8, 1009 too large) must reach the library, which
            // closes with its code; the other tasks would otherwise keep the group open.
            do {
                _ = try await group.next()
            } catch {
                connection.finish()
                group.cancelAll()
                throw error
            }
            connection.finish()
            group.cancelAll()
        }
    }

    /// The reason the connection must close, as soon as the hub revokes it
    /// (`closeSession`/`closeUser` from the routes, or its periodic sweep of
    /// the store); nil when the session ends for another reason first.
    func watchRevocation(_ connection: WebSocketConnection) async -> String? {
        for await reason in connection.revocations { return reason }
        return nil
    }

    /// The reply to one client message.
    func handle(_ text: String, _ connection: WebSocketConnection) async -> String {
        guard let message = try? JSONDecoder().decode(ClientMessage.self, from: Data(text.utf8)) else {
            return WebSocketJSON.error("bad_message", #"expected {"type": "subscribe"|"unsubscribe"|"ping", "channel": ..., "symbol"|"deploymentId": ...}"#)
        }
        switch message.type {
        case "ping": return WebSocketJSON.encode(ServerEvent<String>(type: "pong", channel: nil, data: nil))
        case "subscribe", "unsubscribe":
            do {
                let subscription = try await resolve(message)
                if message.type == "unsubscribe" {
                    _ = connection.unsubscribe(subscription)
                } else if !connection.subscribe(subscription, limit: gateway.configuration.maximumSubscriptionsPerConnection) {
                    return WebSocketJSON.error("too_many_subscriptions",
                                               "at most \(gateway.configuration.maximumSubscriptionsPerConnection) subscriptions per connection")
                }
                return WebSocketJSON.encode(ServerEvent<String>(type: message.type == "subscribe" ? "subscribed" : "unsubscribed",
                                                                channel: subscription.name, data: nil))
            } catch {
                let apiError = APIError.from(error)
                return WebSocketJSON.error(apiError.code, apiError.message)
            }
        default:
            return WebSocketJSON.error("bad_message", "unknown type '\(message.type.prefix(40))'")
        }
    }

    private func resolve(_ message: ClientMessage) async throws -> Subscription {
        guard let name = message.channel, let channel = Subscription.Channel(rawValue: name) else {
            throw APIError.invalid("channel", "must be one of \(Subscription.Channel.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        if channel.isMarket {
            guard let symbol = message.symbol?.uppercased(), gateway.tape.instrument(symbol) != nil else {
                throw APIError.invalid("symbol", "must be a listed symbol")
            }
            return Subscription(channel: channel, key: symbol)
        }
        if channel == .deployments || channel == .alerts { return Subscription(channel: channel, key: String(identity.user.id.rawValue)) }
        guard let id = message.deploymentId else { throw APIError.invalid("deploymentId", "is required for \(name)") }
        let owner = identity.user.id
        let deployment = try await gateway.store.read { try $0.deployment(DeploymentID(id), by: owner) }
        guard deployment.ownerID == identity.user.id else { throw APIError.notFound("deployment") }
        return Subscription(channel: channel, key: String(id))
    }
}

extension WebSocketSession {
    /// Of the connections' sessions and users, those that must close: ended
    /// sessions, and suspended or banned users (two queries per sweep, in
    /// one `store.read` body).
    static func revoked(sessions: Set<String>, users: Set<Int64>, store: MarketplaceStore) throws
        -> (sessions: [String: String], users: [Int64: String]) {
        let live = try store.liveSessions(among: Array(sessions))
        let restricted = try store.restrictedUsers(among: users.map { UserID($0) })
        return (Dictionary(uniqueKeysWithValues: sessions.subtracting(live).map { ($0, "session ended") }),
                Dictionary(uniqueKeysWithValues: restricted.map { ($0.key.rawValue, "account \($0.value)") }))
    }
}

extension Gateway {
    /// The upgrade decision for `GET /ws`: a valid access token in the
    /// `Authorization` header, the `access_token` cookie or the `token`
    /// query parameter. Without one the upgrade is still completed, and the
    /// socket gets the API's error body as an `error` event and closes with
    /// code 4401 (4403 for an account that may not sign in): Hummingbird answers a refused upgrade with a fixed bodiless status, and
    /// a browser never shows a failed handshake's status to the page anyway,
    /// while it does show a close code and the messages before it. A plain
    /// `GET /ws` without upgrade headers is a 401 from the router.
    func webSocketUpgrade(_ request: HTTPRequest) async -> ShouldUpgradeResult<WebSocketDataHandler<HTTP1WebSocketUpgradeChannel.Context>> {
        let uri = URI(request.path ?? "")
        guard uri.path == "/ws" else { return .dontUpgrade }
        var token: String?
        if let header = request.headerFields[.authorization], header.lowercased().hasPrefix("bearer ") {
            token = String(header.dropFirst(7))
        } else if let cookie = request.headerFields[.cookie] {
            token = cookie.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
                .first { $0.hasPrefix("\(AuthCookies.access)=") }.map { String($0.dropFirst(AuthCookies.access.count + 1)) }
            // Cross-site WebSocket hijacking: a browser sends the cookie and its
            // page's Origin; only the allowed origins may use the cookie.
            // A cross-site hijacking attempt is refused at the handshake (400).
            if token != nil, let origin = request.headerFields[.origin], !allowedOrigins.allows(origin) { return .dontUpgrade }
        }
        token = token ?? uri.queryParameters.get("token")
        // The upgrade and the session do not pass through the router's
        // middleware, so they refuse blocking store calls themselves.
        let refuses = configuration.refusesBlockingStoreCalls
        let identity: Identity
        do {
            identity = try await MarketplaceStore.$refusesBlockingCalls.withValue(refuses, operation: {
                try await authenticate(token: token)
            })
        } catch {
            var refusal = APIError.from(error)
            if token == nil { refusal = APIError(status: 401, code: "unauthenticated", message: "an access token is required") }
            return Self.refuse(code: refusal.status == 403 ? 4403 : 4401, refusal)
        }
        return .upgrade([:]) { inbound, outbound, _ in
            try await MarketplaceStore.$refusesBlockingCalls.withValue(refuses) {
                try await WebSocketSession(gateway: self, identity: identity).run(inbound, outbound)
            }
        }
    }

    /// Completes the upgrade only to say why the socket cannot be used: the
    /// error body as an `error` event, then a close with `code`.
    static func refuse(code: UInt16, _ error: APIError)
        -> ShouldUpgradeResult<WebSocketDataHandler<HTTP1WebSocketUpgradeChannel.Context>> {
        .upgrade([:]) { _, outbound, _ in
            try await outbound.write(.text(WebSocketJSON.error(error.code, error.message)))
            try await outbound.close(.unknown(code), reason: error.code)
        }
    }
}
