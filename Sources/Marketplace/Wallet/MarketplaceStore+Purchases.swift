extension MarketplaceStore {
    static let purchaseColumns = """
        id, buyer_id, listing_id, version_id, price, currency, fee, author_amount, idempotency_key, status, created_at, refunded_at
        """

    static func purchase(_ row: Row) -> Purchase {
        Purchase(id: row.id(0), buyerID: row.id(1), listingID: row.id(2), versionID: row.id(3),
                 price: ListingPrice(amount: row.int64(4), currency: row.text(5)), fee: row.int64(6), authorAmount: row.int64(7),
                 idempotencyKey: row.text(8), status: Purchase.Status(rawValue: row.text(9)) ?? .refunded,
                 createdAt: row.int64(10), refundedAt: row.optionalInt64(11))
    }

    /// Whether `buyer` holds a completed purchase of the listing.
    static func owns(_ buyer: UserID, _ listing: ListingID, _ connection: Connection) throws(StoreError) -> Bool {
        try connection.integer("SELECT COUNT(*) FROM purchases WHERE buyer_id = ? AND listing_id = ? AND status = 'completed'",
                               [buyer, listing]) > 0
    }

    /// Buys a listing's live version: in one durable transaction, debits the
    /// buyer, credits the author and the platform fee (`FeeSplit`), and
    /// records the purchase. Idempotent by (buyer, `idempotencyKey`): a retry
    /// returns the first result. Refused: own listing, already owned, too
    /// little balance, restricted account, listing not on sale.
    public func purchase(_ listingID: ListingID, idempotencyKey: String, by buyerID: UserID) throws(StoreError) -> Purchase {
        try purchaseOnce(listingID, idempotencyKey: idempotencyKey, by: buyerID).purchase
    }

    /// `purchase(_:idempotencyKey:by:)`, also saying whether this call made
    /// the purchase (`created`) or found it made by an earlier call with the
    /// same key. The answer is decided inside the write transaction, so of
    /// concurrent retries with one key exactly one sees `created == true`.
    public func purchaseOnce(_ listingID: ListingID, idempotencyKey: String,
                             by buyerID: UserID) throws(StoreError) -> (purchase: Purchase, created: Bool) {
        let key = try InputRules.key(idempotencyKey, field: "idempotencyKey")
        let now = self.now
        let feeRate = configuration.platformFeeBasisPoints
        return try pool.write { (connection) throws(StoreError) -> (purchase: Purchase, created: Bool) in
            if let earlier = try connection.row("SELECT \(Self.purchaseColumns) FROM purchases WHERE buyer_id = ? AND idempotency_key = ?",
                                                [buyerID, key], Self.purchase) {
                guard earlier.listingID == listingID else {
                    throw StoreError.invalid(field: "idempotencyKey", rule: "was already used for a different purchase")
                }
                return (earlier, false)
            }
            let actor = try Actor.load(buyerID, connection, now: now)
            try actor.requireActive()
            guard let (listing, authorBanned) = try Self.fetchListing(listingID, connection),
                  listing.status == .approved, !authorBanned, let versionID = listing.liveVersionID else {
                throw StoreError.notFound(entity: "listing", id: listingID.description)
            }
            guard listing.authorID != buyerID else { throw StoreError.ownListing }
            guard try !Self.owns(buyerID, listingID, connection) else { throw StoreError.alreadyPurchased(listing: listingID.rawValue) }
            let price = listing.price
            let split = FeeSplit(price: price.amount, basisPoints: feeRate)
            var transaction: Int64?
            if !price.isFree {
                let balance = try Self.balance(buyerID, price.currency, connection)
                guard balance >= price.amount else { throw StoreError.insufficientFunds(balance: balance, required: price.amount) }
                transaction = try Self.postTransaction(kind: "purchase", currency: price.currency, legs: [
                    ("wallet", buyerID, -price.amount), ("wallet", listing.authorID, split.author),
                    ("platform_fees", nil, split.fee)], now: now, connection)
            }
            try connection.run("""
                INSERT INTO purchases (buyer_id, listing_id, version_id, price, currency, fee, author_amount, idempotency_key, status,
                                       transaction_id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'completed', ?, ?)
                """, [buyerID, listingID, versionID, price.amount, price.currency, split.fee, split.author, key, transaction, now])
            let id = PurchaseID(connection.lastInsertedRowID)
            try connection.run("UPDATE listings SET buyer_count = buyer_count + 1 WHERE id = ?", [listingID])
            return (Purchase(id: id, buyerID: buyerID, listingID: listingID, versionID: versionID, price: price, fee: split.fee,
                             authorAmount: split.author, idempotencyKey: key, status: .completed, createdAt: now, refundedAt: nil), true)
        }
    }

    /// Refunds a purchase (admins): reverses its ledger entries, revokes
    /// access and stops the buyer's deployments of the listing (marked
    /// stopped here; the `DeploymentController` stops their runs after the
    /// commit, as for a ban). Refused with `insufficientFunds` when the
    /// author's wallet no longer holds their share.
    public func refund(_ purchaseID: PurchaseID, reason: String, by actorID: UserID) throws(StoreError) -> Purchase {
        let reason = try InputRules.reason(reason)
        let now = self.now
        let (purchase, stopped) = try pool.write { (connection) throws(StoreError) -> (Purchase, [DeploymentID]) in
            try Actor.load(actorID, connection, now: now).requireModerator("refund a purchase")
            guard var purchase = try connection.row("SELECT \(Self.purchaseColumns) FROM purchases WHERE id = ?", [purchaseID], Self.purchase) else {
                throw StoreError.notFound(entity: "purchase", id: purchaseID.description)
            }
            guard purchase.status == .completed else {
                throw StoreError.illegalTransition(entity: "purchase", from: purchase.status.rawValue, event: "refund")
            }
            var refundTransaction: Int64?
            if !purchase.price.isFree {
                let authorID = UserID(try connection.integer("SELECT author_id FROM listings WHERE id = ?", [purchase.listingID]))
                let authorBalance = try Self.balance(authorID, purchase.price.currency, connection)
                guard authorBalance >= purchase.authorAmount else {
                    throw StoreError.insufficientFunds(balance: authorBalance, required: purchase.authorAmount, holder: "the author's wallet")
                }
                refundTransaction = try Self.postTransaction(kind: "refund", currency: purchase.price.currency, legs: [
                    ("wallet", purchase.buyerID, purchase.price.amount), ("wallet", authorID, -purchase.authorAmount),
                    ("platform_fees", nil, -purchase.fee)], now: now, connection)
            }
            try connection.run("""
                UPDATE purchases SET status = 'refunded', refund_transaction_id = ?, refund_reason = ?, refunded_at = ? WHERE id = ?
                """, [refundTransaction, reason, now, purchaseID])
            try connection.run("UPDATE listings SET buyer_count = buyer_count - 1 WHERE id = ?", [purchase.listingID])
            let stopped = try connection.rows("""
                SELECT id FROM deployments WHERE owner_id = ? AND listing_id = ? AND status IN ('running', 'halted')
                """, [purchase.buyerID, purchase.listingID]) { DeploymentID($0.int64(0)) }
            try connection.run("""
                UPDATE deployments SET status = 'stopped', status_reason = 'purchase refunded', updated_at = ?
                WHERE owner_id = ? AND listing_id = ? AND status IN ('running', 'halted')
                """, [now, purchase.buyerID, purchase.listingID])
            try Self.appendAudit(connection, actor: actorID, action: "purchase.refund", target: .purchase(purchaseID), reason: reason, now: now)
            purchase.status = .refunded
            purchase.refundedAt = now
            return (purchase, stopped)
        }
        if !stopped.isEmpty { deploymentController?.stopDeployments(stopped, reason: "purchase refunded") }
        return purchase
    }

    /// A buyer's purchases, newest first; the buyer and moderators only.
    public func purchases(of buyerID: UserID, by actorID: UserID) throws(StoreError) -> [Purchase] {
        try readOwned(by: buyerID, as: actorID, "read purchase history", who: "the buyer") { (connection) throws(StoreError) in
            try connection.rows("SELECT \(Self.purchaseColumns) FROM purchases WHERE buyer_id = ? ORDER BY id DESC",
                                       [buyerID], Self.purchase)
        }
    }

    /// An author's sales per listing and currency; the author and moderators only.
    public func salesReport(of authorID: UserID, by actorID: UserID) throws(StoreError) -> [SalesLine] {
        try readOwned(by: authorID, as: actorID, "read a sales report", who: "the author") { (connection) throws(StoreError) in
            try connection.rows("""
                SELECT p.listing_id, p.currency, SUM(p.status = 'completed'), SUM(p.status = 'refunded'),
                       COALESCE(SUM(CASE WHEN p.status = 'completed' THEN p.price END), 0),
                       COALESCE(SUM(CASE WHEN p.status = 'completed' THEN p.fee END), 0)
                FROM purchases p JOIN listings l ON l.id = p.listing_id WHERE l.author_id = ?
                GROUP BY p.listing_id, p.currency ORDER BY p.listing_id, p.currency
                """, [authorID]) { row in
                SalesLine(listingID: row.id(0), currency: row.text(1), sales: row.int(2), refunds: row.int(3),
                          gross: row.int64(4), fees: row.int64(5), net: row.int64(4) - row.int64(5))
            }
        }
    }
}
