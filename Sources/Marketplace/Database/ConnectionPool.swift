import Foundation
import Synchronization

/// A connection behind a lock: the only way to reach it is `with`, which
/// holds the lock for the call, so the non-`Sendable` connection is confined
/// to one thread at a time. The body must not let the connection escape.
final class ConfinedConnection: @unchecked Sendable {
    private let lock = NSLock()
    private let connection: Connection

    init(_ connection: Connection) { self.connection = connection }

    func with<T>(_ body: (Connection) throws(StoreError) -> T) throws(StoreError) -> T {
        lock.lock()
        defer { lock.unlock() }
        return try body(connection)
    }

    /// Like `with`, but returns nil at once when another thread holds the lock.
    func withIfFree<T>(_ body: (Connection) throws(StoreError) -> T) throws(StoreError) -> T? {
        guard lock.try() else { return nil }
        defer { lock.unlock() }
        return try body(connection)
    }
}

/// One writer connection and a pool of readers over the same WAL database.
///
/// Writes are serialized on the writer (SQLite allows one writer at a time
/// anyway; serializing in-process avoids busy retries and makes idempotency
/// checks race-free). Readers see the last committed state through WAL
/// snapshots and never block the writer or each other.
final class ConnectionPool: Sendable {
    private let writer: ConfinedConnection
    private let readers: [ConfinedConnection]
    private let nextReader = NSLockedCounter()
    /// Counts the committed writes that changed an account or a session
    /// (`MarketplaceStore.accessGeneration`).
    private let accessChanges = Atomic<UInt64>(0)
    /// Counts the committed writes that changed what a marketplace search
    /// reads (`MarketplaceStore.catalogGeneration`).
    private let catalogChanges = Atomic<UInt64>(0)
    /// The tables whose changes count for `accessChanges`: what
    /// `Gateway.authenticate` reads (users, sign-in sessions) and the second
    /// factor beside them.
    static let accessTables: Set<String> = ["users", "auth_sessions", "two_factor", "recovery_codes"]
    /// ... and for `catalogChanges`: what `search` reads (listings, their
    /// tags) and the full-text index's own tables, written with them.
    static let catalogTables: Set<String> = [
        "listings", "listing_tags", "listing_search_data", "listing_search_idx", "listing_search_content",
        "listing_search_docsize", "listing_search_config",
    ]

    init(path: String, readerCount: Int, migrations: [Migration]) throws(StoreError) {
        let writer = try Connection(path: path, readOnly: false)
        try writer.execute("""
            PRAGMA busy_timeout = 10000;
            PRAGMA journal_mode = WAL;
            PRAGMA synchronous = FULL;
            PRAGMA foreign_keys = ON;
            """)
        try Migrator.migrate(writer, migrations: migrations)
        writer.install(ChangeWatch(groups: [Self.accessTables, Self.catalogTables]))
        var readers: [ConfinedConnection] = []
        for _ in 0..<max(1, readerCount) {
            let reader = try Connection(path: path, readOnly: true)
            try reader.execute("PRAGMA busy_timeout = 10000; PRAGMA query_only = 1;")
            readers.append(ConfinedConnection(reader))
        }
        self.writer = ConfinedConnection(writer)
        self.readers = readers
    }

    /// Runs `body` in one immediate transaction on the writer.
    func write<T>(_ body: (Connection) throws(StoreError) -> T) throws(StoreError) -> T {
        try checkThread("a write")
        return try writer.with { (connection) throws(StoreError) -> T in
            // Counted after the commit (or rollback), never before: a reader
            // that saw the old count may have read the old rows, one that
            // sees the new count reads the new rows.
            defer {
                let changed = connection.changeWatch?.take() ?? 0
                if changed & 1 != 0 { accessChanges.add(1, ordering: .releasing) }
                if changed & 2 != 0 { catalogChanges.add(1, ordering: .releasing) }
            }
            return try connection.transaction(immediate: true) { () throws(StoreError) -> T in try body(connection) }
        }
    }

    /// See `MarketplaceStore.accessGeneration`.
    var accessGeneration: UInt64 { accessChanges.load(ordering: .acquiring) }

    /// See `MarketplaceStore.catalogGeneration`.
    var catalogGeneration: UInt64 { catalogChanges.load(ordering: .acquiring) }

    /// Runs `body` in one read transaction (a consistent snapshot) on a free reader.
    func read<T>(_ body: (Connection) throws(StoreError) -> T) throws(StoreError) -> T {
        try checkThread("a read")
        let run = { (connection: Connection) throws(StoreError) -> T in
            try connection.transaction(immediate: false) { () throws(StoreError) -> T in try body(connection) }
        }
        let start = nextReader.increment()
        for offset in 0..<readers.count {
            if let result = try readers[(start + offset) % readers.count].withIfFree(run) { return result }
        }
        return try readers[start % readers.count].with(run)
    }
}

extension ConnectionPool {
    /// The one choke point of the async boundary: inside a task that set
    /// `MarketplaceStore.$refusesBlockingCalls` (the Gateway does, for every
    /// request), a synchronous call is refused, so a forgotten
    /// `await store.read` fails loudly instead of stalling a server thread
    /// on a disk. The store's own threads run no task, so `read`/`write`
    /// bodies pass.
    @inline(__always)
    private func checkThread(_ operation: String) throws(StoreError) {
        if MarketplaceStore.refusesBlockingCalls { throw StoreError.blockingCall(operation: operation) }
    }
}

/// A counter for round-robin reader choice.
final class NSLockedCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var value = 0
    func increment() -> Int {
        lock.lock()
        defer { lock.unlock() }
        value &+= 1
        return value & Int.max
    }
}
