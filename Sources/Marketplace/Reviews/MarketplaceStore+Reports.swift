extension MarketplaceStore {
    /// Reports a listing or review the caller can see, for moderation.
    public func report(_ target: ReportTarget, reason: String, by actorID: UserID) throws(StoreError) -> ReportID {
        let reason = try InputRules.reason(reason)
        return try writeAsActive(actorID) { (actor, connection, now) throws(StoreError) -> ReportID in
            let (kind, id): (String, Int64)
            switch target {
            case .listing(let listing):
                _ = try Self.visibleListing(listing, to: actor, connection)
                (kind, id) = ("listing", listing.rawValue)
            case .review(let reviewID):
                guard let review = try Self.fetchReview(reviewID, connection), !review.hidden || actor.isModerator else {
                    throw StoreError.notFound(entity: "review", id: reviewID.description)
                }
                _ = try Self.visibleListing(review.listingID, to: actor, connection)
                (kind, id) = ("review", reviewID.rawValue)
            }
            try connection.run("INSERT INTO reports (reporter_id, target_kind, target_id, reason, status, created_at) VALUES (?, ?, ?, ?, 'open', ?)",
                               [actorID, kind, id, reason, now])
            return ReportID(connection.lastInsertedRowID)
        }
    }

    /// Open reports, oldest first; moderators only.
    public func openReports(by actorID: UserID, limit: Int = 50) throws(StoreError) -> [ModerationReport] {
        let limit = try InputRules.limit(limit)
        return try read(as: actorID) { (actor, connection) throws(StoreError) in
            try actor.requireModerator("read reports")
            return try connection.rows("""
                SELECT id, reporter_id, target_kind, target_id, reason, status, resolution, created_at FROM reports
                WHERE status = 'open' ORDER BY id LIMIT ?
                """, [limit]) { row in
                ModerationReport(id: row.id(0), reporterID: row.id(1),
                                 target: row.text(2) == "listing" ? .listing(row.id(3)) : .review(row.id(3)),
                                 reason: row.text(4), resolved: row.text(5) == "resolved", resolution: row.text(6), createdAt: row.int64(7))
            }
        }
    }

    /// Closes a report with what was done; moderators only, audited.
    public func resolveReport(_ id: ReportID, resolution: String, by actorID: UserID) throws(StoreError) {
        let resolution = try InputRules.reason(resolution, field: "resolution")
        let now = self.now
        try pool.write { (connection) throws(StoreError) in
            try Actor.load(actorID, connection, now: now).requireModerator("resolve a report")
            guard try connection.run("UPDATE reports SET status = 'resolved', resolution = ?, resolved_at = ? WHERE id = ? AND status = 'open'",
                                     [resolution, now, id]) == 1 else {
                throw StoreError.notFound(entity: "open report", id: id.description)
            }
            try Self.appendAudit(connection, actor: actorID, action: "report.resolve", target: .report(id), reason: resolution, now: now)
        }
    }

    /// Marks a visible listing or a template as a favorite (idempotent).
    public func addFavorite(_ target: FavoriteTarget, by actorID: UserID) throws(StoreError) {
        let now = self.now
        try pool.write { (connection) throws(StoreError) in
            let actor = try Actor.load(actorID, connection, now: now)
            switch target {
            case .listing(let id): _ = try Self.visibleListing(id, to: actor, connection)
            case .template(let id):
                guard try connection.integer("SELECT COUNT(*) FROM templates WHERE id = ?", [id]) > 0 else {
                    throw StoreError.notFound(entity: "template", id: id)
                }
            }
            try connection.run("INSERT OR IGNORE INTO favorites (user_id, target_kind, target_id, created_at) VALUES (?, ?, ?, ?)",
                               [actorID, target.kind, target.id, now])
        }
    }

    /// Removes a favorite (idempotent).
    public func removeFavorite(_ target: FavoriteTarget, by actorID: UserID) throws(StoreError) {
        _ = try pool.write { (connection) throws(StoreError) in
            try connection.run("DELETE FROM favorites WHERE user_id = ? AND target_kind = ? AND target_id = ?", [actorID, target.kind, target.id])
        }
    }

    /// The caller's favorites, newest first.
    public func favorites(by actorID: UserID) throws(StoreError) -> [FavoriteTarget] {
        try pool.read { (connection) throws(StoreError) in
            try connection.rows("SELECT target_kind, target_id FROM favorites WHERE user_id = ? ORDER BY created_at DESC, target_id",
                                [actorID]) { row in
                row.text(0) == "listing" ? .listing(ListingID(Int64(row.text(1)) ?? 0)) : .template(row.text(1))
            }
        }
    }
}
