import Foundation

/// What the Host saves of a running deployment so a restart resumes where
/// it stopped. Bodies are the Host's own encodings (JSON); the store only
/// keys them.
public struct DeploymentCheckpoint: Sendable, Equatable {
    /// Orders by the Host's order id. A new id is inserted once; a known id
    /// updates that order's body (its status changed), never a second row.
    public var orders: [JournalRecord]
    /// Fills by fill id; a known fill id is ignored (fills never change).
    public var fills: [JournalRecord]
    /// Positions by symbol; replaces the stored set when non-nil.
    public var positions: [String: Data]?
    /// The strategy's `state` table snapshot; replaces the stored one when non-nil.
    public var state: Data?
    /// Equity samples to append to the history (`deployment_equity`).
    public var equity: [StoredEquityPoint]

    public init(orders: [JournalRecord] = [], fills: [JournalRecord] = [], positions: [String: Data]? = nil, state: Data? = nil,
                equity: [StoredEquityPoint] = []) {
        self.orders = orders
        self.fills = fills
        self.positions = positions
        self.state = state
        self.equity = equity
    }
}

/// One order or fill: its id, the order it belongs to (fills), and the Host's body.
public struct JournalRecord: Sendable, Equatable {
    public var id: String
    public var orderID: String
    public var body: Data

    public init(id: String, orderID: String = "", body: Data) {
        self.id = id
        self.orderID = orderID
        self.body = body
    }
}

/// Everything stored for a deployment, orders and fills in the order first recorded.
public struct DeploymentJournal: Sendable, Equatable {
    public var orders: [JournalRecord]
    public var fills: [JournalRecord]
    public var positions: [String: Data]
    public var state: Data?
}

extension MarketplaceStore {
    /// Saves a checkpoint in one durable transaction: all of it or none.
    /// Returns how many orders were new (not updates of known ids).
    @discardableResult
    public func saveCheckpoint(_ checkpoint: DeploymentCheckpoint, for id: DeploymentID) throws(StoreError) -> Int {
        for record in checkpoint.orders + checkpoint.fills {
            _ = try InputRules.key(record.id, field: "journal id")
        }
        let now = self.now
        return try pool.write { (connection) throws(StoreError) -> Int in
            guard try Self.fetchDeployment(id, connection) != nil else { throw StoreError.notFound(entity: "deployment", id: id.description) }
            return try Self.write(checkpoint, for: id, now: now, connection)
        }
    }

    /// Appends the journal records of many deployments, each with the host
    /// checkpoint that covers them when there is one, in one durable
    /// transaction (the journal writer's batch): all of it or none. Records
    /// of a deployment that no longer exists are skipped (its journal went
    /// with it); returns the ids skipped.
    @discardableResult
    public func appendJournal(_ batch: [(DeploymentID, DeploymentCheckpoint, hostCheckpoint: Data?)]) throws(StoreError)
        -> Set<DeploymentID> {
        for (_, checkpoint, _) in batch {
            for record in checkpoint.orders + checkpoint.fills { _ = try InputRules.key(record.id, field: "journal id") }
        }
        let now = self.now
        return try pool.write { (connection) throws(StoreError) -> Set<DeploymentID> in
            var skipped: Set<DeploymentID> = []
            var known: Set<DeploymentID> = []
            for (id, checkpoint, hostCheckpoint) in batch where !skipped.contains(id) {
                if !known.contains(id) {
                    guard try Self.fetchDeployment(id, connection) != nil else { skipped.insert(id); continue }
                    known.insert(id)
                }
                try Self.write(checkpoint, for: id, now: now, connection)
                if let hostCheckpoint { try Self.writeHostCheckpoint(hostCheckpoint, for: id, now: now, connection) }
            }
            return skipped
        }
    }

    /// Writes one deployment's records on the writer connection, inside the caller's transaction.
    @discardableResult
    private static func write(_ checkpoint: DeploymentCheckpoint, for id: DeploymentID, now: Int64,
                              _ connection: Connection) throws(StoreError) -> Int {
        var sequence = try connection.integer("SELECT COALESCE(MAX(sequence), 0) FROM deployment_orders WHERE deployment_id = ?", [id])
        var inserted = 0
        for order in checkpoint.orders {
            let changed = try connection.run("UPDATE deployment_orders SET body = ?, updated_at = ? WHERE deployment_id = ? AND order_id = ?",
                                             [SQLValue.blob(Array(order.body)), now, id, order.id])
            if changed == 0 {
                sequence += 1
                try connection.run("""
                    INSERT INTO deployment_orders (deployment_id, order_id, sequence, body, updated_at) VALUES (?, ?, ?, ?, ?)
                    """, [id, order.id, sequence, SQLValue.blob(Array(order.body)), now])
                inserted += 1
            }
        }
        var fillSequence = try connection.integer("SELECT COALESCE(MAX(sequence), 0) FROM deployment_fills WHERE deployment_id = ?", [id])
        for fill in checkpoint.fills {
            fillSequence += 1
            try connection.run("""
                INSERT INTO deployment_fills (deployment_id, fill_id, order_id, sequence, body) VALUES (?, ?, ?, ?, ?)
                ON CONFLICT DO NOTHING
                """, [id, fill.id, fill.orderID, fillSequence, SQLValue.blob(Array(fill.body))])
        }
        if let positions = checkpoint.positions {
            try connection.run("DELETE FROM deployment_positions WHERE deployment_id = ?", [id])
            for symbol in positions.keys.sorted() {
                try connection.run("INSERT INTO deployment_positions (deployment_id, symbol, body) VALUES (?, ?, ?)",
                                   [id, symbol, SQLValue.blob(Array(positions[symbol]!))])
            }
        }
        if let state = checkpoint.state {
            try connection.run("""
                INSERT INTO deployment_state (deployment_id, state, updated_at) VALUES (?, ?, ?)
                ON CONFLICT (deployment_id) DO UPDATE SET state = excluded.state, updated_at = excluded.updated_at
                """, [id, SQLValue.blob(Array(state)), now])
        }
        try appendEquity(checkpoint.equity, for: id, connection)
        return inserted
    }

    /// Loads everything saved for a deployment (trusted caller: the Host).
    public func journal(of id: DeploymentID) throws(StoreError) -> DeploymentJournal {
        try pool.read { (connection) throws(StoreError) in
            guard try Self.fetchDeployment(id, connection) != nil else { throw StoreError.notFound(entity: "deployment", id: id.description) }
            let orders = try connection.rows("SELECT order_id, body FROM deployment_orders WHERE deployment_id = ? ORDER BY sequence", [id]) { row in
                JournalRecord(id: row.text(0), body: Data(row.blob(1)))
            }
            let fills = try connection.rows("SELECT fill_id, order_id, body FROM deployment_fills WHERE deployment_id = ? ORDER BY sequence", [id]) { row in
                JournalRecord(id: row.text(0), orderID: row.text(1), body: Data(row.blob(2)))
            }
            var positions: [String: Data] = [:]
            for (symbol, body) in try connection.rows("SELECT symbol, body FROM deployment_positions WHERE deployment_id = ?", [id],
                                                      { row in (row.text(0), Data(row.blob(1))) }) {
                positions[symbol] = body
            }
            let state = try connection.row("SELECT state FROM deployment_state WHERE deployment_id = ?", [id]) { Data($0.blob(0)) }
            return DeploymentJournal(orders: orders, fills: fills, positions: positions, state: state)
        }
    }
}
