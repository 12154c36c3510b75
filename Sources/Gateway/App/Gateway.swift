import Host
import Hummingbird
import HummingbirdWebSocket
import Logging
import Marketplace
import Synchronization

/// The HTTP API over a `MarketplaceStore` and a `DeploymentHost`. The
/// Gateway never runs strategy code: deployments run in the host (worker
/// processes in `lunar serve`), backtests in isolated workers or threads.
public final class Gateway: Sendable {
    public let configuration: GatewayConfiguration
    public let store: MarketplaceStore
    public let host: any DeploymentHost
    let tokens: TokenService
    let passwords: PasswordHasher
    let authLimiter: RateLimiter
    let apiLimiter: RateLimiter
    let anonymousLimiter: RateLimiter
    let clock: any WallClock
    /// The market the feed publishes (market-data routes read it).
    public let tape: MarketTape
    let relay: DeploymentEventRelay
    let runtime: DeploymentRuntime
    let backtests: BacktestJobs
    let webSockets: WebSocketHub
    /// Serializes kill-switch changes, so the host applies them in the order
    /// the store committed them (the store holds them; the host enforces them).
    let killSwitchChanges = Mutex(())
    /// Encoded listings for search pages (`ListingJSONCache`).
    let listingJSON = ListingJSONCache()

    public init(configuration: GatewayConfiguration, store: MarketplaceStore, host: any DeploymentHost,
                jwtSecret: String, tape: MarketTape = MarketTape(instruments: SyntheticMarket().instruments),
                relay: DeploymentEventRelay = DeploymentEventRelay(), clock: any WallClock = SystemWallClock()) async {
        self.configuration = configuration
        self.store = store
        self.host = host
        self.clock = clock
        self.tape = tape
        self.relay = relay
        runtime = DeploymentRuntime(store: store, host: host, tape: tape, relay: relay)
        let hub = WebSocketHub(maximumConnectionsPerUser: configuration.maximumWebSocketsPerUser)
        webSockets = hub
        let runtime = self.runtime
        _ = runtime.addListener { id, notification in hub.publish(id, notification, runtime: runtime) }
        tape.addObserver { events in hub.publish(events, tape: tape) }
        backtests = BacktestJobs(samplePath: configuration.sampleDataPath, isolation: configuration.backtestIsolation,
                                 concurrentPerUser: configuration.maximumBacktestsPerUser)
        tokens = await TokenService.make(secret: jwtSecret, accessLifetime: configuration.accessTokenLifetime)
        passwords = PasswordHasher(cost: configuration.bcryptCost)
        authLimiter = RateLimiter(limit: configuration.authRateLimit, windowSeconds: configuration.rateLimitWindowSeconds)
        apiLimiter = RateLimiter(limit: configuration.apiRateLimit, windowSeconds: configuration.rateLimitWindowSeconds)
        anonymousLimiter = RateLimiter(limit: configuration.anonymousRateLimit, windowSeconds: configuration.rateLimitWindowSeconds)
    }

    var now: Int64 { clock.now }

    /// Every route, in one table (`Routes/`).
    public func router() -> Router<GatewayContext> {
        let router = Router(context: GatewayContext.self)
        router.add(middleware: RequestIDMiddleware(clientAddress: ClientAddress(trustedProxies: configuration.trustedProxies)))
        let api = router.group("api")
        let clock = self.clock
        HealthRoutes(gateway: self).add(to: api.group()
            .add(middleware: RateLimitMiddleware(limiter: anonymousLimiter, key: .clientAddress, clock: { clock.now })))
        let auth = api.group("auth")
            .add(middleware: RateLimitMiddleware(limiter: authLimiter, key: .clientAddress, clock: { clock.now }))
        AuthRoutes(gateway: self).add(to: auth)
        // Authentication only resolves who is calling, so that a request
        // without a valid token is still counted (in the anonymous tier)
        // before `RequireIdentity` refuses it.
        let user = api.group()
            .add(middleware: AuthenticationMiddleware(gateway: self))
            .add(middleware: RateLimitMiddleware(limiter: apiLimiter, key: .user(anonymous: anonymousLimiter), clock: { clock.now }))
            .add(middleware: RequireIdentity())
        addProtectedRoutes(to: user)
        let version = configuration.version
        router.get("docs") { _, _ in
            Response(status: .ok, headers: [.contentType: "text/html; charset=utf-8"],
                     body: .init(byteBuffer: ByteBuffer(string: OpenAPIDocument.html(version: version))))
        }
        router.get("ws") { _, _ -> Response in
            throw APIError(status: 401, code: "unauthenticated", message: "GET /ws is a WebSocket upgrade with a valid access token")
        }
        WalletRoutes(gateway: self).addWebhook(to: api.group().add(
            middleware: RateLimitMiddleware(limiter: authLimiter, key: .clientAddress, clock: { clock.now })))
        return router
    }

    /// The application `lunar serve` runs and the tests start on a loopback port.
    public func application(logger: Logger, onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in })
        -> some ApplicationProtocol {
        Application(router: router(),
                    server: .http1WebSocketUpgrade(
                        configuration: .gateway(autoPing: configuration.webSocketHeartbeat),
                        shouldUpgrade: { [self] request, _, _ in await webSocketUpgrade(request) }),
                    configuration: .init(address: .hostname(configuration.host, port: configuration.port),
                                                             serverName: "lunar"),
                    onServerRunning: { channel in await onServerRunning(channel.localAddress?.port ?? 0) },
                    logger: logger)
    }
}

extension Gateway {
    /// Creates the first superadmin; false when one exists already.
    public func bootstrapSuperadmin(username: String, email: String, password: String) async throws -> Bool {
        try PasswordRules.check(password, username: username, email: email)
        let hash = await passwords.hash(password)
        do {
            _ = try store.bootstrapSuperadmin(username: username, email: email, passwordHash: hash)
            return true
        } catch .forbidden {
            return false
        }
    }

    /// Redeploys the deployments that were running at the last shutdown;
    /// returns how many started. The stored kill switches are engaged first.
    public func resumeDeployments() throws -> Int {
        try restoreKillSwitches()
        return try runtime.resume()
    }

    /// Graceful shutdown: saves every deployment's checkpoint (what the next
    /// start resumes), then stops every running strategy.
    public func shutDown() { runtime.shutDown() }
}
