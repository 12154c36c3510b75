extension MarketplaceStore {
    /// Submits an accepted version of the listing's strategy for review.
    /// A draft, rejected or unpublished listing goes to pending review; an
    /// approved one keeps serving its live version while `version` waits as
    /// the pending version, so buyers get it only once approved.
    public func submit(_ id: ListingID, version versionID: VersionID, by actorID: UserID) throws(StoreError) -> Listing {
        return try writeAsActive(actorID) { (actor, connection, now) throws(StoreError) -> Listing in
            let listing = try Self.authoredListing(id, by: actor, "submit a listing", connection)
            guard let version = try Self.fetchVersion(versionID, connection), version.strategyID == listing.strategyID else {
                throw StoreError.invalid(field: "version", rule: "must be a version of the listing's strategy")
            }
            guard version.status == .accepted else {
                throw StoreError.invalid(field: "version", rule: "must have passed validation (this one was rejected)")
            }
            if listing.status == .approved {
                guard version.id != listing.liveVersionID else { throw StoreError.invalid(field: "version", rule: "is already live") }
                try connection.run("UPDATE listings SET pending_version_id = ?, status_reason = '', updated_at = ? WHERE id = ?",
                                   [versionID, now, id])
            } else {
                let next = try listing.status.applying(.submit)
                try connection.run("""
                    UPDATE listings SET status = ?, pending_version_id = ?, status_reason = '', updated_at = ? WHERE id = ?
                    """, [next.rawValue, versionID, now, id])
            }
            return try Self.fetchListing(id, connection)!.listing
        }
    }

    /// Approves a pending listing, or the pending version of an approved one
    /// (which becomes the live version, carrying its backtest figures).
    public func approve(_ id: ListingID, by actorID: UserID) throws(StoreError) -> Listing {
        try moderate(id, action: "listing.approve", reason: "approved", by: actorID) { (listing, connection, now) throws(StoreError) in
            guard let pending = listing.pendingVersionID else {
                throw StoreError.illegalTransition(entity: "listing", from: listing.status.rawValue, event: "approve")
            }
            let next = listing.status == .approved ? .approved : try listing.status.applying(.approve)
            let figures = try Self.fetchVersion(pending, connection)?.report.performance
            try connection.run("""
                UPDATE listings SET status = ?, status_reason = '', live_version_id = pending_version_id, pending_version_id = NULL,
                    perf_return = ?, perf_drawdown = ?, perf_sharpe = ?, perf_trades = ?,
                    published_at = COALESCE(published_at, ?), updated_at = ? WHERE id = ?
                """, [next.rawValue, figures?.totalReturn, figures?.maxDrawdown, figures?.sharpe, figures?.tradeCount, now, now, id])
        }
    }

    /// Rejects a pending listing, or just the pending version of an approved one.
    public func reject(_ id: ListingID, reason: String, by actorID: UserID) throws(StoreError) -> Listing {
        let reason = try InputRules.reason(reason)
        return try moderate(id, action: "listing.reject", reason: reason, by: actorID) { (listing, connection, now) throws(StoreError) in
            let next = listing.status == .approved && listing.pendingVersionID != nil ? .approved : try listing.status.applying(.reject)
            try connection.run("UPDATE listings SET status = ?, status_reason = ?, pending_version_id = NULL, updated_at = ? WHERE id = ?",
                               [next.rawValue, reason, now, id])
        }
    }

    /// Takes an approved listing off the market; buyers keep their deployments.
    public func suspend(_ id: ListingID, reason: String, by actorID: UserID) throws(StoreError) -> Listing {
        let reason = try InputRules.reason(reason)
        return try moderate(id, action: "listing.suspend", reason: reason, by: actorID) { (listing, connection, now) throws(StoreError) in
            let next = try listing.status.applying(.suspend)
            try connection.run("UPDATE listings SET status = ?, status_reason = ?, updated_at = ? WHERE id = ?", [next.rawValue, reason, now, id])
        }
    }

    /// Puts a suspended listing back on the market.
    public func reinstate(_ id: ListingID, reason: String, by actorID: UserID) throws(StoreError) -> Listing {
        let reason = try InputRules.reason(reason)
        return try moderate(id, action: "listing.reinstate", reason: reason, by: actorID) { (listing, connection, now) throws(StoreError) in
            let next = try listing.status.applying(.reinstate)
            try connection.run("UPDATE listings SET status = ?, status_reason = '', updated_at = ? WHERE id = ?", [next.rawValue, now, id])
        }
    }

    /// The author withdraws a listing from sale.
    public func unpublish(_ id: ListingID, by actorID: UserID) throws(StoreError) -> Listing {
        let now = self.now
        return try pool.write { (connection) throws(StoreError) -> Listing in
            let actor = try Actor.load(actorID, connection, now: now)
            let listing = try Self.authoredListing(id, by: actor, "unpublish a listing", connection)
            let next = try listing.status.applying(.unpublish)
            try connection.run("UPDATE listings SET status = ?, pending_version_id = NULL, updated_at = ? WHERE id = ?", [next.rawValue, now, id])
            return try Self.fetchListing(id, connection)!.listing
        }
    }

    /// Listings waiting for a moderator: pending review, or approved with a pending version. Oldest first.
    public func moderationQueue(by actorID: UserID, limit: Int = 50) throws(StoreError) -> [Listing] {
        let limit = try InputRules.limit(limit)
        return try read(as: actorID) { (actor, connection) throws(StoreError) in
            try actor.requireModerator("read the moderation queue")
            return try connection.rows("""
                SELECT \(Self.listingColumns) FROM listings l
                WHERE l.status = 'pending_review' OR (l.status = 'approved' AND l.pending_version_id IS NOT NULL)
                ORDER BY l.updated_at, l.id LIMIT ?
                """, [limit], Self.listing)
        }
    }

    /// A moderator action: loads the listing, applies `change`, writes the audit line, all in one transaction.
    private func moderate(_ id: ListingID, action: String, reason: String, by actorID: UserID,
                          _ change: (Listing, Connection, Int64) throws(StoreError) -> Void) throws(StoreError) -> Listing {
        let now = self.now
        return try pool.write { (connection) throws(StoreError) -> Listing in
            let actor = try Actor.load(actorID, connection, now: now)
            try actor.requireModerator(action)
            let listing = try Self.visibleListing(id, to: actor, connection)
            try change(listing, connection, now)
            try Self.appendAudit(connection, actor: actorID, action: action, target: .listing(id), reason: reason, now: now)
            return try Self.fetchListing(id, connection)!.listing
        }
    }
}
