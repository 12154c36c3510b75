extension MarketplaceStore {
    /// An admin's credit to a user's wallet (test servers, goodwill): booked
    /// as a top-up from the payment provider account with the provider event
    /// id `admin-credit-<audit id>`, so the books balance as for any top-up,
    /// and audited as `wallet.credit` with the amount and the reason, in the
    /// same transaction. Returns the new balance in minor units.
    public func creditWallet(of userID: UserID, amount: Int64, currency: String, reason: String,
                             by actorID: UserID) throws(StoreError) -> Int64 {
        let amount = try InputRules.positiveAmount(amount, field: "amount")
        let currency = try InputRules.currency(currency)
        let reason = try InputRules.reason(reason)
        return try writeAsActive(actorID) { (actor, connection, now) throws(StoreError) -> Int64 in
            try actor.requireModerator("credit a wallet")
            guard try Self.fetchUser(userID, connection) != nil else { throw StoreError.notFound(entity: "user", id: userID.description) }
            let transaction = try Self.postTransaction(kind: "top_up", currency: currency, legs: [
                ("payment_provider", nil, -amount), ("wallet", userID, amount)], now: now, connection)
            try connection.run("""
                INSERT INTO payment_events (provider_event_id, user_id, amount, currency, transaction_id, created_at) VALUES (?, ?, ?, ?, ?, ?)
                """, ["admin-credit-\(transaction)", userID, amount, currency, transaction, now])
            try Self.appendAudit(connection, actor: actor.id, action: "wallet.credit", target: .user(userID),
                                 reason: "\(amount) \(currency) minor units: \(reason)", now: now)
            return try Self.balance(userID, currency, connection)
        }
    }
}
