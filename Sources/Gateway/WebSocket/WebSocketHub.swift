import Foundation
import Host
import Marketplace
import Platform
import Synchronization

/// Every open WebSocket connection, and the fan-out of market events (from
/// the tape) and deployment notifications (from the platform) to the
/// connections subscribed to them. Encodes an event once, only if someone
/// listens.
final class WebSocketHub: Sendable {
    let maximumConnectionsPerUser: Int
    private let connections = Mutex<[UUID: WebSocketConnection]>([:])
    /// The one task that re-checks every open connection's session and
    /// account against the store while any connection is open.
    private let sweeper = Mutex<Task<Void, Never>?>(nil)
    /// How often the sweep runs: revocations that did not go through the
    /// routes (another process, a refresh-token reuse, expiry, an operator's
    /// CLI) close their sockets within this.
    static let sweepInterval = Duration.milliseconds(300)

    init(maximumConnectionsPerUser: Int) { self.maximumConnectionsPerUser = maximumConnectionsPerUser }

    /// Registers a connection unless its user has the maximum open already.
    func register(_ connection: WebSocketConnection) -> Bool {
        connections.withLock { connections in
            guard connections.values.filter({ $0.userID == connection.userID }).count < maximumConnectionsPerUser else { return false }
            connections[connection.id] = connection
            return true
        }
    }

    func unregister(_ connection: WebSocketConnection) {
        _ = connections.withLock { $0.removeValue(forKey: connection.id) }
        connection.finish()
    }

    var count: Int { connections.withLock { $0.count } }

    /// Starts the sweep unless it runs. `check` gets the open connections'
    /// session ids and user ids and returns those to close, with reasons.
    func startSweeping(every interval: Duration,
                       check: @escaping @Sendable (Set<String>, Set<Int64>) async throws -> (sessions: [String: String], users: [Int64: String])) {
        sweeper.withLock { sweeper in
            guard sweeper == nil else { return }
            sweeper = Task.detached { [weak self] in
                while let hub = self, !Task.isCancelled {
                    try? await Task.sleep(for: interval)
                    let open = hub.connections.withLock { Array($0.values) }
                    guard !open.isEmpty else {
                        // Stop while idle; the next connection starts a new sweep.
                        if hub.sweeper.withLock({ sweeper in
                            guard hub.connections.withLock({ $0.isEmpty }) else { return false }
                            sweeper = nil
                            return true
                        }) { return }
                        continue
                    }
                    // A database hiccup is not a revocation: the next sweep looks again.
                    guard let revoked = try? await check(Set(open.map(\.sessionID)), Set(open.map(\.userID))) else { continue }
                    for connection in open {
                        if let reason = revoked.sessions[connection.sessionID] ?? revoked.users[connection.userID] {
                            connection.revoke(reason: reason)
                        }
                    }
                }
            }
        }
    }

    /// Closes the connections opened with session `sessionID` (logout).
    func closeSession(_ sessionID: String, reason: String) {
        connections.withLock { $0.values.filter { $0.sessionID == sessionID } }.forEach { $0.revoke(reason: reason) }
    }

    /// Closes every connection of `user` but those of session `kept`
    /// (ban, suspension, password change or reset).
    func closeUser(_ user: UserID, except kept: String? = nil, reason: String) {
        connections.withLock { $0.values.filter { $0.userID == user.rawValue && $0.sessionID != kept } }.forEach { $0.revoke(reason: reason) }
    }

    func publish(_ subscription: Subscription, _ text: () -> String) {
        let targets = connections.withLock { $0.values.filter { $0.isSubscribed(subscription) } }
        guard !targets.isEmpty else { return }
        let message = text()
        for connection in targets { connection.send(message) }
    }

    /// Market events as `ticks`, `candles` and `book` events.
    func publish(_ events: [MarketEvent], tape: MarketTape) {
        for event in events {
            guard let instrument = tape.instrument(event.symbol) else { continue }
            switch event.payload {
            case .trade(let trade):
                publish(Subscription(channel: .ticks, key: event.symbol)) {
                    Self.event("tick", .ticks, event.symbol, MarketRoutes.PriceView(symbol: event.symbol, price: APIUnits.price(trade.price, instrument),
                                                                                     time: Timestamp(trade.time)))
                }
            case .bar(let bar, _):
                publish(Subscription(channel: .candles, key: event.symbol)) {
                    Self.event("candle", .candles, event.symbol, MarketRoutes.CandleView(bar, instrument))
                }
            case .book(let book):
                publish(Subscription(channel: .book, key: event.symbol)) {
                    Self.event("book", .book, event.symbol, MarketRoutes.BookView(symbol: event.symbol, book: book, instrument))
                }
            }
        }
    }

    /// Deployment notifications as `order`, `fill`, `positions`, `log` and
    /// `status` events, in the same views as the REST routes.
    func publish(_ deploymentID: Int64, _ notification: DeploymentNotification, platform: Platform, tape: MarketTape) {
        let key = String(deploymentID), id = DeploymentID(deploymentID)
        // A running deployment trades the feed's instruments (it was launched
        // with them): no snapshot of its account per order or fill.
        let instruments = InstrumentResolver(tape: tape)
        switch notification {
        case .order(let order):
            publish(Subscription(channel: .orders, key: key)) { Self.event("order", .orders, key, OrderView(order, instruments(order.symbol))) }
        case .fill(let fill):
            publish(Subscription(channel: .fills, key: key)) {
                Self.event("fill", .fills, key, FillView(fill, id: Platform.fillID(fill), instruments(fill.symbol)))
            }
            publish(Subscription(channel: .positions, key: key)) {
                let snapshot = platform.snapshot(id)
                let resolver = InstrumentResolver(account: snapshot?.instruments ?? [], tape: tape)
                return Self.event("positions", .positions, key,
                                  snapshot?.positions.map { PositionView($0, resolver($0.symbol), mark: snapshot?.marks[$0.symbol]) } ?? [])
            }
        case .log(let entry):
            publish(Subscription(channel: .logs, key: key)) { Self.event("log", .logs, key, LogEntryView(entry, sequence: nil)) }
        case .equity(let sample):
            publish(Subscription(channel: .equity, key: key)) { Self.event("equity", .equity, key, EquityPointView(sample)) }
        case .status(let status):
            publish(Subscription(channel: .deployment, key: key)) {
                Self.event("status", .deployment, key, DeploymentStatusEvent(status))
            }
            if let owner = platform.owner(of: id) {
                let ownerKey = String(owner.rawValue)
                publish(Subscription(channel: .deployments, key: ownerKey)) {
                    var event = DeploymentStatusEvent(status)
                    event.deploymentId = deploymentID
                    return Self.event("deployment", .deployments, ownerKey, event)
                }
            }
        }
    }

    /// An alert raised or resolved, to its owner's `alerts` channel.
    func publish(_ alert: Alert) {
        let key = String(alert.draft.ownerID.rawValue)
        publish(Subscription(channel: .alerts, key: key)) { Self.event("alert", .alerts, key, AlertView(alert)) }
    }

    static func event(_ type: String, _ channel: Subscription.Channel, _ key: String, _ data: some Encodable) -> String {
        WebSocketJSON.encode(ServerEvent(type: type, channel: "\(channel.rawValue):\(key)", data: data))
    }
}

/// A `status` event: the host's status of a deployment and why.
struct DeploymentStatusEvent: Codable, Sendable {
    /// On `deployment` events of the `deployments` channel.
    var deploymentId: Int64?
    /// `ready`, `running`, `halted`, `faulted` or `stopped`.
    var status: String
    var reason: String?

    init(_ status: DeploymentStatus) {
        self.status = status.apiName
        switch status {
        case .halted(let reason), .faulted(let reason): self.reason = reason
        case .ready, .running, .stopped: reason = nil
        }
    }
}
