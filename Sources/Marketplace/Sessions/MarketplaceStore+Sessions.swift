extension MarketplaceStore {
    /// Starts a session for `user` whose first refresh token hashes to
    /// `refreshTokenHash`. The Gateway makes the id and the token (random)
    /// and hashes the token; this store never sees a token.
    public func openSession(id: String, for user: UserID, refreshTokenHash: String,
                            expiresAt: Int64) throws(StoreError) -> Session {
        guard (16...128).contains(id.utf8.count) else { throw StoreError.invalid(field: "sessionID", rule: "must be 16 to 128 bytes") }
        guard (16...128).contains(refreshTokenHash.utf8.count) else {
            throw StoreError.invalid(field: "refreshTokenHash", rule: "must be 16 to 128 bytes")
        }
        let now = self.now
        guard expiresAt > now else { throw StoreError.invalid(field: "expiresAt", rule: "must be in the future") }
        return try pool.write { (connection) throws(StoreError) -> Session in
            guard try Self.fetchUser(user, connection) != nil else { throw StoreError.notFound(entity: "user", id: user.description) }
            try connection.run("INSERT INTO auth_sessions (id, user_id, created_at, expires_at) VALUES (?, ?, ?, ?)",
                               [id, user, now, expiresAt])
            try connection.run("INSERT INTO refresh_tokens (token_hash, session_id, issued_at, expires_at) VALUES (?, ?, ?, ?)",
                               [refreshTokenHash, id, now, expiresAt])
            return Session(id: id, userID: user, createdAt: now, expiresAt: expiresAt, revokedReason: nil)
        }
    }

    /// Spends the refresh token hashing to `presentedHash` and issues
    /// `nextHash` in the same family, all in one transaction: two refreshes
    /// racing with one token give one rotation and one reuse.
    public func rotateRefreshToken(presentedHash: String, nextHash: String, expiresAt: Int64) throws(StoreError) -> RefreshOutcome {
        let now = self.now
        return try pool.write { (connection) throws(StoreError) -> RefreshOutcome in
            let found = try connection.row("""
                SELECT t.session_id, t.expires_at, t.spent_at, s.user_id, s.created_at, s.expires_at, s.revoked_at
                FROM refresh_tokens t JOIN auth_sessions s ON s.id = t.session_id WHERE t.token_hash = ?
                """, [presentedHash]) { row in
                (row.text(0), row.int64(1), row.optionalInt64(2), UserID(row.int64(3)), row.int64(4), row.int64(5), row.optionalInt64(6))
            }
            guard let (sessionID, tokenExpiry, spentAt, userID, createdAt, sessionExpiry, revokedAt) = found,
                  revokedAt == nil else { return .invalid }
            if spentAt != nil {
                try Self.revoke(sessionID, reason: "refresh token reused", now: now, connection)
                return .reused(sessionID: sessionID)
            }
            guard tokenExpiry > now, sessionExpiry > now else { return .invalid }
            try connection.run("UPDATE refresh_tokens SET spent_at = ? WHERE token_hash = ?", [now, presentedHash])
            let expiry = min(expiresAt, sessionExpiry)
            try connection.run("INSERT INTO refresh_tokens (token_hash, session_id, issued_at, expires_at) VALUES (?, ?, ?, ?)",
                               [nextHash, sessionID, now, expiry])
            return .rotated(Session(id: sessionID, userID: userID, createdAt: createdAt, expiresAt: sessionExpiry, revokedReason: nil))
        }
    }

    /// Ends a session (logout, reuse, an admin's action); idempotent.
    public func revokeSession(_ id: String, reason: String) throws(StoreError) {
        let now = self.now
        try pool.write { (connection) throws(StoreError) in try Self.revoke(id, reason: reason, now: now, connection) }
    }

    /// Ends every session of a user (ban, password change).
    public func revokeSessions(of user: UserID, reason: String) throws(StoreError) {
        let now = self.now
        try pool.write { (connection) throws(StoreError) in
            try connection.run("UPDATE auth_sessions SET revoked_at = ?, revoked_reason = ? WHERE user_id = ? AND revoked_at IS NULL",
                               [now, reason, user])
        }
    }

    /// The session if it is neither revoked nor expired.
    public func liveSession(_ id: String) throws(StoreError) -> Session? {
        let now = self.now
        return try pool.read { (connection) throws(StoreError) in
            try connection.row("""
                SELECT id, user_id, created_at, expires_at FROM auth_sessions
                WHERE id = ? AND revoked_at IS NULL AND expires_at > ?
                """, [id, now]) { row in
                Session(id: row.text(0), userID: row.id(1), createdAt: row.int64(2), expiresAt: row.int64(3), revokedReason: nil)
            }
        }
    }

    /// The live session whose current (unspent, unexpired) refresh token
    /// hashes to `refreshTokenHash`, without spending it: proof at login that
    /// the client already holds a sign-in of that account.
    public func liveSession(refreshTokenHash: String) throws(StoreError) -> Session? {
        let now = self.now
        return try pool.read { (connection) throws(StoreError) in
            try connection.row("""
                SELECT s.id, s.user_id, s.created_at, s.expires_at FROM refresh_tokens t JOIN auth_sessions s ON s.id = t.session_id
                WHERE t.token_hash = ?1 AND t.spent_at IS NULL AND t.expires_at > ?2 AND s.revoked_at IS NULL AND s.expires_at > ?2
                """, [refreshTokenHash, now]) { row in
                Session(id: row.text(0), userID: row.id(1), createdAt: row.int64(2), expiresAt: row.int64(3), revokedReason: nil)
            }
        }
    }

    /// Which of `ids` are live sessions (one query per 500 ids): the
    /// WebSocket hub's periodic sweep.
    public func liveSessions(among ids: [String]) throws(StoreError) -> Set<String> {
        let now = self.now
        var live = Set<String>()
        for start in stride(from: 0, to: ids.count, by: 500) {
            let chunk = Array(ids[start..<min(start + 500, ids.count)])
            let marks = Array(repeating: "?", count: chunk.count).joined(separator: ", ")
            let found = try pool.read { (connection) throws(StoreError) in
                try connection.rows("SELECT id FROM auth_sessions WHERE revoked_at IS NULL AND expires_at > ? AND id IN (\(marks))",
                                    [now] + chunk) { $0.text(0) }
            }
            live.formUnion(found)
        }
        return live
    }

    /// Which of `users` are suspended (now) or banned, with that status's name.
    public func restrictedUsers(among users: [UserID]) throws(StoreError) -> [UserID: String] {
        let now = self.now
        var restricted: [UserID: String] = [:]
        for start in stride(from: 0, to: users.count, by: 500) {
            let chunk = Array(users[start..<min(start + 500, users.count)])
            let marks = Array(repeating: "?", count: chunk.count).joined(separator: ", ")
            let found = try pool.read { (connection) throws(StoreError) in
                try connection.rows("""
                    SELECT id, status FROM users
                    WHERE (status = 'banned' OR (status = 'suspended' AND status_until > ?)) AND id IN (\(marks))
                    """, [now] + chunk) { (UserID($0.int64(0)), $0.text(1)) }
            }
            for (id, status) in found { restricted[id] = status }
        }
        return restricted
    }

    static func revoke(_ id: String, reason: String, now: Int64, _ connection: Connection) throws(StoreError) {
        try connection.run("UPDATE auth_sessions SET revoked_at = ?, revoked_reason = ? WHERE id = ? AND revoked_at IS NULL",
                           [now, reason, id])
    }
}
