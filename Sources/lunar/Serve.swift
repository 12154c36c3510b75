import ArgumentParser
import Foundation
import Gateway
import Host
import Logging
import Marketplace
import Platform

/// `lunar serve`: the HTTP and WebSocket API over an embedded database, the
/// bundled templates and a live market feed. Every flag has an environment
/// variable (named in its help); a flag wins over the variable.
struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Start the Lunar API server (docs/api.md).")

    @Option(help: "Address to listen on [LUNAR_HOST, default 127.0.0.1].") var host: String?
    @Option(help: "Port [LUNAR_PORT, default 8080; 0 picks a free one].") var port: Int?
    @Option(help: "SQLite database file [LUNAR_DATABASE, default var/lunar.sqlite].") var database: String?
    @Option(help: "File holding the JWT secret, made on first start [LUNAR_JWT_SECRET_FILE, default var/jwt-secret]; LUNAR_JWT_SECRET overrides it.")
    var jwtSecretFile: String?
    @Option(help: "\"synthetic\" or a CSV of bars to replay [LUNAR_FEED, default synthetic].") var feed: String?
    @Option(help: "Market time per real second [LUNAR_FEED_SPEED, default 60].") var feedSpeed: Double?
    @Option(help: "Where deployments run: isolated (worker processes) or in-process [LUNAR_HOST_MODE, default isolated].")
    var hostMode: String?
    @Option(help: "Worker processes or threads [LUNAR_WORKERS, default: cores].") var workers: Int?
    @Option(help: "Auth requests per minute per client address [LUNAR_AUTH_RATE_LIMIT, default 30].") var authRateLimit: Int?
    @Option(help: "API requests per minute per user [LUNAR_API_RATE_LIMIT, default 600].") var apiRateLimit: Int?
    @Option(help: "Requests per minute per client address without a signed-in user, outside /api/auth [LUNAR_ANONYMOUS_RATE_LIMIT, default 300].")
    var anonymousRateLimit: Int?
    @Option(help: "Deployments per user [LUNAR_MAX_DEPLOYMENTS, default 10].") var maxDeployments: Int?
    @Option(help: "Sandbox jobs (validations, backtests) that may wait for a worker [LUNAR_MAX_QUEUED_SANDBOX_JOBS, default 16].")
    var maxQueuedSandboxJobs: Int?
    @Option(help: "Sandbox jobs one user may have running or waiting [LUNAR_MAX_SANDBOX_JOBS_PER_USER, default 3].")
    var maxSandboxJobsPerUser: Int?
    @Option(help: "bcrypt cost of new password hashes, 4-31 [LUNAR_BCRYPT_COST, default 12; below 10 only for tests and benchmarks].")
    var bcryptCost: Int?
    @Option(help: "Comma-separated proxy addresses whose X-Forwarded-For is trusted [LUNAR_TRUSTED_PROXIES].")
    var trustedProxies: String?
    @Option(help: "Comma-separated origins (scheme://host[:port]) cookie-authenticated writes may come from [LUNAR_ALLOWED_ORIGINS; default: this server's http://host:port, http://localhost:port, http://127.0.0.1:port].")
    var allowedOrigins: String?
    @Option(help: "Seconds a request head may take to arrive [LUNAR_HEADER_TIMEOUT, default 10].") var headerTimeout: Double?
    @Option(help: "Seconds a request body may take to arrive after its head [LUNAR_BODY_TIMEOUT, default 30].") var bodyTimeout: Double?
    @Option(help: "Seconds a kept-alive connection may wait for its next request [LUNAR_IDLE_TIMEOUT, default 60].") var idleTimeout: Double?
    @Option(help: "Open connections per client socket address; raise it behind a proxy [LUNAR_MAX_CONNECTIONS_PER_ADDRESS, default 64].")
    var maxConnectionsPerAddress: Int?
    @Option(help: "Bytes of a request's target and header fields before 431 [LUNAR_MAX_HEADER_BYTES, default 16384].") var maxHeaderBytes: Int?
    @Option(help: "HMAC secret of the payment webhook [LUNAR_WEBHOOK_SECRET; unset: webhook disabled].") var webhookSecret: String?
    @Flag(help: "Send token cookies without Secure (plain-HTTP development) [LUNAR_INSECURE_COOKIES=1].")
    var insecureCookies = false
    @Flag(help: "Let alert webhooks target loopback, private and link-local addresses (a private network, local testing) [LUNAR_ALLOW_PRIVATE_WEBHOOKS=1].")
    var allowPrivateWebhooks = false
    @Option(help: "Templates folder [default templates].") var templates: String = "templates"
    @Option(help: "The web console's folder, served at / [LUNAR_CONSOLE, default console].") var console: String?
    @Option(help: "Strategy scripts folder [default strategies].") var strategies: String = "strategies"
    @Option(help: "Sample bars for upload validation and the default backtest dataset; every .csv beside it is a bundled dataset [default data/sample-btcusd-1h.csv].")
    var sampleData: String = "data/sample-btcusd-1h.csv"

    func run() async throws {
        let environment = ProcessInfo.processInfo.environment
        var logger = Logger(label: "lunar")
        logger.logLevel = environment["LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:)) ?? .info

        var configuration = GatewayConfiguration()
        configuration.host = host ?? environment["LUNAR_HOST"] ?? "127.0.0.1"
        configuration.port = try port ?? environment.integer("LUNAR_PORT") ?? 8080
        configuration.authRateLimit = try authRateLimit ?? environment.integer("LUNAR_AUTH_RATE_LIMIT") ?? 30
        configuration.apiRateLimit = try apiRateLimit ?? environment.integer("LUNAR_API_RATE_LIMIT") ?? 600
        configuration.anonymousRateLimit = try anonymousRateLimit ?? environment.integer("LUNAR_ANONYMOUS_RATE_LIMIT") ?? 300
        configuration.maximumDeploymentsPerUser = try maxDeployments ?? environment.integer("LUNAR_MAX_DEPLOYMENTS") ?? 10
        configuration.maximumQueuedSandboxJobs = try maxQueuedSandboxJobs ?? environment.integer("LUNAR_MAX_QUEUED_SANDBOX_JOBS") ?? 16
        configuration.maximumSandboxJobsPerUser = try maxSandboxJobsPerUser ?? environment.integer("LUNAR_MAX_SANDBOX_JOBS_PER_USER") ?? 3
        let cost = try bcryptCost ?? environment.integer("LUNAR_BCRYPT_COST") ?? 12
        guard (4...31).contains(cost) else { throw ValidationError("the bcrypt cost must be 4 to 31, got \(cost)") }
        configuration.bcryptCost = UInt8(cost)
        configuration.trustedProxies = Set((trustedProxies ?? environment["LUNAR_TRUSTED_PROXIES"] ?? "")
            .split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty })
        configuration.allowedOrigins = (allowedOrigins ?? environment["LUNAR_ALLOWED_ORIGINS"] ?? "")
            .split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        configuration.headerTimeout = try Self.seconds(headerTimeout ?? environment.double("LUNAR_HEADER_TIMEOUT") ?? 10, "header timeout")
        configuration.bodyTimeout = try Self.seconds(bodyTimeout ?? environment.double("LUNAR_BODY_TIMEOUT") ?? 30, "body timeout")
        configuration.idleTimeout = try Self.seconds(idleTimeout ?? environment.double("LUNAR_IDLE_TIMEOUT") ?? 60, "idle timeout")
        configuration.maximumConnectionsPerAddress = try maxConnectionsPerAddress ?? environment.integer("LUNAR_MAX_CONNECTIONS_PER_ADDRESS") ?? 64
        configuration.maximumHeaderBytes = try maxHeaderBytes ?? environment.integer("LUNAR_MAX_HEADER_BYTES") ?? 16_384
        guard configuration.maximumConnectionsPerAddress >= 1, configuration.maximumHeaderBytes >= 1_024 else {
            throw ValidationError("--max-connections-per-address must be at least 1 and --max-header-bytes at least 1024")
        }
        configuration.paymentWebhookSecret = webhookSecret ?? environment["LUNAR_WEBHOOK_SECRET"]
        configuration.secureCookies = !(insecureCookies || environment["LUNAR_INSECURE_COOKIES"] == "1")
        configuration.consoleDirectory = console ?? environment["LUNAR_CONSOLE"] ?? "console"
        configuration.webhooks.allowPrivateTargets = allowPrivateWebhooks || environment["LUNAR_ALLOW_PRIVATE_WEBHOOKS"] == "1"

        let databasePath = database ?? environment["LUNAR_DATABASE"] ?? "var/lunar.sqlite"
        try FileManager.default.createDirectory(at: URL(fileURLWithPath: databasePath).deletingLastPathComponent(),
                                                withIntermediateDirectories: true)
        let secret = try environment["LUNAR_JWT_SECRET"]
            ?? ServerSecrets.jwtSecret(file: jwtSecretFile ?? environment["LUNAR_JWT_SECRET_FILE"] ?? "var/jwt-secret", logger: logger)
        // HS256 keys shorter than the hash are weak, and jwt-kit traps on them.
        guard secret.utf8.count >= 32 else {
            throw ValidationError("the JWT secret (LUNAR_JWT_SECRET or its file) must be at least 32 bytes, got \(secret.utf8.count)")
        }

        let workerCount = try workers ?? environment.integer("LUNAR_WORKERS") ?? ProcessInfo.processInfo.activeProcessorCount
        let modeName = hostMode ?? environment["LUNAR_HOST_MODE"] ?? "isolated"
        let mode: HostMode
        // One-off jobs (upload validation, API backtests) run in workers of
        // their own at a lower priority, so a busy script never slows the API.
        var jobIsolation: IsolationConfiguration?
        switch modeName {
        case "isolated":
            let isolation = IsolationConfiguration(executablePath: IsolationConfiguration.siblingExecutable(), workers: workerCount)
            mode = .isolated(isolation)
            jobIsolation = isolation
            jobIsolation?.niceness = 10
            configuration.backtestIsolation = jobIsolation
        case "in-process": mode = .inProcess(.init(workers: workerCount))
        default: throw ValidationError("--host-mode must be isolated or in-process")
        }
        configuration.hostModeName = modeName
        configuration.concurrentSandboxJobs = workerCount
        configuration.sampleDataPath = sampleData

        let relay = DeploymentEventRelay()
        let deploymentHost = try makeDeploymentHost(mode) { id, notification in relay.receive(id, notification) }
        let store = try MarketplaceStore(.init(path: databasePath, validator: try SandboxValidator(sampleCSV: URL(fileURLWithPath: sampleData),
                                                                                                 isolation: jobIsolation)))
        let loaded = try store.loadTemplates(from: URL(fileURLWithPath: templates), strategiesDirectory: URL(fileURLWithPath: strategies))
        logger.info("database open", metadata: ["path": .string(databasePath), "templates": .stringConvertible(loaded.count)])

        let (tape, startFeed) = try MarketSetup.make(feed: feed ?? environment["LUNAR_FEED"] ?? "synthetic",
                                                     speed: try feedSpeed ?? environment.double("LUNAR_FEED_SPEED"),
                                                     continuing: try store.latestEquityTime())
        let gateway = await Gateway(configuration: configuration, store: store, host: deploymentHost, jwtSecret: secret,
                                    tape: tape, relay: relay)
        try await ServerSecrets.bootstrapAdmin(gateway, environment: environment)
        // The emergency stops engaged before the restart hold before any
        // market data or deployment moves (resumeDeployments restores them too).
        let restored = try await gateway.restoreKillSwitches()
        if restored > 0 { logger.warning("kill switches engaged", metadata: ["count": .stringConvertible(restored)]) }
        let feedRunner = MarketFeed(tape: tape)
        startFeed(feedRunner, deploymentHost)
        let resumed = try await gateway.resumeDeployments()
        if resumed > 0 { logger.info("resumed deployments", metadata: ["count": .stringConvertible(resumed)]) }

        let listenHost = configuration.host
        let app = gateway.application(logger: logger) { port in
            Quickstart.print(host: listenHost, port: port, hostMode: modeName)
        }
        try await app.runService()
        // SIGTERM/SIGINT: the server has finished in-flight requests; now stop
        // the feed, save every deployment's checkpoint, then stop the
        // strategies (that stop is neither saved nor journaled: the next start
        // resumes them as they were), and let the store close (WAL synced on
        // every commit).
        logger.info("shutting down: stopping the feed and deployments")
        feedRunner.stop()
        gateway.shutDown()
        logger.info("stopped")
    }
}

extension Serve {
    /// A positive number of seconds as a `Duration`.
    static func seconds(_ value: Double, _ name: String) throws -> Duration {
        guard value.isFinite, value > 0 else { throw ValidationError("the \(name) must be a positive number of seconds") }
        return .milliseconds(Int64(value * 1_000))
    }
}

extension [String: String] {
    func integer(_ name: String) throws -> Int? {
        guard let text = self[name] else { return nil }
        guard let value = Int(text) else { throw ValidationError("\(name) must be an integer, got '\(text)'") }
        return value
    }
    func double(_ name: String) throws -> Double? {
        guard let text = self[name] else { return nil }
        guard let value = Double(text), value.isFinite, value >= 0 else { throw ValidationError("\(name) must be a number ≥ 0") }
        return value
    }
}
