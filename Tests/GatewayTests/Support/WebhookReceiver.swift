import Foundation
import Hummingbird
import HummingbirdTesting
import Synchronization

/// A loopback HTTP server that records what alert webhooks POST to it.
/// `/hook` answers 200; `/flaky` 500 twice, then 200; `/down` always 500;
/// `/redirect` 302 to `/hook`.
final class WebhookReceiver: Sendable {
    struct Received: Sendable {
        var path: String
        var headers: [String: String]
        var body: Data
        var at: ContinuousClock.Instant
        var json: [String: Any] { (try? JSONSerialization.jsonObject(with: body)) as? [String: Any] ?? [:] }
    }

    private let received = Mutex<[Received]>([])

    func requests(_ path: String? = nil) -> [Received] { received.withLock { $0.filter { path == nil || $0.path == path } } }

    /// Runs `body` with the receiver listening; gives it the port.
    func run<Value: Sendable>(_ body: @Sendable (Int) async throws -> Value) async throws -> Value {
        let router = Router()
        for path in ["hook", "flaky", "down", "redirect"] {
            router.post(RouterPath(stringLiteral: path)) { [self] request, _ -> Response in
                let buffer = try await request.body.collect(upTo: 1 << 20)
                var headers: [String: String] = [:]
                for field in request.headers { headers[field.name.canonicalName] = field.value }
                headers["host"] = request.head.authority
                let count = received.withLock { list -> Int in
                    list.append(Received(path: "/\(path)", headers: headers, body: Data(buffer.readableBytesView), at: .now))
                    return list.filter { $0.path == "/\(path)" }.count
                }
                switch path {
                case "flaky": return Response(status: count <= 2 ? .internalServerError : .ok)
                case "down": return Response(status: .internalServerError)
                case "redirect": return Response(status: .found, headers: [.location: "/hook"])
                default: return Response(status: .ok)
                }
            }
        }
        let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)))
        return try await app.test(.live) { client in try await body(client.port ?? 0) }
    }
}
