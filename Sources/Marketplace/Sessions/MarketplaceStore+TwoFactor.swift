/// A user's TOTP second factor.
public struct TwoFactor: Sendable, Equatable {
    public var secret: String
    /// False between enable and confirm: not yet asked at login.
    public var confirmed: Bool
    /// The last time step a code was accepted for (a code is good once).
    public var lastStep: Int64
}

extension MarketplaceStore {
    /// Starts enrolment with a new secret; refused while a confirmed factor exists.
    public func beginTwoFactor(for user: UserID, secret: String) throws(StoreError) {
        guard (16...128).contains(secret.utf8.count) else { throw StoreError.invalid(field: "secret", rule: "must be 16 to 128 bytes") }
        try pool.write { (connection) throws(StoreError) in
            if try connection.integer("SELECT COUNT(*) FROM two_factor WHERE user_id = ? AND confirmed = 1", [user]) > 0 {
                throw StoreError.illegalTransition(entity: "second factor", from: "enabled", event: "enable")
            }
            try connection.run("""
                INSERT INTO two_factor (user_id, secret) VALUES (?1, ?2)
                ON CONFLICT (user_id) DO UPDATE SET secret = ?2, confirmed = 0, last_step = 0
                """, [user, secret])
        }
    }

    public func twoFactor(of user: UserID) throws(StoreError) -> TwoFactor? {
        try pool.read { (connection) throws(StoreError) in
            try connection.row("SELECT secret, confirmed, last_step FROM two_factor WHERE user_id = ?", [user]) {
                TwoFactor(secret: $0.text(0), confirmed: $0.bool(1), lastStep: $0.int64(2))
            }
        }
    }

    /// Marks the factor confirmed and replaces the recovery codes.
    public func confirmTwoFactor(for user: UserID, step: Int64, recoveryCodeHashes: [String]) throws(StoreError) {
        try pool.write { (connection) throws(StoreError) in
            guard try connection.run("UPDATE two_factor SET confirmed = 1, last_step = ? WHERE user_id = ? AND confirmed = 0", [step, user]) == 1 else {
                throw StoreError.illegalTransition(entity: "second factor", from: "not pending", event: "confirm")
            }
            try connection.run("DELETE FROM recovery_codes WHERE user_id = ?", [user])
            for hash in recoveryCodeHashes {
                try connection.run("INSERT INTO recovery_codes (user_id, code_hash) VALUES (?, ?)", [user, hash])
            }
        }
    }

    /// Accepts a code's time step once: false when that step (or a later one) was used already.
    public func acceptTwoFactorStep(for user: UserID, step: Int64) throws(StoreError) -> Bool {
        try pool.write { (connection) throws(StoreError) in
            try connection.run("UPDATE two_factor SET last_step = ? WHERE user_id = ? AND last_step < ?", [step, user, step]) == 1
        }
    }

    /// Spends a recovery code; false when unknown or used.
    public func useRecoveryCode(for user: UserID, hash: String) throws(StoreError) -> Bool {
        let now = self.now
        return try pool.write { (connection) throws(StoreError) in
            try connection.run("UPDATE recovery_codes SET used_at = ? WHERE user_id = ? AND code_hash = ? AND used_at IS NULL",
                               [now, user, hash]) == 1
        }
    }

    public func disableTwoFactor(for user: UserID) throws(StoreError) {
        try pool.write { (connection) throws(StoreError) in
            try connection.run("DELETE FROM two_factor WHERE user_id = ?", [user])
            try connection.run("DELETE FROM recovery_codes WHERE user_id = ?", [user])
        }
    }
}
