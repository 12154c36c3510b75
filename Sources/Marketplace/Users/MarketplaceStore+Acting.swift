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
