import AsyncHTTPClient
import Foundation
import Logging
import Marketplace
import NIOCore
import NIOHTTP1
import Synchronization

/// How alert webhooks are sent (docs/api.md, "Alert webhooks").
public struct WebhookConfiguration: Sendable {
    /// Whether webhooks may target loopback, private, link-local and
    /// reserved addresses (off: a server on a cloud host must not be
    /// steered at its own network; tests turn it on for a loopback receiver).
    public var allowPrivateTargets = false
    /// Attempts in all, the first included; then the delivery fails.
    public var maximumAttempts = 6
    /// The first retry's delay, doubling after each (1, 2, 4, 8, 16 s by default).
    public var firstRetryDelay: Duration = .seconds(1)
    /// One attempt's bound (connect, send, answer).
    public var requestTimeout: Duration = .seconds(10)
    /// Deliveries sent at once.
    public var concurrency = 4
    /// Looks a host name up (nil: the system's resolver). Tests stand in a
    /// name that resolves to loopback, as a rebinding attacker's would.
    public var resolver: (@Sendable (String) async throws -> [String])?

    public init() {}
}

/// Sends the deliveries the store holds: each a POST of the alert's JSON
/// (`AlertView`) or a test event, signed with the webhook's secret in the
/// payments webhook's scheme (`Lunar-Signature: t=<unix seconds>,v1=<hex
/// HMAC-SHA256 of "t.body">`), never following a redirect, to the address
/// the host resolved to and was checked against (`WebhookTarget`). A 2xx
/// answer delivers it; anything else is retried with a doubling delay up to
/// `maximumAttempts`, each attempt recorded in the delivery log.
///
/// Deliveries live in the store, so a restart sends what was waiting. The
/// loop runs only while something waits (`wake` starts it); it sleeps until
/// the next retry is due, at most `pollInterval`.
final class WebhookDispatcher: Sendable {
    static let pollInterval: Duration = .milliseconds(250)
    let configuration: WebhookConfiguration
    private let store: MarketplaceStore
    private let running = Mutex<(active: Bool, again: Bool)>((false, false))
    private let logger = Logger(label: "lunar.webhooks")
    let nowMilliseconds: @Sendable () -> Int64

    init(store: MarketplaceStore, configuration: WebhookConfiguration,
         nowMilliseconds: @escaping @Sendable () -> Int64 = { Int64(Date().timeIntervalSince1970 * 1_000) }) {
        self.store = store
        self.configuration = configuration
        self.nowMilliseconds = nowMilliseconds
    }

    /// Something may be due: starts the loop unless it runs (then it looks again before it sleeps).
    func wake() {
        let start = running.withLock { state -> Bool in
            if state.active { state.again = true; return false }
            state = (true, false)
            return true
        }
        guard start else { return }
        Task.detached { [self] in await loop() }
    }

    private func loop() async {
        while true {
            running.withLock { $0.again = false }
            let due = (try? await store.read { [self] in try $0.dueDeliveries(at: nowMilliseconds(), limit: configuration.concurrency * 4) }) ?? []
            if !due.isEmpty {
                await withTaskGroup(of: Void.self) { group in
                    var started = 0
                    for delivery in due {
                        if started >= configuration.concurrency { await group.next() }
                        group.addTask { [self] in await send(delivery) }
                        started += 1
                    }
                }
                continue
            }
            let next = try? await store.read { try $0.nextDeliveryDue() }
            let stop = running.withLock { state -> Bool in
                guard next == nil, !state.again else { return false }
                state.active = false
                return true
            }
            if stop { return }
            let wait = next.map { Duration.milliseconds(max(0, $0 - nowMilliseconds())) } ?? .zero
            try? await Task.sleep(for: min(wait, Self.pollInterval))
        }
    }

    private func send(_ due: DueDelivery) async {
        let delivery = due.delivery
        let outcome: DeliveryOutcome
        do {
            let status = try await post(due)
            if (200..<300).contains(status) {
                outcome = .delivered(status: status)
            } else {
                outcome = retryOrFail(delivery, status: status,
                                      error: (300..<400).contains(status) ? "answered \(status) (redirects are not followed)" : "answered \(status)")
            }
        } catch let error as WebhookError where error.permanent {
            outcome = .failed(status: nil, error: error.description)
        } catch {
            outcome = retryOrFail(delivery, status: nil, error: "\(error)")
        }
        do {
            try await store.write { try $0.recordDeliveryAttempt(delivery.id, outcome) }
        } catch {
            logger.error("delivery \(delivery.id): its attempt could not be recorded: \(error)")
        }
    }

    private func retryOrFail(_ delivery: WebhookDelivery, status: Int?, error: String) -> DeliveryOutcome {
        let attempts = delivery.attempts + 1
        guard attempts < configuration.maximumAttempts else {
            return .failed(status: status, error: "\(error); gave up after \(attempts) attempts")
        }
        let delay = configuration.firstRetryDelay * (1 << min(attempts - 1, 20))
        let (seconds, attoseconds) = delay.components
        return .retry(status: status, error: error, nextAttemptAt: nowMilliseconds() + seconds * 1_000 + attoseconds / 1_000_000_000_000_000)
    }

    /// One attempt: the HTTP status of the answer.
    private func post(_ due: DueDelivery) async throws -> Int {
        let target: WebhookTarget
        do {
            target = try WebhookTarget(due.webhook.url, allowPrivate: configuration.allowPrivateTargets)
        } catch let error as APIError {
            throw WebhookError("the webhook's URL is no longer allowed: \(error.message)", permanent: true)
        }
        let addresses: [String]
        if let resolver = configuration.resolver, !WebhookTarget.isAddress(target.host) {
            addresses = try await resolver(target.host)
        } else {
            addresses = try await target.resolve()
        }
        if !configuration.allowPrivateTargets, let refused = addresses.first(where: { !WebhookTarget.isPublic($0) }) {
            throw WebhookError("refused: \(target.host) resolves to \(refused), a loopback, private or reserved address", permanent: true)
        }
        guard let address = addresses.first else { throw WebhookError("\(target.host) resolves to no address") }

        let body = try Self.body(due)
        let timestamp = nowMilliseconds() / 1_000
        var settings = HTTPClient.Configuration(redirectConfiguration: .disallow,
                                                timeout: .init(connect: TimeAmount(configuration.requestTimeout),
                                                               read: TimeAmount(configuration.requestTimeout)))
        // Connect to the address just checked: no second lookup the name's owner could answer differently.
        if !WebhookTarget.isAddress(target.host) { settings.dnsOverride = [target.host: address] }
        let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: settings)
        do {
            var request = HTTPClientRequest(url: target.text)
            request.method = .POST
            request.headers.add(name: "Content-Type", value: "application/json")
            request.headers.add(name: "User-Agent", value: "Lunar-Webhooks/1")
            request.headers.add(name: "Lunar-Event", value: due.delivery.event)
            request.headers.add(name: "Lunar-Delivery", value: String(due.delivery.id))
            request.headers.add(name: "Lunar-Signature", value: PaymentSignature.sign(body, secret: due.webhook.secret, timestamp: timestamp))
            request.body = .bytes(ByteBuffer(bytes: body))
            let response = try await client.execute(request, timeout: TimeAmount(configuration.requestTimeout))
            _ = try? await response.body.collect(upTo: 64 * 1_024)
            try? await client.shutdown()
            return Int(response.status.code)
        } catch {
            try? await client.shutdown()
            throw error
        }
    }

    /// What a delivery POSTs: `{"event": "alert", "deliveryId", "alert": {...}}` or a test event.
    static func body(_ due: DueDelivery) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        if due.delivery.event == "test" {
            return try encoder.encode(TestEvent(deliveryId: due.delivery.id, webhookId: due.webhook.id.rawValue))
        }
        guard let alert = due.alert else { throw WebhookError("the alert is no longer kept", permanent: true) }
        return try encoder.encode(AlertEvent(deliveryId: due.delivery.id, alert: AlertView(alert)))
    }

    struct AlertEvent: Encodable {
        var event = "alert"
        var deliveryId: Int64
        var alert: AlertView
    }

    struct TestEvent: Encodable {
        var event = "test"
        var deliveryId: Int64
        var webhookId: Int64
        var message = "a test event from Lunar: this webhook is reachable and its signature checks out"
    }
}

extension WebhookError {
    init(_ description: String, permanent: Bool) {
        self.init(description)
        self.permanent = permanent
    }
}
