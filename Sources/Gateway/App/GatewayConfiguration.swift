import Foundation
import Host
import Platform

/// Everything `lunar serve` (or an embedder) can set on the Gateway.
/// docs/api.md lists the matching flags and environment variables.
public struct GatewayConfiguration: Sendable {
    public var host = "127.0.0.1"
    public var port = 8080
    public var accessTokenLifetime: Int64 = 900
    public var refreshTokenLifetime: Int64 = 7 * 24 * 3_600
    /// Requests per window per client address on `/api/auth/*`.
    public var authRateLimit = 30
    /// Requests per window per user on the rest of the API.
    public var apiRateLimit = 600
    /// Requests per window per client address that carry no valid token,
    /// outside `/api/auth/*`: health, version, the OpenAPI document, and API
    /// calls refused for want of a signed-in user. Its own tier, so neither
    /// an anonymous flood nor a user's traffic spends the other's budget.
    public var anonymousRateLimit = 300
    public var rateLimitWindowSeconds: Int64 = 60
    /// Peers whose `X-Forwarded-For` is believed.
    public var trustedProxies: Set<String> = []
    /// Origins a cookie-authenticated write may come from (`Origin`, else
    /// `Referer`); empty: this server's own `http://host:port`,
    /// `http://localhost:port` and `http://127.0.0.1:port` (`CSRFMiddleware`).
    public var allowedOrigins: [String] = []
    /// The HTTP edge (`Edge/`): a request head must be complete this long
    /// after the connection opened or its first byte arrived.
    public var headerTimeout: Duration = .seconds(10)
    /// A request body must be complete this long after its head.
    public var bodyTimeout: Duration = .seconds(30)
    /// A kept-alive connection with no request for this long is closed.
    public var idleTimeout: Duration = .seconds(60)
    /// Open connections per TCP peer address; more are closed at once.
    /// Behind a proxy every client shares the proxy's address: raise it there.
    public var maximumConnectionsPerAddress = 64
    /// Total bytes of a request's header fields (names, values, `": "` and
    /// line ends); more is refused with 431.
    public var maximumHeaderBytes = 16 * 1_024
    /// `Secure` on the token cookies; off only for plain-HTTP development.
    public var secureCookies = true
    /// Failed logins in a row (per account and client address) before delays start.
    public var lockoutThreshold = 5
    /// The longest delay between login attempts (1 s, 2 s, 4 s … up to this).
    public var loginDelayCapSeconds: Int64 = 900
    /// How long a password-reset token works.
    public var passwordResetLifetime: Int64 = 1_800
    /// Delivers password-reset tokens; nil logs them (`LoggingPasswordResetSender`).
    public var passwordResetSender: (any PasswordResetSender)?
    /// bcrypt cost (tests use 4).
    public var bcryptCost: UInt8 = 12
    /// Deployments one user may have at once.
    public var maximumDeploymentsPerUser = 10
    /// Backtest jobs one user may have queued or running.
    public var maximumBacktestsPerUser = 3
    public var webSocketHeartbeat: Duration = .seconds(30)
    /// A connection with no client message for this long is closed.
    public var webSocketIdleTimeout: Duration = .seconds(300)
    public var maximumSubscriptionsPerConnection = 50
    public var maximumWebSocketsPerUser = 3
    /// Shown by `/api/version` and `/api/health/ready`.
    public var hostModeName = "isolated"
    public var version = "0.6.0"
    /// The web console's folder, served at `/` (nil: no console).
    public var consoleDirectory: String? = "console"
    /// How alert webhooks are sent (targets, retries, timeouts).
    public var webhooks = WebhookConfiguration()
    /// The payment provider's webhook secret; nil disables `/api/webhooks/payments`.
    public var paymentWebhookSecret: String?
    /// Bars backtest jobs run on.
    public var sampleDataPath = "data/sample-btcusd-1h.csv"
    /// Where backtest jobs run: a worker process each (nil: a thread).
    public var backtestIsolation: IsolationConfiguration?
    /// Sandbox jobs (upload validation, template checks, API backtests) that
    /// run at once, that may wait, and that one user may hold (running or
    /// waiting); how long one may wait for a slot (`SandboxJobQueue`).
    public var concurrentSandboxJobs = ProcessInfo.processInfo.activeProcessorCount
    public var maximumQueuedSandboxJobs = 16
    public var maximumSandboxJobsPerUser = 3
    public var sandboxJobMaximumWait: Duration = .seconds(30)
    /// The longest an HTTP request waits on the deployment host (start,
    /// stop, a manual command): past it the answer is 504 `host_timeout`.
    public var hostCallDeadline: Duration = .seconds(30)
    /// Refuse every synchronous store call made while a request or a
    /// WebSocket session runs (`StoreError.blockingCall`, a 500
    /// `internal_error`): handlers await `store.read` / `store.write`, so no
    /// request blocks a server thread on SQLite. On by default; the test
    /// suite runs with it on, which is the proof that no route blocks. Turn
    /// it off only to bisect a regression.
    public var refusesBlockingStoreCalls = true
    /// The journal writer's queue bound and retries (`JournalWriter.Policy`).
    public var journal = JournalWriter.Policy()

    public init() {}
}

extension GatewayConfiguration {
    /// The application layer's share of the configuration.
    var platform: Platform.Configuration {
        Platform.Configuration(
            maximumDeploymentsPerUser: maximumDeploymentsPerUser, hostCallDeadline: hostCallDeadline,
            sampleDataPath: sampleDataPath, backtestIsolation: backtestIsolation, maximumBacktestsPerUser: maximumBacktestsPerUser,
            sandboxJobs: .init(concurrent: concurrentSandboxJobs, maximumQueued: maximumQueuedSandboxJobs,
                               perUser: maximumSandboxJobsPerUser, maximumWait: sandboxJobMaximumWait),
            journal: journal)
    }
}
