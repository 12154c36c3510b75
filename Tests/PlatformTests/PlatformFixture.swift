import Foundation
import Host
import Platform
import Sandbox
import TestSupport
@testable import Marketplace

/// A platform over a real store in a temp folder and an in-process host,
/// with the bundled templates loaded and one user. `failWrites(true)`
/// makes every journal insert fail inside SQLite (a trigger), the way a
/// full disk or a locked file would, until `failWrites(false)`.
final class PlatformFixture: @unchecked Sendable {
    let directory: URL
    let store: MarketplaceStore
    let host: LiveHost
    let relay = DeploymentEventRelay()
    let tape: MarketTape
    let platform: Platform
    let user: User
    /// Everything the host reported, before the platform saw it.
    let reported = NotificationCounter()
    let start: Int64 = 1_700_000_000
    /// The fixture that made the folder (a reopened one leaves it to it).
    private let owner: PlatformFixture?

    init(journal: JournalWriter.Policy = .init(retries: 2, retryDelay: .milliseconds(5), stalledRetryInterval: .milliseconds(50)),
         reopening first: PlatformFixture? = nil) throws {
        owner = first
        directory = first?.directory ?? FileManager.default.temporaryDirectory.appendingPathComponent("platform-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let validator = try SandboxValidator(sampleCSV: TestPaths.data("sample-btcusd-1h.csv"), barLimit: 300)
        store = try MarketplaceStore(.init(path: directory.appendingPathComponent("db.sqlite").path, validator: validator))
        if let first {
            user = first.user
        } else {
            _ = try store.loadTemplates(from: TestPaths.root.appendingPathComponent("templates"),
                                        strategiesDirectory: TestPaths.root.appendingPathComponent("strategies"))
            _ = try store.bootstrapSuperadmin(username: "root", email: "root@example.com", passwordHash: "hash:root")
            user = try store.register(username: "alice", email: "alice@example.com", passwordHash: "hash:alice")
        }
        let relay = self.relay
        let reported = self.reported
        host = LiveHost(configuration: .init(workers: 1)) { id, notification in
            if let raw = Int64(id.dropFirst("deployment-".count)) { reported.record(raw, notification) }
            relay.receive(id, notification)
        }
        tape = MarketTape(instruments: SyntheticMarket().instruments, barSeconds: 2)
        platform = Platform(configuration: .init(journal: journal), store: store, host: host, tape: tape, relay: relay)
    }

    deinit {
        platform.shutDown()
        if owner == nil { try? FileManager.default.removeItem(at: directory) }
    }

    /// A restart: `first` shuts down, and a new store, host and platform open the same file.
    static func reopening(_ first: PlatformFixture) throws -> PlatformFixture {
        first.platform.shutDown()
        return try PlatformFixture(reopening: first)
    }

    /// Publishes the next `count` synthetic events and waits until the host has handled them.
    func feed(_ count: Int, from market: inout RecordingSource<SyntheticMarket>) {
        host.feed(from: &market, speed: 0, limit: count)
        host.drain()
    }

    func market(seed: UInt64 = 7) -> RecordingSource<SyntheticMarket> {
        RecordingSource(base: SyntheticMarket(configuration: .init(barSeconds: 2, seed: seed, startTime: start)), tape: tape)
    }

    /// Journal inserts fail (SQLite aborts them) while `on`.
    func failWrites(_ on: Bool) throws {
        try store.pool.write { (connection) throws(StoreError) in
            if on {
                try connection.execute("""
                    CREATE TRIGGER IF NOT EXISTS test_fail_fills BEFORE INSERT ON deployment_fills
                    BEGIN SELECT RAISE(ABORT, 'disk I/O error (injected by the test)'); END;
                    CREATE TRIGGER IF NOT EXISTS test_fail_orders BEFORE INSERT ON deployment_orders
                    BEGIN SELECT RAISE(ABORT, 'disk I/O error (injected by the test)'); END;
                    """)
            } else {
                try connection.execute("DROP TRIGGER IF EXISTS test_fail_fills; DROP TRIGGER IF EXISTS test_fail_orders;")
            }
        }
    }
}

/// Counts what the host reported, by deployment.
final class NotificationCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var fills: [Int64: Int] = [:]
    private var orders: [Int64: Set<Int64>] = [:]

    func record(_ id: Int64, _ notification: DeploymentNotification) {
        lock.lock()
        defer { lock.unlock() }
        switch notification {
        case .fill: fills[id, default: 0] += 1
        case .order(let order): orders[id, default: []].insert(Int64(order.id))
        default: break
        }
    }

    func fills(_ id: Int64) -> Int { lock.withLock { fills[id] ?? 0 } }
    func orders(_ id: Int64) -> Int { lock.withLock { orders[id]?.count ?? 0 } }
}

/// Polls `condition` every 10 ms for at most `seconds`.
func eventually(_ seconds: Double = 5, _ condition: () throws -> Bool) rethrows -> Bool {
    let deadline = Date(timeIntervalSinceNow: seconds)
    while Date() < deadline {
        if try condition() { return true }
        Thread.sleep(forTimeInterval: 0.01)
    }
    return try condition()
}
