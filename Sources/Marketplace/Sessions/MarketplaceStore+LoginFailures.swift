import Foundation

/// Failed-login counting behind the lockout. Keys are whatever login the
/// client typed, normalized, whether or not an account has it, so the
/// lockout itself never tells which emails exist.
extension MarketplaceStore {
    /// When the login is locked until (Unix seconds), or nil when it may try.
    public func lockedUntil(login: String) throws(StoreError) -> Int64? {
        let now = self.now
        let key = Self.loginKey(login)
        return try pool.read { (connection) throws(StoreError) in
            try connection.row("SELECT locked_until FROM login_failures WHERE login = ?", [key]) { $0.optionalInt64(0) }
        }.flatMap { $0 }.flatMap { $0 > now ? $0 : nil }
    }

    /// Counts a failure; the `threshold`th failure in a row locks the login
    /// for `lockSeconds`. Returns the lock's end when this failure locked it.
    @discardableResult
    public func recordLoginFailure(login: String, threshold: Int = 5, lockSeconds: Int64 = 1_800) throws(StoreError) -> Int64? {
        let now = self.now
        let key = Self.loginKey(login)
        return try pool.write { (connection) throws(StoreError) -> Int64? in
            let previous = try connection.row("SELECT failures, locked_until FROM login_failures WHERE login = ?", [key]) {
                ($0.int64(0), $0.optionalInt64(1))
            }
            // A lock that has run out starts a fresh count.
            var failures = previous.map { $0.1.map { $0 <= now } == true ? 0 : $0.0 } ?? 0
            failures += 1
            let lockedUntil: Int64? = failures >= Int64(threshold) ? now + lockSeconds : nil
            try connection.run("""
                INSERT INTO login_failures (login, failures, locked_until) VALUES (?1, ?2, ?3)
                ON CONFLICT (login) DO UPDATE SET failures = ?2, locked_until = ?3
                """, [key, lockedUntil == nil ? failures : 0, lockedUntil])
            return lockedUntil
        }
    }

    /// Forgets the failures of a login after a successful sign-in.
    public func clearLoginFailures(login: String) throws(StoreError) {
        let key = Self.loginKey(login)
        try pool.write { (connection) throws(StoreError) in
            try connection.run("DELETE FROM login_failures WHERE login = ?", [key])
        }
    }

    static func loginKey(_ login: String) -> String {
        String(login.trimmingCharacters(in: .whitespaces).lowercased().prefix(320))
    }
}
