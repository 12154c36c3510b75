import Foundation
import Host
import Sandbox
import TestSupport
@testable import Marketplace

/// A clock the test moves by hand.
final class ManualClock: WallClock, @unchecked Sendable {
    private let lock = NSLock()
    private var seconds: Int64
    init(_ start: Int64 = 1_700_000_000) { seconds = start }
    var now: Int64 {
        lock.lock()
        defer { lock.unlock() }
        return seconds
    }
    func advance(_ delta: Int64) {
        lock.lock()
        seconds += delta
        lock.unlock()
    }
}

/// A real `DeploymentController` that records what it was asked to stop.
final class RecordingDeploymentController: DeploymentController, @unchecked Sendable {
    private let lock = NSLock()
    private var recorded: [(UserID, String)] = []
    func stopDeployments(ownedBy owner: UserID, reason: String) {
        lock.lock()
        recorded.append((owner, reason))
        lock.unlock()
    }
    private var recordedIDs: [([DeploymentID], String)] = []
    func stopDeployments(_ ids: [DeploymentID], reason: String) {
        lock.lock()
        recordedIDs.append((ids, reason))
        lock.unlock()
    }
    var stoppedByID: [(ids: [DeploymentID], reason: String)] {
        lock.lock()
        defer { lock.unlock() }
        return recordedIDs
    }
    var calls: [(owner: UserID, reason: String)] {
        lock.lock()
        defer { lock.unlock() }
        return recorded
    }
}

/// The real Sandbox validator on 300 sample bars, memoized by source so a
/// suite that uploads the same script many times backtests it once.
final class SharedValidator: VersionValidating, @unchecked Sendable {
    static let shared = SharedValidator()
    private let validator: SandboxValidator
    private let lock = NSLock()
    private var cache: [String: (StrategySchema?, ValidationReport)] = [:]

    private init() {
        validator = try! SandboxValidator(sampleCSV: TestPaths.data("sample-btcusd-1h.csv"), barLimit: 300)
    }

    func validate(source: String) -> (schema: StrategySchema?, report: ValidationReport) {
        lock.lock()
        if let hit = cache[source] { lock.unlock(); return hit }
        lock.unlock()
        let result = validator.validate(source: source)
        lock.lock()
        cache[source] = result
        lock.unlock()
        return result
    }
}

/// A store on a fresh SQLite file in a temp folder, with helpers that build
/// the usual cast: a superadmin, an admin, authors and buyers.
final class StoreFixture {
    let directory: URL
    let clock = ManualClock()
    let controller = RecordingDeploymentController()
    let feeBasisPoints: Int
    private(set) var store: MarketplaceStore
    let superadmin: User
    let admin: User

    static let smaSource = try! TestPaths.read(TestPaths.strategy("sma_crossover.lua"))
    static let rsiSource = try! TestPaths.read(TestPaths.strategy("rsi_mean_reversion.lua"))

    init(feeBasisPoints: Int = 2_000, migrations: [Migration]? = nil) throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("marketplace-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        self.feeBasisPoints = feeBasisPoints
        store = try Self.open(directory: directory, clock: clock, controller: controller, feeBasisPoints: feeBasisPoints, migrations: migrations)
        superadmin = try store.bootstrapSuperadmin(username: "root", email: "root@example.com", passwordHash: "hash:root")
        admin = try store.register(username: "moderator", email: "moderator@example.com", passwordHash: "hash:moderator")
        try store.setRole(of: admin.id, to: .admin, by: superadmin.id)
    }

    deinit { try? FileManager.default.removeItem(at: directory) }

    var path: String { directory.appendingPathComponent("marketplace.sqlite").path }

    static func open(directory: URL, clock: ManualClock, controller: RecordingDeploymentController, feeBasisPoints: Int = 2_000,
                     migrations: [Migration]? = nil) throws -> MarketplaceStore {
        let configuration = MarketplaceStore.Configuration(
            path: directory.appendingPathComponent("marketplace.sqlite").path, validator: SharedValidator.shared,
            platformFeeBasisPoints: feeBasisPoints, clock: clock, deploymentController: controller)
        return try MarketplaceStore(configuration, migrations: migrations ?? Schema.migrations)
    }

    /// Closes the store and opens the same file again (a restart).
    func reopen() throws {
        store = try StoreFixture.open(directory: directory, clock: clock, controller: controller, feeBasisPoints: feeBasisPoints)
    }

    func user(_ name: String) throws -> User {
        try store.register(username: name, email: "\(name)@example.com", passwordHash: "hash:\(name)")
    }

    /// A user with `amount` minor units of USD.
    func funded(_ name: String, _ amount: Int64) throws -> User {
        let user = try user(name)
        _ = try store.topUp(user.id, amount: amount, currency: "USD", providerEventID: "fund-\(name)")
        return user
    }

    func draft(title: String = "Trend rider", price: Int64 = 1_000, category: String = "trend", tags: [String] = ["btc", "trend"]) -> ListingDraft {
        ListingDraft(title: title, summary: "Follows the trend with two moving averages.", description: "Long and flat only.",
                     category: category, tags: tags, price: ListingPrice(amount: price, currency: "USD"))
    }

    /// A strategy with one accepted version, listed and approved.
    func approvedListing(by author: User, title: String = "Trend rider", price: Int64 = 1_000,
                         source: String = StoreFixture.smaSource) throws -> (listing: Listing, version: StrategyVersion) {
        let strategy = try store.createStrategy(name: "\(title) \(UUID().uuidString.prefix(6))", by: author.id)
        let version = try store.uploadVersion(of: strategy.id, source: source, changelog: "first", by: author.id)
        var listing = try store.createListing(for: strategy.id, draft(title: title, price: price), by: author.id)
        listing = try store.submit(listing.id, version: version.id, by: author.id)
        listing = try store.approve(listing.id, by: admin.id)
        return (listing, version)
    }
}

/// Runs `body` and returns the `StoreError` it threw (nil when it did not throw).
func storeError(_ body: () throws -> Void) -> StoreError? {
    do { try body() } catch let error as StoreError { return error } catch { return .corrupt("unexpected \(error)") }
    return nil
}
