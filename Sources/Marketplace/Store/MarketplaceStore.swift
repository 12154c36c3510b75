import Synchronization
/// The Marketplace: users, strategies, listings, wallet, reviews, templates
/// and deployments over one SQLite file.
///
/// Safe to call from many threads at once: writes are serialized on one
/// writer connection, each operation in one transaction; reads run on a pool
/// of reader connections against WAL snapshots (see docs/marketplace.md).
/// Every method validates its input first and throws `StoreError`; a method
/// that throws has changed nothing.
public final class MarketplaceStore: Sendable {
    /// How a store is opened.
    public struct Configuration: Sendable {
        /// The database file; created when missing.
        public var path: String
        /// The platform's share of every sale in basis points (0...10,000).
        public var platformFeeBasisPoints: Int
        /// Reader connections in the pool.
        public var readerCount: Int
        public var clock: any WallClock
        /// Validates uploaded versions (the Sandbox smoke test).
        public var validator: any VersionValidating
        /// Stops a banned user's running deployments (the Host implements it).
        public var deploymentController: (any DeploymentController)?

        public init(path: String, validator: any VersionValidating, platformFeeBasisPoints: Int = 2_000,
                    readerCount: Int = 4, clock: any WallClock = SystemWallClock(),
                    deploymentController: (any DeploymentController)? = nil) {
            self.path = path
            self.validator = validator
            self.platformFeeBasisPoints = platformFeeBasisPoints
            self.readerCount = readerCount
            self.clock = clock
            self.deploymentController = deploymentController
        }
    }

    let configuration: Configuration
    let pool: ConnectionPool
    /// Where `read` and `write` run their bodies.
    let threads: StoreThreads
    /// A controller attached after the store was made (the server's
    /// deployment runtime exists only once the store does).
    private let attachedController = Mutex<(any DeploymentController)?>(nil)

    /// Opens (creating or upgrading) the database. Refuses a database written
    /// by a newer build with `StoreError.schemaTooNew`.
    public convenience init(_ configuration: Configuration) throws(StoreError) {
        try self.init(configuration, migrations: Schema.migrations)
    }

    /// Opens with the first migrations only: tests build "previous schema" files this way.
    init(_ configuration: Configuration, migrations: [Migration]) throws(StoreError) {
        guard (0...10_000).contains(configuration.platformFeeBasisPoints) else {
            throw StoreError.invalid(field: "platformFeeBasisPoints", rule: "must be between 0 and 10000")
        }
        guard (1...64).contains(configuration.readerCount) else {
            throw StoreError.invalid(field: "readerCount", rule: "must be between 1 and 64")
        }
        self.configuration = configuration
        self.pool = try ConnectionPool(path: configuration.path, readerCount: configuration.readerCount, migrations: migrations)
        threads = StoreThreads(readers: configuration.readerCount)
    }

    var now: Int64 { configuration.clock.now }

    /// Attaches the controller that stops a banned user's running
    /// deployments (when `Configuration.deploymentController` is not set).
    public func attach(_ controller: any DeploymentController) { attachedController.withLock { $0 = controller } }

    /// The controller a ban calls: the configured one, else the attached one.
    var deploymentController: (any DeploymentController)? {
        configuration.deploymentController ?? attachedController.withLock { $0 }
    }

    /// Grows after every write through this store that changed an account
    /// (role, status, password), a sign-in session (created, revoked) or a
    /// second factor, once that write has committed. A cache of what was
    /// read at generation `g` is current while the generation is still `g`
    /// (the Gateway's verified sessions); writes by another process or
    /// another store on the same file do not count here.
    public var accessGeneration: UInt64 { pool.accessGeneration }

    /// Grows after every committed write through this store that changed
    /// what `search` reads: a listing (any field, its status, its author's
    /// ban), its tags or the full-text index. The Gateway's search-page
    /// cache serves a page read at generation `g` only while it is still
    /// `g`; as for `accessGeneration`, other processes' writes do not count.
    public var catalogGeneration: UInt64 { pool.catalogGeneration }

    /// The number of schema migrations this build applies.
    public static var schemaVersion: Int { Schema.migrations.count }
}

/// What the Host implements so the Marketplace can stop a banned user's
/// running deployments. Called after the ban has committed, outside any
/// database lock, so the Host may call back into the store.
public protocol DeploymentController: Sendable {
    func stopDeployments(ownedBy owner: UserID, reason: String)
    /// Stops these deployments' runs (a refund stops the buyer's deployments of the listing).
    func stopDeployments(_ ids: [DeploymentID], reason: String)
}
