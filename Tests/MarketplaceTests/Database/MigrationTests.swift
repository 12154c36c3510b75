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
        let previous = Array(Schema.migrations.dropLast())
        let fixture = try StoreFixture(migrations: previous)
        let author = try fixture.user("author")
        let (listing, _) = try fixture.approvedListing(by: author)
        let raw = try Connection(path: fixture.path, readOnly: true)
        #expect(try raw.integer("PRAGMA user_version") == Int64(previous.count))
        // The newest migration replaces the login lockout counters with `login_throttle`.
        let marketColumn = "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'login_throttle'"
        #expect(try raw.integer(marketColumn) == 0)

        try fixture.reopen()
        #expect(try raw.integer("PRAGMA user_version") == Int64(Schema.migrations.count))
        #expect(try raw.integer(marketColumn) == 1)
        #expect(try fixture.store.listing(listing.id, by: author.id) == listing)
        #expect(try fixture.store.user(author.id).username == "author")
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
