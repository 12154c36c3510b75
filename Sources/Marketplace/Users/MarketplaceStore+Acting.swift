extension MarketplaceStore {
    /// Runs `body` in one read transaction with the acting user loaded from
    /// the same snapshot.
    func read<T>(as actorID: UserID, _ body: (Actor, Connection) throws(StoreError) -> T) throws(StoreError) -> T {
        let now = self.now
        return try pool.read { (connection) throws(StoreError) -> T in
            try body(try Actor.load(actorID, connection, now: now), connection)
        }
    }

    /// Reads something that belongs to `owner`: only the owner and moderators may.
    func readOwned<T>(by owner: UserID, as actorID: UserID, _ action: String, who: String,
                      _ body: (Connection) throws(StoreError) -> T) throws(StoreError) -> T {
        try read(as: actorID) { (actor, connection) throws(StoreError) -> T in
            guard owner == actor.id || actor.isModerator else {
                throw StoreError.forbidden(action: action, reason: "only \(who) and admins may")
            }
            return try body(connection)
        }
    }
}

extension MarketplaceStore {
    /// Runs `body` in one write transaction for an active acting user
    /// (suspended and banned users are refused before anything changes).
    func writeAsActive<T>(_ actorID: UserID, _ body: (Actor, Connection, Int64) throws(StoreError) -> T) throws(StoreError) -> T {
        let now = self.now
        return try pool.write { (connection) throws(StoreError) -> T in
            let actor = try Actor.load(actorID, connection, now: now)
            try actor.requireActive()
            return try body(actor, connection, now)
        }
    }

    /// A listing the actor can see and authored; others get `forbidden` (or `notFound` if they cannot see it).
    static func authoredListing(_ id: ListingID, by actor: Actor, _ action: String, _ connection: Connection) throws(StoreError) -> Listing {
        let listing = try visibleListing(id, to: actor, connection)
        guard listing.authorID == actor.id else { throw StoreError.forbidden(action: action, reason: "only its author may") }
        return listing
    }
}
