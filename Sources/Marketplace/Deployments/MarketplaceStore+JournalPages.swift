import Foundation

/// One record of a journal page with its place in the journal.
public struct JournalPageItem: Sendable, Equatable {
    /// Increasing in the order first recorded; the page key.
    public var sequence: Int64
    public var record: JournalRecord
}

extension Schema {
    /// Journal pages and the writer's next-sequence lookup read by (deployment, sequence).
    static let journalSequence = Migration(name: "021-journal-sequence-indexes", sql: """
        CREATE INDEX deployment_orders_sequence ON deployment_orders(deployment_id, sequence);
        CREATE INDEX deployment_fills_sequence ON deployment_fills(deployment_id, sequence);
        """)
}

extension MarketplaceStore {
    public enum JournalKind: Sendable { case orders, fills }

    /// Up to `limit` orders or fills of a deployment recorded before
    /// `sequence` (nil: the newest), newest first. Keyset paging: records
    /// that arrive while a client pages do not shift its pages.
    public func journalPage(_ kind: JournalKind, of id: DeploymentID, before sequence: Int64?,
                            limit: Int) throws(StoreError) -> [JournalPageItem] {
        let limit = try InputRules.limit(limit, maximum: 1_000)
        return try pool.read { (connection) throws(StoreError) in
            guard try Self.fetchDeployment(id, connection) != nil else { throw StoreError.notFound(entity: "deployment", id: id.description) }
            switch kind {
            case .orders:
                return try connection.rows("""
                    SELECT sequence, order_id, body FROM deployment_orders WHERE deployment_id = ? AND sequence < ?
                    ORDER BY sequence DESC LIMIT ?
                    """, [id, sequence ?? Int64.max, limit]) { row in
                    JournalPageItem(sequence: row.int64(0), record: JournalRecord(id: row.text(1), body: Data(row.blob(2))))
                }
            case .fills:
                return try connection.rows("""
                    SELECT sequence, fill_id, order_id, body FROM deployment_fills WHERE deployment_id = ? AND sequence < ?
                    ORDER BY sequence DESC LIMIT ?
                    """, [id, sequence ?? Int64.max, limit]) { row in
                    JournalPageItem(sequence: row.int64(0), record: JournalRecord(id: row.text(1), orderID: row.text(2), body: Data(row.blob(3))))
                }
            }
        }
    }

    /// The fills of a deployment recorded after `sequence` (0: all), in the
    /// order recorded: a replay of its account, continued where the last left off.
    public func journalFills(of id: DeploymentID, after sequence: Int64 = 0) throws(StoreError) -> [JournalPageItem] {
        try pool.read { (connection) throws(StoreError) in
            try connection.rows("""
                SELECT sequence, fill_id, order_id, body FROM deployment_fills WHERE deployment_id = ? AND sequence > ? ORDER BY sequence
                """, [id, sequence]) { row in
                JournalPageItem(sequence: row.int64(0), record: JournalRecord(id: row.text(1), orderID: row.text(2), body: Data(row.blob(3))))
            }
        }
    }

    /// How many orders and fills a deployment's journal holds.
    public func journalCounts(of id: DeploymentID) throws(StoreError) -> (orders: Int, fills: Int) {
        try pool.read { (connection) throws(StoreError) in
            (Int(try connection.integer("SELECT COUNT(*) FROM deployment_orders WHERE deployment_id = ?", [id])),
             Int(try connection.integer("SELECT COUNT(*) FROM deployment_fills WHERE deployment_id = ?", [id])))
        }
    }
}
