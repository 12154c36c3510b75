import Host
import Hummingbird
import HummingbirdCore
import HummingbirdWebSocket
import Logging
import Marketplace
import NIOCore
import Platform
import Synchronization

/// The HTTP API over the application layer (`Platform`): routes parse,
/// authorize, call one platform or store method, and encode. The Gateway
/// never runs strategy code: deployments run in the host (worker processes
/// in `lunar serve`), backtests in isolated workers or threads.
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
    /// The application layer: deployments, journal, backtests, kill switches.
    public let platform: Platform
    let webSockets: WebSocketHub
    /// Sends alerts to users' webhooks.
    let webhooks: WebhookDispatcher
    /// The web console's files.
    let console: ConsoleFiles
    /// Encoded listings for search pages (`ListingJSONCache`).
    let listingJSON = ListingJSONCache()
    /// Recent search pages (`SearchPageCache`).
    let searchPages = SearchPageCache()
    /// Sessions and users `authenticate` read under a second ago.
    let verifiedSessions = VerifiedSessions()
    /// Where cookie-authenticated writes may come from (`CSRFMiddleware`).
    let allowedOrigins: AllowedOrigins

    public init(configuration: GatewayConfiguration, store: MarketplaceStore, host: any DeploymentHost,
                jwtSecret: String, tape: MarketTape = MarketTape(instruments: SyntheticMarket().instruments),
                relay: DeploymentEventRelay = DeploymentEventRelay(), clock: any WallClock = SystemWallClock()) async {
        self.configuration = configuration
        self.store = store
        self.host = host
        self.clock = clock
        self.tape = tape
        allowedOrigins = AllowedOrigins(configuration: configuration)
        // The platform attaches itself to the store: a ban stops the user's
        // running deployments in this host.
        let platform = Platform(configuration: configuration.platform, store: store, host: host, tape: tape, relay: relay)
        self.platform = platform
        let hub = WebSocketHub(maximumConnectionsPerUser: configuration.maximumWebSocketsPerUser)
        webSockets = hub
        _ = platform.addListener { id, notification in hub.publish(id, notification, platform: platform, tape: tape) }
        tape.addObserver { events in hub.publish(events, tape: tape) }
        console = ConsoleFiles(directory: configuration.consoleDirectory)
        let webhooks = WebhookDispatcher(store: store, configuration: configuration.webhooks)
        self.webhooks = webhooks
        platform.alerts.addListener { alert in
            hub.publish(alert)
            webhooks.wake()
        }
        // Deliveries left waiting by the last run.
        webhooks.wake()
        tokens = await TokenService.make(secret: jwtSecret, accessLifetime: configuration.accessTokenLifetime)
        passwords = PasswordHasher(cost: configuration.bcryptCost)
        authLimiter = RateLimiter(limit: configuration.authRateLimit, windowSeconds: configuration.rateLimitWindowSeconds)
        apiLimiter = RateLimiter(limit: configuration.apiRateLimit, windowSeconds: configuration.rateLimitWindowSeconds)
        anonymousLimiter = RateLimiter(limit: configuration.anonymousRateLimit, windowSeconds: configuration.rateLimitWindowSeconds)
    }

    var now: Int64 { clock.now }
    var backtests: BacktestJobs { platform.backtests }
    /// Admission of every job that runs strategy code for a request.
    var sandboxJobs: SandboxJobQueue { platform.sandboxJobs }

    /// Every route. The `/api` routes are registered through `APIRoutes`,
    /// which fills the `RouteCatalog` the OpenAPI document and `/docs` are
    /// generated from.
    public func router() -> Router<GatewayContext> { routes().router }

    func routes() -> (router: Router<GatewayContext>, catalog: RouteCatalog) {
        let router = Router(context: GatewayContext.self)
        let catalog = RouteCatalog()
        router.add(middleware: RequestIDMiddleware(clientAddress: ClientAddress(trustedProxies: configuration.trustedProxies),
                                                   refusesBlockingStoreCalls: configuration.refusesBlockingStoreCalls))
        router.add(middleware: HeaderSizeMiddleware(limit: configuration.maximumHeaderBytes))
        let api = APIRoutes(group: router.group("api"), prefix: "/api", tag: "health", access: .anyone, catalog: catalog)
        let clock = self.clock
        HealthRoutes(gateway: self).add(to: api.group()
            .add(middleware: RateLimitMiddleware(limiter: anonymousLimiter, key: .clientAddress, clock: { clock.now })), catalog: catalog)
        let csrf = CSRFMiddleware(origins: allowedOrigins)
        let auth = api.group("auth", tag: "auth")
            .add(middleware: RateLimitMiddleware(limiter: authLimiter, key: .clientAddress, clock: { clock.now }))
            .add(middleware: csrf)
        AuthRoutes(gateway: self).add(to: auth)
        // Authentication only resolves who is calling, so that a request
        // without a valid token is still counted (in the anonymous tier)
        // before `RequireIdentity` refuses it.
        let user = api.group(access: .user)
            .add(middleware: AuthenticationMiddleware(gateway: self))
            .add(middleware: RateLimitMiddleware(limiter: apiLimiter, key: .user(anonymous: anonymousLimiter), clock: { clock.now }))
            .add(middleware: csrf)
            .add(middleware: RequireIdentity())
        addProtectedRoutes(to: user)
        WalletRoutes(gateway: self).addWebhook(to: api.group(tag: "wallet", access: .signature).add(
            middleware: RateLimitMiddleware(limiter: authLimiter, key: .clientAddress, clock: { clock.now })))
        let version = configuration.version
        router.get("docs") { _, _ in
            Response(status: .ok, headers: [.contentType: "text/html; charset=utf-8"],
                     body: .init(byteBuffer: ByteBuffer(string: OpenAPIDocument.html(catalog.operations, version: version))))
        }
        // The web console (docs/console.md): `/` and its files under `/console/`.
        let console = self.console
        if !console.isEmpty {
            router.get("/") { request, _ in console.response("index.html", request: request) }
            router.get("console/**") { request, context in
                console.response(context.parameters.getCatchAll().joined(separator: "/"), request: request)
            }
        }
        router.get("ws") { _, _ -> Response in
            throw APIError(status: 401, code: "unauthenticated", message: "GET /ws is a WebSocket upgrade with a valid access token")
        }
        return (router, catalog)
    }

    /// The application `lunar serve` runs and the tests start on a loopback port.
    /// The HTTP edge (`Edge/`) wraps Hummingbird's HTTP/1 + WebSocket channel:
    /// the per-address connection cap and the header, body and idle timeouts.
    public func application(logger: Logger, onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in })
        -> some ApplicationProtocol {
        let configuration = self.configuration
        let cap = ConnectionCap(limit: configuration.maximumConnectionsPerAddress)
        let timeouts = ConnectionDeadlines.Timeouts(header: TimeAmount(configuration.headerTimeout),
                                                    body: TimeAmount(configuration.bodyTimeout), idle: TimeAmount(configuration.idleTimeout))
        // The parser's own ceiling stays above the 431 limit, so an oversized
        // head still reaches `HeaderSizeMiddleware` and gets the JSON error
        // (past the ceiling Hummingbird answers a bare 400 and closes).
        let decoder = HTTP1Channel.Configuration.DecoderConfiguration(
            maxHeaderFieldSize: max(80 * 1_024, 4 * configuration.maximumHeaderBytes),
            maxHeaderListSize: max(80 * 1_024, 4 * configuration.maximumHeaderBytes))
        let http = HTTP1WebSocketUpgradeChannel.Configuration(
            http1: .init(additionalChannelHandlers: [RequestProgressHandler()], httpDecoderConfiguration: decoder),
            ws: .gateway(autoPing: configuration.webSocketHeartbeat))
        let server = HTTPServerBuilder { responder in
            EdgeChannel(wrapped: HTTP1WebSocketUpgradeChannel(responder: responder, configuration: http) { [self] request, channel, _ in
                // The upgrade handler read this head, not `RequestProgressHandler`:
                // say so, or the header timeout would run on while we authenticate.
                channel.triggerUserOutboundEvent(ConnectionProgress.headRead, promise: nil)
                let result = await webSocketUpgrade(request)
                // A WebSocket is past the HTTP timeouts (it has its own heartbeat).
                if case .upgrade = result { channel.triggerUserOutboundEvent(ConnectionProgress.upgraded, promise: nil) }
                return result
            }, cap: cap, timeouts: timeouts)
        }
        let origins = allowedOrigins
        return Application(router: router(), server: server,
                           configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "lunar"),
                           onServerRunning: { channel in
                               let port = channel.localAddress?.port ?? 0
                               origins.serverStarted(port: port)
                               await onServerRunning(port)
                           },
                           logger: logger)
    }
}

extension Gateway {
    /// Creates the first superadmin; false when one exists already.
    public func bootstrapSuperadmin(username: String, email: String, password: String) async throws -> Bool {
        try PasswordRules.check(password, username: username, email: email)
        let hash = await passwords.hash(password)
        do {
            _ = try await store.write { try $0.bootstrapSuperadmin(username: username, email: email, passwordHash: hash) }
            return true
        } catch StoreError.forbidden {
            return false
        }
    }

    /// Redeploys the deployments that were running at the last shutdown;
    /// returns how many started. The stored kill switches are engaged first.
    public func resumeDeployments() async throws -> Int { try await platform.resumeDeployments() }

    /// Engages every stored kill switch in the host (before any market data moves).
    @discardableResult
    public func restoreKillSwitches() async throws -> Int { try await platform.restoreKillSwitches() }

    /// Graceful shutdown: saves every deployment's checkpoint (what the next
    /// start resumes), then stops every running strategy.
    public func shutDown() { platform.shutDown() }
}
