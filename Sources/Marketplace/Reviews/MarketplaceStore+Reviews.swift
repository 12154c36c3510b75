extension MarketplaceStore {
    static let reviewColumns = "id, listing_id, user_id, rating, title, body, hidden, created_at, updated_at"

    static func review(_ row: Row) -> Review {
        Review(id: row.id(0), listingID: row.id(1), userID: row.id(2), rating: row.int(3), title: row.text(4), body: row.text(5),
               hidden: row.bool(6), createdAt: row.int64(7), updatedAt: row.int64(8))
    }

    static func fetchReview(_ id: ReviewID, _ connection: Connection) throws(StoreError) -> Review? {
        try connection.row("SELECT \(reviewColumns) FROM reviews WHERE id = ?", [id], review)
    }

    /// Recomputes a listing's rating from its visible reviews, in the same
    /// transaction as the change, so average and count never drift.
    static func refreshRating(_ listing: ListingID, _ connection: Connection) throws(StoreError) {
        try connection.run("""
            UPDATE listings SET
                rating_sum = (SELECT COALESCE(SUM(rating), 0) FROM reviews WHERE listing_id = ?1 AND hidden = 0),
                rating_count = (SELECT COUNT(*) FROM reviews WHERE listing_id = ?1 AND hidden = 0),
                rating_average = COALESCE((SELECT AVG(rating) FROM reviews WHERE listing_id = ?1 AND hidden = 0), 0)
            WHERE id = ?1
            """, [listing])
    }

    /// Whether `user` may review: they bought it, or (free listings) deployed it.
    static func mayReview(_ user: UserID, _ listing: Listing, _ connection: Connection) throws(StoreError) -> Bool {
        if try owns(user, listing.id, connection) { return true }
        guard listing.price.isFree else { return false }
        return try connection.integer("SELECT COUNT(*) FROM deployments WHERE owner_id = ? AND listing_id = ?", [user, listing.id]) > 0
    }

    /// Writes the caller's review of a listing they bought (or deployed, if free).
    public func writeReview(of listingID: ListingID, _ draft: ReviewDraft, by actorID: UserID) throws(StoreError) -> Review {
        let draft = try draft.validated()
        return try writeAsActive(actorID) { (actor, connection, now) throws(StoreError) -> Review in
            let listing = try Self.visibleListing(listingID, to: actor, connection)
            // Before the buyer check: an author who deployed their own free listing would pass it.
            guard listing.authorID != actorID else { throw StoreError.selfReview }
            guard try Self.mayReview(actorID, listing, connection) else {
                throw StoreError.forbidden(action: "review this listing", reason: "only buyers (or, when free, users who deployed it) may")
            }
            if try connection.integer("SELECT COUNT(*) FROM reviews WHERE listing_id = ? AND user_id = ?", [listingID, actorID]) > 0 {
                throw StoreError.duplicate(field: "review")
            }
            try connection.run("""
                INSERT INTO reviews (listing_id, user_id, rating, title, body, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)
                """, [listingID, actorID, draft.rating, draft.title, draft.body, now, now])
            let id = ReviewID(connection.lastInsertedRowID)
            try Self.refreshRating(listingID, connection)
            return try Self.fetchReview(id, connection)!
        }
    }

    /// Edits a review; its writer only.
    public func editReview(_ id: ReviewID, _ draft: ReviewDraft, by actorID: UserID) throws(StoreError) -> Review {
        let draft = try draft.validated()
        let now = self.now
        return try pool.write { (connection) throws(StoreError) -> Review in
            try Actor.load(actorID, connection, now: now).requireActive()
            guard let review = try Self.fetchReview(id, connection), review.userID == actorID else {
                throw StoreError.notFound(entity: "review", id: id.description)
            }
            // A self-review written before the rule existed cannot be edited into shape either.
            if try connection.integer("SELECT COUNT(*) FROM listings WHERE id = ? AND author_id = ?", [review.listingID, actorID]) > 0 {
                throw StoreError.selfReview
            }
            try connection.run("UPDATE reviews SET rating = ?, title = ?, body = ?, updated_at = ? WHERE id = ?",
                               [draft.rating, draft.title, draft.body, now, id])
            try Self.refreshRating(review.listingID, connection)
            return try Self.fetchReview(id, connection)!
        }
    }

    /// Hides (or, with `hidden: false`, restores) a review; moderators only, audited.
    public func setReviewHidden(_ id: ReviewID, _ hidden: Bool, reason: String, by actorID: UserID) throws(StoreError) -> Review {
        let reason = try InputRules.reason(reason)
        let now = self.now
        return try pool.write { (connection) throws(StoreError) -> Review in
            try Actor.load(actorID, connection, now: now).requireModerator(hidden ? "hide a review" : "restore a review")
            guard let review = try Self.fetchReview(id, connection) else { throw StoreError.notFound(entity: "review", id: id.description) }
            try connection.run("UPDATE reviews SET hidden = ? WHERE id = ?", [hidden, id])
            try Self.refreshRating(review.listingID, connection)
            try Self.appendAudit(connection, actor: actorID, action: hidden ? "review.hide" : "review.restore", target: .review(id),
                                 reason: reason, now: now)
            return try Self.fetchReview(id, connection)!
        }
    }

    /// A listing's reviews, newest first (hidden ones only for moderators).
    public func reviews(of listingID: ListingID, by actorID: UserID, limit: Int = 20, before: ReviewID? = nil) throws(StoreError) -> [Review] {
        let limit = try InputRules.limit(limit)
        return try read(as: actorID) { (actor, connection) throws(StoreError) in
            _ = try Self.visibleListing(listingID, to: actor, connection)
            return try connection.rows("""
                SELECT \(Self.reviewColumns) FROM reviews WHERE listing_id = ? AND (hidden = 0 OR ?) AND id < ? ORDER BY id DESC LIMIT ?
                """, [listingID, actor.isModerator, before?.rawValue ?? Int64.max, limit], Self.review)
        }
    }
}

extension Schema {
    /// Self-reviews written before the store refused them (an author who
    /// deployed their own free listing) are hidden and the ratings they
    /// inflated recomputed, as `refreshRating` would. Moderators still see them.
    static let hideSelfReviews = Migration(name: "017-hide-self-reviews", sql: """
        UPDATE reviews SET hidden = 1
        WHERE hidden = 0 AND user_id = (SELECT author_id FROM listings WHERE listings.id = reviews.listing_id);
        UPDATE listings SET
            rating_sum = (SELECT COALESCE(SUM(rating), 0) FROM reviews WHERE listing_id = listings.id AND hidden = 0),
            rating_count = (SELECT COUNT(*) FROM reviews WHERE listing_id = listings.id AND hidden = 0),
            rating_average = COALESCE((SELECT AVG(rating) FROM reviews WHERE listing_id = listings.id AND hidden = 0), 0)
        WHERE id IN (SELECT listing_id FROM reviews WHERE user_id = listings.author_id);
        """)
}
