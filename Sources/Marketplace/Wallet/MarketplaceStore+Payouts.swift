import Foundation

/// An author's request to be paid what their wallet holds: the amount moves
/// from the wallet to the `payouts` ledger account (money the platform owes
/// out, paid by whoever runs the server), in one balanced `payout`
/// transaction, audited as `wallet.payout`.
public struct Payout: Sendable, Equatable {
    public var id: Int64
    public var userID: UserID
    /// Minor units, positive.
    public var amount: Int64
    public var currency: String
    public var idempotencyKey: String
    public var transactionID: Int64
    public var createdAt: Int64
}

extension Schema {
    /// Widens the ledger's kinds and accounts for payouts. SQLite cannot
    /// change a CHECK constraint, so both ledger tables are rebuilt (rows,
    /// ids, indexes and the append-only trigger kept) with foreign keys off
    /// (`Migration.rebuildsTables`), and the payouts table is added.
    static let payouts = Migration(name: "023-author-payouts", sql: """
        CREATE TABLE ledger_transactions_new (
            id INTEGER PRIMARY KEY,
            kind TEXT NOT NULL CHECK (kind IN ('top_up', 'purchase', 'refund', 'payout')),
            created_at INTEGER NOT NULL);
        INSERT INTO ledger_transactions_new (id, kind, created_at) SELECT id, kind, created_at FROM ledger_transactions;
        CREATE TABLE ledger_entries_new (
            id INTEGER PRIMARY KEY,
            transaction_id INTEGER NOT NULL REFERENCES ledger_transactions(id),
            account TEXT NOT NULL CHECK (account IN ('wallet', 'platform_fees', 'payment_provider', 'payouts')),
            user_id INTEGER REFERENCES users(id),
            currency TEXT NOT NULL,
            amount INTEGER NOT NULL CHECK (amount <> 0));
        INSERT INTO ledger_entries_new (id, transaction_id, account, user_id, currency, amount)
            SELECT id, transaction_id, account, user_id, currency, amount FROM ledger_entries;
        DROP TABLE ledger_entries;
        DROP TABLE ledger_transactions;
        ALTER TABLE ledger_transactions_new RENAME TO ledger_transactions;
        ALTER TABLE ledger_entries_new RENAME TO ledger_entries;
        CREATE INDEX ledger_entries_wallet ON ledger_entries(user_id, currency, amount) WHERE account = 'wallet';
        CREATE INDEX ledger_entries_transaction ON ledger_entries(transaction_id);
        CREATE TRIGGER ledger_entries_no_update BEFORE UPDATE ON ledger_entries
            BEGIN SELECT RAISE(ABORT, 'ledger entries are append-only'); END;
        CREATE TABLE payouts (
            id INTEGER PRIMARY KEY,
            user_id INTEGER NOT NULL REFERENCES users(id),
            amount INTEGER NOT NULL CHECK (amount > 0),
            currency TEXT NOT NULL,
            idempotency_key TEXT NOT NULL,
            transaction_id INTEGER NOT NULL REFERENCES ledger_transactions(id),
            created_at INTEGER NOT NULL,
            UNIQUE (user_id, idempotency_key));
        """, rebuildsTables: true)
}

extension MarketplaceStore {
    static let payoutColumns = "id, user_id, amount, currency, idempotency_key, transaction_id, created_at"

    static func payout(_ row: Row) -> Payout {
        Payout(id: row.int64(0), userID: UserID(row.int64(1)), amount: row.int64(2), currency: row.text(3), idempotencyKey: row.text(4),
               transactionID: row.int64(5), createdAt: row.int64(6))
    }

    /// Pays `amount` of the caller's wallet out (an active user). Idempotent
    /// by `idempotencyKey`: a retry returns the first payout with `created:
    /// false`; the key reused for another amount or currency is refused.
    /// Refused with `insufficientFunds` past the balance.
    public func requestPayout(amount: Int64, currency: String, idempotencyKey: String,
                              by userID: UserID) throws(StoreError) -> (payout: Payout, created: Bool) {
        let amount = try InputRules.positiveAmount(amount, field: "amount")
        let currency = try InputRules.currency(currency)
        let key = try InputRules.key(idempotencyKey, field: "idempotencyKey")
        return try writeAsActive(userID) { (actor, connection, now) throws(StoreError) -> (payout: Payout, created: Bool) in
            if let earlier = try connection.row("SELECT \(Self.payoutColumns) FROM payouts WHERE user_id = ? AND idempotency_key = ?",
                                                [actor.id, key], Self.payout) {
                guard earlier.amount == amount, earlier.currency == currency else {
                    throw StoreError.invalid(field: "idempotencyKey", rule: "was already used for a different payout")
                }
                return (earlier, false)
            }
            let balance = try Self.balance(actor.id, currency, connection)
            guard balance >= amount else { throw StoreError.insufficientFunds(balance: balance, required: amount) }
            let transaction = try Self.postTransaction(kind: "payout", currency: currency, legs: [
                ("wallet", actor.id, -amount), ("payouts", actor.id, amount)], now: now, connection)
            try connection.run("""
                INSERT INTO payouts (user_id, amount, currency, idempotency_key, transaction_id, created_at) VALUES (?, ?, ?, ?, ?, ?)
                """, [actor.id, amount, currency, key, transaction, now])
            let id = connection.lastInsertedRowID
            try Self.appendAudit(connection, actor: actor.id, action: "wallet.payout", target: .user(actor.id),
                                 reason: "\(amount) \(currency) minor units (payout \(id))", now: now)
            return (Payout(id: id, userID: actor.id, amount: amount, currency: currency, idempotencyKey: key, transactionID: transaction,
                           createdAt: now), true)
        }
    }

    /// A user's payouts, newest first; the user and moderators only.
    public func payouts(of userID: UserID, by actorID: UserID) throws(StoreError) -> [Payout] {
        try readOwned(by: userID, as: actorID, "read payouts", who: "the payee") { (connection) throws(StoreError) in
            try connection.rows("SELECT \(Self.payoutColumns) FROM payouts WHERE user_id = ? ORDER BY id DESC LIMIT 500", [userID], Self.payout)
        }
    }
}
