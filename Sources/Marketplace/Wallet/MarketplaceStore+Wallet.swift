extension MarketplaceStore {
    /// A wallet balance: the sum of the user's wallet entries (derived, never stored).
    static func balance(_ user: UserID, _ currency: String, _ connection: Connection) throws(StoreError) -> Int64 {
        try connection.integer("SELECT COALESCE(SUM(amount), 0) FROM ledger_entries WHERE account = 'wallet' AND user_id = ? AND currency = ?",
                               [user, currency])
    }

    /// Writes one balanced ledger transaction; `legs` must sum to zero.
    static func postTransaction(kind: String, currency: String, legs: [(account: String, user: UserID?, amount: Int64)],
                                now: Int64, _ connection: Connection) throws(StoreError) -> Int64 {
        precondition(legs.reduce(0) { $0 + $1.amount } == 0, "ledger transactions balance")
        try connection.run("INSERT INTO ledger_transactions (kind, created_at) VALUES (?, ?)", [kind, now])
        let transaction = connection.lastInsertedRowID
        for leg in legs where leg.amount != 0 {
            try connection.run("INSERT INTO ledger_entries (transaction_id, account, user_id, currency, amount) VALUES (?, ?, ?, ?, ?)",
                               [transaction, leg.account, leg.user, currency, leg.amount])
        }
        return transaction
    }

    /// Credits a wallet from a payment provider's event. Idempotent by
    /// `providerEventID`: a retried event changes nothing and returns
    /// `applied: false`; an event id reused for a different top-up is refused.
    /// Returns once the credit is durable (synchronous = FULL).
    public func topUp(_ userID: UserID, amount: Int64, currency: String, providerEventID: String) throws(StoreError) -> TopUpReceipt {
        let amount = try InputRules.positiveAmount(amount, field: "amount")
        let currency = try InputRules.currency(currency)
        let eventID = try InputRules.key(providerEventID, field: "providerEventID")
        let now = self.now
        return try pool.write { (connection) throws(StoreError) -> TopUpReceipt in
            guard try Self.fetchUser(userID, connection) != nil else { throw StoreError.notFound(entity: "user", id: userID.description) }
            if let (user, recordedAmount, recordedCurrency) = try connection.row(
                "SELECT user_id, amount, currency FROM payment_events WHERE provider_event_id = ?", [eventID],
                { row in (UserID(row.int64(0)), row.int64(1), row.text(2)) }) {
                guard user == userID, recordedAmount == amount, recordedCurrency == currency else {
                    throw StoreError.invalid(field: "providerEventID", rule: "was already used for a different top-up")
                }
                return TopUpReceipt(applied: false, balance: try Self.balance(userID, currency, connection))
            }
            let transaction = try Self.postTransaction(kind: "top_up", currency: currency, legs: [
                ("payment_provider", nil, -amount), ("wallet", userID, amount)], now: now, connection)
            try connection.run("""
                INSERT INTO payment_events (provider_event_id, user_id, amount, currency, transaction_id, created_at) VALUES (?, ?, ?, ?, ?, ?)
                """, [eventID, userID, amount, currency, transaction, now])
            return TopUpReceipt(applied: true, balance: try Self.balance(userID, currency, connection))
        }
    }

    /// A wallet balance in minor units; the owner and moderators only.
    public func balance(of userID: UserID, currency: String, by actorID: UserID) throws(StoreError) -> Int64 {
        let currency = try InputRules.currency(currency)
        return try readOwned(by: userID, as: actorID, "read a wallet", who: "its owner") { (connection) throws(StoreError) in
            try Self.balance(userID, currency, connection)
        }
    }

    /// A user's wallet entries, newest first, older than entry `before`
    /// when given (the last id of the previous page); the owner and moderators only.
    public func ledger(of userID: UserID, before: Int64? = nil, by actorID: UserID, limit: Int = 100) throws(StoreError) -> [LedgerEntry] {
        let limit = try InputRules.limit(limit, maximum: 1_000)
        return try readOwned(by: userID, as: actorID, "read a wallet", who: "its owner") { (connection) throws(StoreError) in
            try connection.rows("""
                SELECT e.id, e.transaction_id, t.kind, e.amount, e.currency, t.created_at FROM ledger_entries e
                JOIN ledger_transactions t ON t.id = e.transaction_id
                WHERE e.account = 'wallet' AND e.user_id = ? AND e.id < ? ORDER BY e.id DESC LIMIT ?
                """, [userID, before ?? Int64.max, limit]) { row in
                LedgerEntry(id: row.int64(0), transactionID: row.int64(1), kind: row.text(2), amount: row.int64(3), currency: row.text(4),
                            createdAt: row.int64(5))
            }
        }
    }

    /// Sum of every ledger entry (all accounts): zero when the books balance.
    public func ledgerImbalance() throws(StoreError) -> Int64 {
        try pool.read { (connection) throws(StoreError) in try connection.integer("SELECT COALESCE(SUM(amount), 0) FROM ledger_entries") }
    }
}
