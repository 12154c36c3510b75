import Foundation
import Host

extension Schema {
    /// Users' own market data for backtests: the validated CSV text and
    /// what describes it. Kept in the database rather than as files: one
    /// durable place (backed up and restored with everything else), owner
    /// checks in the same SQL as every per-user resource, and the per-user
    /// count enforced in the insert's transaction.
    static let datasets = Migration(name: "020-datasets", sql: """
        CREATE TABLE datasets (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            owner_id INTEGER NOT NULL,
            name TEXT NOT NULL,
            symbol TEXT NOT NULL,
            row_count INTEGER NOT NULL,
            first_time INTEGER NOT NULL,
            last_time INTEGER NOT NULL,
            timeframe INTEGER NOT NULL,
            byte_count INTEGER NOT NULL,
            hash TEXT NOT NULL,
            created_at INTEGER NOT NULL,
            csv TEXT NOT NULL,
            UNIQUE (owner_id, name));
        """)
}

/// Users' datasets. Every read and delete names the owner: another user's
/// dataset reads as absent.
extension MarketplaceStore {
    private static let datasetColumns = "name, symbol, row_count, first_time, last_time, timeframe, byte_count, hash, created_at"

    private static func dataset(_ row: Row) -> BacktestDataset {
        BacktestDataset(name: row.text(0), symbol: row.text(1), bundled: false, rows: Int(row.int64(2)), firstTime: row.int64(3),
                        lastTime: row.int64(4), timeframe: row.int64(5), bytes: Int(row.int64(6)), hash: row.text(7),
                        createdAt: row.int64(8))
    }

    /// Stores `owner`'s dataset (already validated) with its CSV text.
    /// Refused with `duplicate` when the owner has one by that name, and
    /// `quotaExceeded` past `maximumPerUser`.
    public func createDataset(owner: UserID, _ dataset: BacktestDataset, csv: String,
                              maximumPerUser: Int) throws(StoreError) -> BacktestDataset {
        var stored = dataset
        stored.bundled = false
        stored.createdAt = now
        let record = stored
        return try pool.write { (connection) throws(StoreError) -> BacktestDataset in
            guard try connection.integer("SELECT COUNT(*) FROM datasets WHERE owner_id = ? AND name = ?", [owner, record.name]) == 0 else {
                throw StoreError.duplicate(field: "name")
            }
            guard try connection.integer("SELECT COUNT(*) FROM datasets WHERE owner_id = ?", [owner]) < maximumPerUser else {
                throw StoreError.quotaExceeded(what: "datasets", limit: maximumPerUser)
            }
            _ = try connection.run("""
                INSERT INTO datasets (owner_id, name, symbol, row_count, first_time, last_time, timeframe, byte_count, hash, created_at, csv)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, [owner, record.name, record.symbol, Int64(record.rows), record.firstTime, record.lastTime, record.timeframe,
                      Int64(record.bytes), record.hash, record.createdAt ?? 0, csv])
            return record
        }
    }

    /// `owner`'s datasets, by name, without their CSV.
    public func datasets(of owner: UserID) throws(StoreError) -> [BacktestDataset] {
        try pool.read { (connection) throws(StoreError) -> [BacktestDataset] in
            try connection.rows("SELECT \(Self.datasetColumns) FROM datasets WHERE owner_id = ? ORDER BY name", [owner]) { row in
                Self.dataset(row)
            }
        }
    }

    /// One of `owner`'s datasets with its CSV text, or nil (also for another user's).
    public func dataset(named name: String, owner: UserID) throws(StoreError) -> (dataset: BacktestDataset, csv: String)? {
        try pool.read { (connection) throws(StoreError) -> (dataset: BacktestDataset, csv: String)? in
            try connection.row("SELECT \(Self.datasetColumns), csv FROM datasets WHERE owner_id = ? AND name = ?", [owner, name]) { row in
                (Self.dataset(row), row.text(9))
            }
        }
    }

    /// Deletes one of `owner`'s datasets; false when there was none (also for another user's).
    public func deleteDataset(named name: String, owner: UserID) throws(StoreError) -> Bool {
        try pool.write { (connection) throws(StoreError) -> Bool in
            try connection.run("DELETE FROM datasets WHERE owner_id = ? AND name = ?", [owner, name]) > 0
        }
    }
}
