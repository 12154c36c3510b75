/// One named step of the schema. Migrations are applied in order, each in
/// its own transaction, and never edited once released: a change is a new
/// migration at the end of `Schema.migrations`.
struct Migration: Sendable {
    let name: String
    let sql: String
    /// Work SQL cannot express (Unicode normalization), run after `sql` in
    /// the same transaction.
    var backfill: (@Sendable (Connection) throws(StoreError) -> Void)?
    /// The migration rebuilds tables other tables reference (SQLite cannot
    /// change a CHECK constraint in place): it runs with foreign keys off,
    /// as SQLite's table-rebuild procedure requires, and is refused before
    /// its commit unless `PRAGMA foreign_key_check` finds nothing.
    var rebuildsTables = false
}

/// Applies migrations at open. `PRAGMA user_version` counts the applied
/// migrations; `schema_migrations` records their names so a database from
/// another branch of history is refused rather than misread.
enum Migrator {
    static func migrate(_ connection: Connection, migrations: [Migration]) throws(StoreError) {
        try connection.execute("""
            CREATE TABLE IF NOT EXISTS schema_migrations (
                position INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL DEFAULT (unixepoch()))
            """)
        let applied = Int(try connection.integer("PRAGMA user_version"))
        guard applied <= migrations.count else {
            throw StoreError.schemaTooNew(found: applied, supported: migrations.count)
        }
        let names = try connection.rows("SELECT name FROM schema_migrations ORDER BY position") { $0.text(0) }
        for (index, name) in names.enumerated() where index < migrations.count && migrations[index].name != name {
            throw StoreError.schemaMismatch(position: index + 1, found: name, expected: migrations[index].name)
        }
        for index in applied..<migrations.count {
            let migration = migrations[index]
            // `foreign_keys` cannot change inside a transaction: off before it, on again after it, whatever happened.
            if migration.rebuildsTables { try connection.execute("PRAGMA foreign_keys = OFF") }
            defer { if migration.rebuildsTables { try? connection.execute("PRAGMA foreign_keys = ON") } }
            try connection.transaction(immediate: true) { () throws(StoreError) in
                try connection.execute(migration.sql)
                try migration.backfill?(connection)
                if migration.rebuildsTables {
                    let broken = try connection.rows("PRAGMA foreign_key_check") { "\($0.text(0)) row \($0.int64(1))" }
                    guard broken.isEmpty else {
                        throw StoreError.corrupt("migration \(migration.name) would break foreign keys: \(broken.prefix(5).joined(separator: ", "))")
                    }
                }
                try connection.run("INSERT INTO schema_migrations (position, name) VALUES (?, ?)", [index + 1, migration.name])
                try connection.execute("PRAGMA user_version = \(index + 1)")
            }
        }
    }
}
