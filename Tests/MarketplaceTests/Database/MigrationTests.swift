import Foundation
import Testing
@testable import Marketplace

@Suite struct MigrationTests {
    @Test func anEmptyDatabaseGetsEveryMigration() throws {
        let fixture = try StoreFixture()
        let raw = try Connection(path: fixture.path, readOnly: true)
        #expect(try raw.integer("PRAGMA user_version") == Int64(Schema.migrations.count))
        let names = try raw.rows("SELECT name FROM schema_migrations ORDER BY position") { $0.text(0) }
        #expect(names == Schema.migrations.map(\.name))
        #expect(try raw.row("PRAGMA journal_mode") { $0.text(0) } == "wal")
        let (synchronous, foreignKeys) = try fixture.store.pool.write { (connection) throws(StoreError) in
            (try connection.integer("PRAGMA synchronous"), try connection.integer("PRAGMA foreign_keys"))
        }
        #expect(synchronous == 2 && foreignKeys == 1)   // FULL: a commit that returned is on disk
    }

    @Test func aDatabaseFromThePreviousSchemaUpgradesInPlaceKeepingItsData() throws {
        // The store's code writes the newest schema, so the older file is made with SQL alone,
        // up to the migration before the identity keys (which rewrite the rows).
        let previous = Array(Schema.migrations.prefix { $0.name != "016-identity-keys" })
        #expect(previous.count < Schema.migrations.count)
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("migration-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("marketplace.sqlite").path
        do {
            let raw = try Connection(path: path, readOnly: false)
            try Migrator.migrate(raw, migrations: previous)
            // Two emails that differ only by normalization and non-ASCII case: the older schema let both in.
            for (username, email) in [("Author", "e\u{301}ve@example.com"), ("second", "ÉVE@example.com"), ("third", "third@example.com")] {
                try raw.run("INSERT INTO users (username, email, password_hash, role, created_at) VALUES (?, ?, 'hash', 'user', 1)",
                            [username, email])
            }
            #expect(try raw.integer("PRAGMA user_version") == Int64(previous.count))
            #expect(try raw.integer("SELECT COUNT(*) FROM pragma_table_info('users') WHERE name = 'email_key'") == 0)
        }
        let store = try MarketplaceStore(.init(path: path, validator: SharedValidator.shared, clock: ManualClock()))
        let raw = try Connection(path: path, readOnly: true)
        #expect(try raw.integer("PRAGMA user_version") == Int64(Schema.migrations.count))
        let keys = try raw.rows("SELECT username_key, email_key FROM users ORDER BY id") { [$0.text(0), $0.text(1)] }
        #expect(keys == [["author", "\u{e9}ve@example.com"], ["second", "\u{e9}ve@example.com#2"], ["third", "third@example.com"]])
        // The data is kept, and sign-in finds each alias however it is typed.
        #expect(try store.user(UserID(1)).username == "Author")
        #expect(try store.credentials(login: "AUTHOR").userID == UserID(1))
        #expect(try store.credentials(login: "\u{c9}ve@Example.com").userID == UserID(1))
        #expect(try store.credentials(login: "Third@example.com").userID == UserID(3))
        #expect(throws: StoreError.duplicate(field: "email")) {
            try store.register(username: "fourth", email: "e\u{301}VE@example.com", passwordHash: "hash")
        }
    }

    /// 023 rebuilds both ledger tables (to widen their CHECKs for payouts)
    /// with foreign keys off: every row, id and reference survives, the
    /// append-only trigger is back, foreign keys are on again, and a payout books.
    @Test func thePayoutMigrationRebuildsTheLedgerKeepingItsRowsAndReferences() throws {
        let previous = Array(Schema.migrations.prefix { $0.name != "023-author-payouts" })
        #expect(previous.count == 22, "023 follows the 22 migrations before it")
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("migration-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("marketplace.sqlite").path
        do {
            let raw = try Connection(path: path, readOnly: false)
            try raw.execute("PRAGMA foreign_keys = ON")
            try Migrator.migrate(raw, migrations: previous)
            try raw.execute("""
                INSERT INTO users (id, username, email, password_hash, role, created_at, username_key, email_key)
                    VALUES (1, 'author', 'a@example.com', 'h', 'user', 1, 'author', 'a@example.com');
                INSERT INTO ledger_transactions (id, kind, created_at) VALUES (7, 'top_up', 10), (9, 'refund', 11);
                INSERT INTO ledger_entries (id, transaction_id, account, user_id, currency, amount) VALUES
                    (20, 7, 'payment_provider', NULL, 'USD', -5000), (21, 7, 'wallet', 1, 'USD', 5000),
                    (22, 9, 'wallet', 1, 'USD', -1000), (23, 9, 'platform_fees', NULL, 'USD', 1000);
                INSERT INTO payment_events (provider_event_id, user_id, amount, currency, transaction_id, created_at)
                    VALUES ('evt-1', 1, 5000, 'USD', 7, 10);
                """)
        }
        let store = try MarketplaceStore(.init(path: path, validator: SharedValidator.shared, clock: ManualClock()))
        let raw = try Connection(path: path, readOnly: true)
        #expect(try raw.integer("PRAGMA user_version") == Int64(Schema.migrations.count))
        #expect(try raw.rows("SELECT id, kind FROM ledger_transactions ORDER BY id") { "\($0.int64(0)) \($0.text(1))" } == ["7 top_up", "9 refund"])
        #expect(try raw.rows("SELECT id, transaction_id, amount FROM ledger_entries ORDER BY id") { [$0.int64(0), $0.int64(1), $0.int64(2)] }
                == [[20, 7, -5000], [21, 7, 5000], [22, 9, -1000], [23, 9, 1000]])
        #expect(try raw.rows("PRAGMA foreign_key_check") { $0.text(0) }.isEmpty)
        // The foreign keys of the tables that point at the rebuilt one still name it.
        #expect(try raw.rows("SELECT \"table\" FROM pragma_foreign_key_list('payment_events')") { $0.text(0) }.contains("ledger_transactions"))
        #expect(try raw.integer("SELECT COUNT(*) FROM sqlite_master WHERE name IN ('ledger_entries_wallet', 'ledger_entries_transaction', 'ledger_entries_no_update')") == 3)
        #expect(try store.pool.write { (connection) throws(StoreError) in try connection.integer("PRAGMA foreign_keys") } == 1)
        #expect(try store.balance(of: UserID(1), currency: "USD", by: UserID(1)) == 4000)
        let (payout, created) = try store.requestPayout(amount: 1500, currency: "USD", idempotencyKey: "payout-0001", by: UserID(1))
        #expect(created && payout.amount == 1500)
        #expect(try store.balance(of: UserID(1), currency: "USD", by: UserID(1)) == 2500)
        #expect(try store.ledgerImbalance() == 0)
        let update = storeError {
            try store.pool.write { (connection) throws(StoreError) -> Void in try connection.run("UPDATE ledger_entries SET amount = 1 WHERE id = 20") }
        }
        #expect(update != nil, "the append-only trigger is back")
    }

    @Test func aDatabaseFromANewerBuildIsRefusedClearly() throws {
        let fixture = try StoreFixture()
        let raw = try Connection(path: fixture.path, readOnly: false)
        try raw.execute("PRAGMA user_version = \(Schema.migrations.count + 1)")
        let error = storeError { try fixture.reopen() }
        #expect(error == .schemaTooNew(found: Schema.migrations.count + 1, supported: Schema.migrations.count))
        #expect(error?.description.contains("use a newer build") == true)
    }

    @Test func aDatabaseWithAnotherHistoryIsRefused() throws {
        let fixture = try StoreFixture()
        let raw = try Connection(path: fixture.path, readOnly: false)
        try raw.execute("UPDATE schema_migrations SET name = 'something-else' WHERE position = 2")
        #expect(storeError { try fixture.reopen() } == .schemaMismatch(position: 2, found: "something-else", expected: Schema.migrations[1].name))
    }

    @Test func sqliteErrorsCarryTheResultCodeButNotBoundValues() throws {
        let fixture = try StoreFixture()
        let raw = try Connection(path: fixture.path, readOnly: false)
        let error = storeError {
            try raw.run("INSERT INTO users (id, username, email, password_hash, role, created_at) VALUES (?, ?, ?, ?, ?, ?)",
                        [fixture.admin.id, "x", "y", "secret-hash-value", "user", 0])
        }
        guard case .database(let code, let message) = error else { Issue.record("expected a database error"); return }
        #expect(code == 1555) // SQLITE_CONSTRAINT_PRIMARYKEY
        #expect(!message.contains("secret-hash-value"))
    }

    @Test func aTransactionThatThrowsRollsBack() throws {
        let fixture = try StoreFixture()
        let error = storeError {
            try fixture.store.pool.write { (connection) throws(StoreError) in
                try connection.run("UPDATE users SET username = 'renamed' WHERE id = ?", [fixture.admin.id])
                throw StoreError.invalid(field: "test", rule: "abort")
            }
        }
        #expect(error?.code == "invalid_input")
        #expect(try fixture.store.user(fixture.admin.id).username == "moderator")
    }

    @Test func platformFeeRateIsValidatedAtOpen() throws {
        let error = storeError { _ = try StoreFixture(feeBasisPoints: 10_001) }
        #expect(error == .invalid(field: "platformFeeBasisPoints", rule: "must be between 0 and 10000"))
    }
}
