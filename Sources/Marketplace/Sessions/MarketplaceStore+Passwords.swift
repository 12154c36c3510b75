import Foundation

/// Password change and reset. The Gateway hashes passwords (bcrypt) and
/// reset tokens (SHA-256); this store only ever sees the hashes.
extension MarketplaceStore {
    /// Replaces the user's password hash and revokes every other session
    /// (their refresh tokens die with them), keeping `keptSession`; pending
    /// reset tokens are voided. One transaction, with its audit line.
    public func changePassword(of user: UserID, passwordHash: String, keeping keptSession: String?) throws(StoreError) {
        let passwordHash = try Self.checkedPasswordHash(passwordHash)
        let now = self.now
        try pool.write { (connection) throws(StoreError) in
            guard try Self.fetchUser(user, connection) != nil else { throw StoreError.notFound(entity: "user", id: user.description) }
            try connection.run("UPDATE users SET password_hash = ? WHERE id = ?", [passwordHash, user])
            try connection.run("""
                UPDATE auth_sessions SET revoked_at = ?, revoked_reason = 'password changed'
                WHERE user_id = ? AND revoked_at IS NULL AND id IS NOT ?
                """, [now, user, keptSession])
            try connection.run("UPDATE password_resets SET used_at = ? WHERE user_id = ? AND used_at IS NULL", [now, user])
            try Self.appendAudit(connection, actor: user, action: "user.password_change", target: .user(user),
                                 reason: "password changed by the user", now: now)
        }
    }

    /// Stores a reset token (by hash) for the account a login or email
    /// names, valid until `expiresAt`. Returns the user it was made for, or
    /// nil when no active account has that login; the caller answers the
    /// same either way.
    public func createPasswordReset(login: String, tokenHash: String, expiresAt: Int64) throws(StoreError) -> User? {
        guard (16...128).contains(tokenHash.utf8.count) else { throw StoreError.invalid(field: "tokenHash", rule: "must be 16 to 128 bytes") }
        let now = self.now
        guard expiresAt > now else { throw StoreError.invalid(field: "expiresAt", rule: "must be in the future") }
        let login = login.trimmingCharacters(in: .whitespaces)
        guard let id = try? credentials(login: login).userID else { return nil }
        return try pool.write { (connection) throws(StoreError) -> User? in
            guard let user = try Self.fetchUser(id, connection), user.status.effective(at: now) == .active else { return nil }
            // One live token per user: a new request voids the older ones.
            try connection.run("UPDATE password_resets SET used_at = ? WHERE user_id = ? AND used_at IS NULL", [now, id])
            try connection.run("INSERT INTO password_resets (token_hash, user_id, created_at, expires_at) VALUES (?, ?, ?, ?)",
                               [tokenHash, id, now, expiresAt])
            try Self.appendAudit(connection, actor: id, action: "user.password_reset_request", target: .user(id),
                                 reason: "password reset requested", now: now)
            return user
        }
    }

    /// The user a live (unused, unexpired) reset token belongs to, without spending it.
    public func passwordResetUser(tokenHash: String) throws(StoreError) -> UserID? {
        let now = self.now
        return try pool.read { (connection) throws(StoreError) in
            try connection.row("SELECT user_id FROM password_resets WHERE token_hash = ? AND used_at IS NULL AND expires_at > ?",
                               [tokenHash, now]) { UserID($0.int64(0)) }
        }
    }

    /// Spends a reset token and sets the password; every session of the
    /// user is revoked. Throws `invalid(field: "token")` for an unknown,
    /// spent or expired token (never saying which).
    @discardableResult
    public func confirmPasswordReset(tokenHash: String, passwordHash: String) throws(StoreError) -> UserID {
        let passwordHash = try Self.checkedPasswordHash(passwordHash)
        let now = self.now
        return try pool.write { (connection) throws(StoreError) -> UserID in
            let found = try connection.row("""
                SELECT user_id FROM password_resets WHERE token_hash = ? AND used_at IS NULL AND expires_at > ?
                """, [tokenHash, now]) { UserID($0.int64(0)) }
            guard let user = found else {
                throw StoreError.invalid(field: "token", rule: "is unknown, expired or already used")
            }
            try connection.run("UPDATE password_resets SET used_at = ? WHERE user_id = ? AND used_at IS NULL", [now, user])
            try connection.run("UPDATE users SET password_hash = ? WHERE id = ?", [passwordHash, user])
            try connection.run("""
                UPDATE auth_sessions SET revoked_at = ?, revoked_reason = 'password reset' WHERE user_id = ? AND revoked_at IS NULL
                """, [now, user])
            try Self.appendAudit(connection, actor: user, action: "user.password_reset", target: .user(user),
                                 reason: "password reset with an emailed token", now: now)
            return user
        }
    }

    static func checkedPasswordHash(_ hash: String) throws(StoreError) -> String {
        guard (1...1_024).contains(hash.utf8.count) else { throw StoreError.invalid(field: "passwordHash", rule: "must be 1 to 1024 bytes") }
        return hash
    }
}

extension Schema {
    /// One-time password-reset tokens, by SHA-256 (the token itself is
    /// only ever in the message to the user).
    static let passwordResets = Migration(name: "014-password-resets", sql: """
        CREATE TABLE password_resets (
            token_hash TEXT PRIMARY KEY,
            user_id INTEGER NOT NULL REFERENCES users(id),
            created_at INTEGER NOT NULL,
            expires_at INTEGER NOT NULL,
            used_at INTEGER);
        CREATE INDEX password_resets_user ON password_resets(user_id);
        """)
}
