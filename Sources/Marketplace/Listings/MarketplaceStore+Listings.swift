import Host
extension MarketplaceStore {
    static let listingColumns = """
        l.id, l.strategy_id, l.author_id, l.title, l.summary, l.description, l.category, \
        (SELECT group_concat(tag, ' ') FROM (SELECT tag FROM listing_tags WHERE listing_id = l.id ORDER BY tag)), \
        l.price, l.currency, l.status, l.status_reason, l.live_version_id, l.pending_version_id, l.rating_average, \
        l.rating_count, l.buyer_count, l.perf_return, l.perf_drawdown, l.perf_sharpe, l.perf_trades, l.created_at, \
        l.updated_at, l.published_at, l.author_banned
        """

    static func listing(_ row: Row) -> Listing {
        let performance = row.optionalInt64(20).map { trades in
            PerformanceSummary(totalReturn: row.optionalDouble(17), maxDrawdown: row.double(18),
                               sharpe: row.optionalDouble(19), tradeCount: Int(trades))
        }
        return Listing(id: row.id(0), strategyID: row.id(1), authorID: row.id(2), title: row.text(3), summary: row.text(4),
                       description: row.text(5), category: Category(rawValue: row.text(6)) ?? .other,
                       tags: (row.optionalText(7) ?? "").split(separator: " ").map(String.init),
                       price: ListingPrice(amount: row.int64(8), currency: row.text(9)),
                       status: ListingStatus(rawValue: row.text(10)) ?? .draft, statusReason: row.text(11),
                       liveVersionID: row.optionalID(12), pendingVersionID: row.optionalID(13),
                       ratingAverage: row.double(14), ratingCount: row.int(15), buyerCount: row.int(16),
                       performance: performance, createdAt: row.int64(21), updatedAt: row.int64(22),
                       publishedAt: row.optionalInt64(23))
    }

    static func fetchListing(_ id: ListingID, _ connection: Connection) throws(StoreError) -> (listing: Listing, authorBanned: Bool)? {
        try connection.row("SELECT \(listingColumns) FROM listings l WHERE l.id = ?", [id]) { row in (listing(row), row.bool(24)) }
    }

    /// The listing if `actor` may see it: approved and its author not banned,
    /// or the actor is its author or a moderator. Otherwise not found.
    static func visibleListing(_ id: ListingID, to actor: Actor, _ connection: Connection) throws(StoreError) -> Listing {
        guard let (listing, banned) = try fetchListing(id, connection),
              (listing.status == .approved && !banned) || listing.authorID == actor.id || actor.isModerator else {
            throw StoreError.notFound(entity: "listing", id: id.description)
        }
        return listing
    }

    /// Creates a draft listing for one of the caller's strategies.
    public func createListing(for strategyID: StrategyID, _ draft: ListingDraft, by actorID: UserID) throws(StoreError) -> Listing {
        let draft = try draft.validated()
        return try writeAsActive(actorID) { (actor, connection, now) throws(StoreError) -> Listing in
            guard try Self.ownedStrategy(strategyID, by: actor, connection).authorID == actorID else {
                throw StoreError.forbidden(action: "list a strategy", reason: "only its author may")
            }
            try connection.run("""
                INSERT INTO listings (strategy_id, author_id, title, summary, description, category, price, currency, status,
                                      created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'draft', ?, ?)
                """, [strategyID, actorID, draft.title, draft.summary, draft.description, draft.category, draft.price.amount,
                      draft.price.currency, now, now])
            let id = ListingID(connection.lastInsertedRowID)
            try Self.writeTags(id, draft.tags, connection)
            try Self.reindexListing(id, connection)
            return try Self.fetchListing(id, connection)!.listing
        }
    }

    /// Replaces a listing's editable fields; its author only, not while suspended.
    public func updateListing(_ id: ListingID, _ draft: ListingDraft, by actorID: UserID) throws(StoreError) -> Listing {
        let draft = try draft.validated()
        return try writeAsActive(actorID) { (actor, connection, now) throws(StoreError) -> Listing in
            let listing = try Self.authoredListing(id, by: actor, "edit a listing", connection)
            guard listing.status != .suspended else {
                throw StoreError.illegalTransition(entity: "listing", from: listing.status.rawValue, event: "edit")
            }
            try connection.run("""
                UPDATE listings SET title = ?, summary = ?, description = ?, category = ?, price = ?, currency = ?, updated_at = ?
                WHERE id = ?
                """, [draft.title, draft.summary, draft.description, draft.category, draft.price.amount, draft.price.currency, now, id])
            try connection.run("DELETE FROM listing_tags WHERE listing_id = ?", [id])
            try Self.writeTags(id, draft.tags, connection)
            try Self.reindexListing(id, connection)
            return try Self.fetchListing(id, connection)!.listing
        }
    }

    static func writeTags(_ id: ListingID, _ tags: [String], _ connection: Connection) throws(StoreError) {
        for tag in tags { try connection.run("INSERT INTO listing_tags (listing_id, tag) VALUES (?, ?)", [id, tag]) }
    }

    /// Keeps the FTS5 row (rowid = listing id) in step with the listing.
    static func reindexListing(_ id: ListingID, _ connection: Connection) throws(StoreError) {
        try connection.run("DELETE FROM listing_search WHERE rowid = ?", [id])
        try connection.run("""
            INSERT INTO listing_search (rowid, title, summary, description, tags, facets)
            SELECT id, title, summary, description,
                   COALESCE((SELECT group_concat(tag, ' ') FROM listing_tags WHERE listing_id = listings.id), ''),
                   'category' || replace(category, '_', '')
            FROM listings WHERE id = ?
            """, [id])
    }

    /// A listing as `actor` may see it (see `visibleListing`).
    public func listing(_ id: ListingID, by actorID: UserID) throws(StoreError) -> Listing {
        let now = self.now
        return try pool.read { (connection) throws(StoreError) in
            try Self.visibleListing(id, to: try Actor.load(actorID, connection, now: now), connection)
        }
    }

    /// An author's listings in every status (their own, or any for moderators).
    public func listings(of authorID: UserID, by actorID: UserID) throws(StoreError) -> [Listing] {
        return try read(as: actorID) { (actor, connection) throws(StoreError) in
            let everything = authorID == actorID || actor.isModerator
            return try connection.rows("""
                SELECT \(Self.listingColumns) FROM listings l WHERE l.author_id = ?
                AND (? OR (l.status = 'approved' AND l.author_banned = 0)) ORDER BY l.id
                """, [authorID, everything], Self.listing)
        }
    }

    /// The full backtest figures (with the equity curve) of a listing's live version.
    public func performance(of id: ListingID, by actorID: UserID) throws(StoreError) -> PerformanceFigures? {
        let now = self.now
        return try pool.read { (connection) throws(StoreError) in
            let listing = try Self.visibleListing(id, to: try Actor.load(actorID, connection, now: now), connection)
            guard let versionID = listing.liveVersionID else { return nil }
            return try Self.fetchVersion(versionID, connection)?.report.performance
        }
    }

    /// What a listing's page shows of its live version (the pending one for
    /// its author and moderators while none is live): the validation
    /// figures and the declared schema. Never the source.
    public func listedVersion(of id: ListingID, by actorID: UserID) throws(StoreError)
        -> (performance: PerformanceFigures?, schema: StrategySchema?)? {
        let now = self.now
        return try pool.read { (connection) throws(StoreError) in
            let actor = try Actor.load(actorID, connection, now: now)
            let listing = try Self.visibleListing(id, to: actor, connection)
            let mayPreview = listing.authorID == actorID || actor.isModerator
            guard let versionID = listing.liveVersionID ?? (mayPreview ? listing.pendingVersionID : nil),
                  let version = try Self.fetchVersion(versionID, connection) else { return nil }
            return (version.report.performance, version.schema)
        }
    }
}

/// What the server runs when a user backtests a listing: the live version's
/// script and schema. The source goes to a worker process, never to the user.
public struct RunnableListing: Sendable {
    public var strategyID: StrategyID
    public var versionID: VersionID
    public var source: String
    public var schema: StrategySchema
}

extension MarketplaceStore {
    /// The live version of a listing the actor can see, to run on the
    /// actor's behalf (a buyer's or a prospective buyer's backtest). The
    /// caller must not hand `source` to the actor.
    public func runnableListing(_ id: ListingID, by actorID: UserID) throws(StoreError) -> RunnableListing {
        let now = self.now
        return try pool.read { (connection) throws(StoreError) -> RunnableListing in
            let actor = try Actor.load(actorID, connection, now: now)
            try actor.requireActive()
            let listing = try Self.visibleListing(id, to: actor, connection)
            guard let versionID = listing.liveVersionID, let version = try Self.fetchVersion(versionID, connection),
                  let schema = version.schema else {
                throw StoreError.invalid(field: "listing", rule: "has no live version to backtest yet")
            }
            guard let source = try connection.row("SELECT source FROM strategy_versions WHERE id = ?", [versionID], { $0.text(0) }) else {
                throw StoreError.notFound(entity: "version", id: versionID.description)
            }
            return RunnableListing(strategyID: listing.strategyID, versionID: versionID, source: source, schema: schema)
        }
    }
}
