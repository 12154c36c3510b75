import Foundation
import Gateway
import Host
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import Marketplace
import Platform
import TestSupport

/// A clock the test moves by hand (the store's and the Gateway's).
final class ManualClock: WallClock, @unchecked Sendable {
    private let lock = NSLock()
    private var seconds: Int64
    init(_ start: Int64 = Int64(Date().timeIntervalSince1970)) { seconds = start }
    var now: Int64 { lock.withLock { seconds } }
    func advance(_ delta: Int64) { lock.withLock { seconds += delta } }
}

/// A Gateway on a temp SQLite file and an in-process host, started on a
/// loopback port by HummingbirdTesting's `.live` framework (real HTTP).
/// Given a `directory`, it opens the database a previous fixture left there
/// (a server restart); the fixture that made the folder removes it unless
/// its `ownsDirectory` is handed over.
final class GatewayFixture: @unchecked Sendable {
    static let secret = "test-secret-0123456789abcdef0123456789"
    let directory: URL
    var ownsDirectory = true
    let clock = ManualClock()
    let store: MarketplaceStore
    let host: any DeploymentHost
    let gateway: Gateway

    /// `validatorIsolation`: validate uploads in worker processes, as `lunar serve` does.
    init(configure: (inout GatewayConfiguration) -> Void = { _ in }, hostMode: HostMode = .inProcess(.init(workers: 1)),
         validatorIsolation: IsolationConfiguration? = nil, directory existing: URL? = nil) async throws {
        directory = existing ?? FileManager.default.temporaryDirectory.appendingPathComponent("gateway-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        var configuration = GatewayConfiguration()
        configuration.port = 0
        configuration.bcryptCost = 4
        configuration.hostModeName = "in-process"
        configure(&configuration)
        let relay = DeploymentEventRelay()
        host = try makeDeploymentHost(hostMode) { id, notification in relay.receive(id, notification) }
        store = try MarketplaceStore(.init(path: directory.appendingPathComponent("lunar.sqlite").path,
                                           validator: SandboxValidator(sampleCSV: TestPaths.data("sample-btcusd-1h.csv"), barLimit: 300,
                                                                       isolation: validatorIsolation),
                                           clock: clock))
        gateway = await Gateway(configuration: configuration, store: store, host: host, jwtSecret: Self.secret,
                                relay: relay, clock: clock)
    }

    deinit {
        gateway.shutDown()
        if ownsDirectory { try? FileManager.default.removeItem(at: directory) }
    }

    /// Runs `body` against the server on a loopback port.
    func run<Value: Sendable>(_ body: @Sendable (API) async throws -> Value) async throws -> Value {
        var logger = Logger(label: "gateway-tests")
        logger.logLevel = .error
        return try await gateway.application(logger: logger).test(.live) { client in try await body(API(client: client)) }
    }
}

/// A thin JSON client over the test client.
struct API: Sendable {
    let client: any TestClientProtocol
    var port: Int { client.port ?? 0 }

    struct Reply: Sendable {
        let status: Int
        let headers: HTTPFields
        let text: String
        var json: [String: Any] { (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any] ?? [:] }
        var list: [[String: Any]] { (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [[String: Any]] ?? [] }
        /// The items of a cursor page (`{"<name>": [...], "nextCursor": ...}`).
        func page(_ name: String) -> [[String: Any]] { json[name] as? [[String: Any]] ?? [] }
        var errorCode: String? { (json["error"] as? [String: Any])?["code"] as? String }
        var errorMessage: String { ((json["error"] as? [String: Any])?["message"] as? String) ?? "" }
        var errorDetails: [[String: Any]] { ((json["error"] as? [String: Any])?["details"] as? [[String: Any]]) ?? [] }
        func header(_ name: String) -> String? { HTTPField.Name(name).flatMap { headers[$0] } }
        func cookies() -> [String] { headers[values: .setCookie] }
    }

    @discardableResult
    func call(_ method: HTTPRequest.Method, _ uri: String, json: [String: Any]? = nil, raw: String? = nil,
              token: String? = nil, headers extra: [String: String] = [:]) async throws -> Reply {
        var headers: HTTPFields = [:]
        var body: ByteBuffer?
        if let json {
            headers[.contentType] = "application/json"
            body = ByteBuffer(bytes: try JSONSerialization.data(withJSONObject: json))
        } else if let raw {
            headers[.contentType] = "application/json"
            body = ByteBuffer(string: raw)
        }
        if let token { headers[.authorization] = "Bearer \(token)" }
        for (name, value) in extra { headers[HTTPField.Name(name)!] = value }
        let response = try await client.execute(uri: uri, method: method, headers: headers, body: body)
        return Reply(status: Int(response.status.code), headers: response.headers, text: String(buffer: response.body))
    }

    /// The same call on a connection of its own (the shared test client
    /// pipelines every call on one connection, which serializes them).
    @discardableResult
    func callAlone(_ method: HTTPRequest.Method, _ uri: String, json: [String: Any]? = nil, token: String? = nil,
                   headers extra: [String: String] = [:]) async throws -> Reply {
        try await Self.callAlone(port: port, method, uri, json: json, token: token, headers: extra)
    }

    /// One request on a connection of its own to any loopback server.
    static func callAlone(port: Int, _ method: HTTPRequest.Method, _ uri: String, json: [String: Any]? = nil, token: String? = nil,
                          headers extra: [String: String] = [:]) async throws -> Reply {
        var headers: HTTPFields = [:]
        var body: ByteBuffer?
        if let json {
            headers[.contentType] = "application/json"
            body = ByteBuffer(bytes: try JSONSerialization.data(withJSONObject: json))
        }
        if let token { headers[.authorization] = "Bearer \(token)" }
        for (name, value) in extra { headers[HTTPField.Name(name)!] = value }
        let request = TestClient.Request(uri, method: method, headers: headers, body: body)
        // Racing calls queue behind each other by design (one lifecycle
        // command per deployment at a time): under the parallel suite fifty of
        // them can outlast the client's default 15 s read timeout.
        return try await TestClient.withClient(host: "127.0.0.1", port: port, configuration: .init(timeout: .seconds(60))) { client in
            let response = try await client.execute(request)
            return Reply(status: Int(response.status.code), headers: response.headers, text: response.body.map { String(buffer: $0) } ?? "")
        }
    }

    /// Registers `name` with a valid password and signs in; returns the login reply's tokens.
    func signUp(_ name: String, password: String = "correct-horse-42") async throws -> (access: String, refresh: String, id: Int) {
        let registered = try await call(.post, "/api/auth/register", json: ["username": name, "email": "\(name)@example.com", "password": password])
        precondition(registered.status == 201, "register \(name): \(registered.text)")
        return try await signIn(name, password: password)
    }

    func signIn(_ login: String, password: String = "correct-horse-42") async throws -> (access: String, refresh: String, id: Int) {
        let reply = try await call(.post, "/api/auth/login", json: ["login": login, "password": password])
        precondition(reply.status == 200, "login \(login): \(reply.text)")
        let user = reply.json["user"] as? [String: Any] ?? [:]
        return (reply.json["accessToken"] as? String ?? "", reply.json["refreshToken"] as? String ?? "", user["id"] as? Int ?? 0)
    }
}
