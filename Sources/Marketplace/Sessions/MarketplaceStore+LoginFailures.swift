import Foundation

/// Failed-login counting behind the login delays (docs/api.md, "Security
/// model"). Password failures are counted per (subject, client address), so
/// an attacker at one address never delays the owner at another; second-factor
/// failures per subject alone. Nothing here locks an account outright.
extension MarketplaceStore {
    /// The client value second-factor counters use: every address at once.
    static let anyClient = "*"

    /// Until when (Unix seconds) a login attempt for `subject` from `client`
    /// must wait, or nil when it may try now: the later of the password delay
    /// of that pair and the subject's second-factor delay.
    public func loginDelay(subject: LoginSubject, client: String) throws(StoreError) -> Int64? {
        let now = self.now
        let until = try pool.read { (connection) throws(StoreError) in
            try connection.row("""
                SELECT MAX(blocked_until) FROM login_throttle
                WHERE subject = ?1 AND ((factor = 'password' AND client = ?2) OR (factor = 'code' AND client = '*'))
                """, [subject.key, Self.clientKey(client)]) { $0.optionalInt64(0) }
        }
        return until.flatMap { $0 }.flatMap { $0 > now ? $0 : nil }
    }

    /// Counts one failure; returns the end of the delay it imposes, if any.
    @discardableResult
    public func recordLoginFailure(subject: LoginSubject, client: String, factor: LoginFactor,
                                   policy: LoginDelayPolicy = .init()) throws(StoreError) -> Int64? {
        let now = self.now
        let client = factor == .secondFactor ? Self.anyClient : Self.clientKey(client)
        return try pool.write { (connection) throws(StoreError) -> Int64? in
            let previous = try connection.row("""
                SELECT failures, last_failure_at FROM login_throttle WHERE subject = ? AND client = ? AND factor = ?
                """, [subject.key, client, factor.rawValue]) { ($0.int64(0), $0.int64(1)) }
            var failures = previous.map { now - $0.1 > policy.forgetAfterSeconds ? 0 : $0.0 } ?? 0
            failures += 1
            let until = policy.delay(afterFailures: failures).map { now + $0 }
            try connection.run("""
                INSERT INTO login_throttle (subject, client, factor, failures, blocked_until, last_failure_at)
                VALUES (?1, ?2, ?3, ?4, ?5, ?6)
                ON CONFLICT (subject, client, factor) DO UPDATE SET failures = ?4, blocked_until = ?5, last_failure_at = ?6
                """, [subject.key, client, factor.rawValue, failures, until, now])
            return until
        }
    }

    /// Forgets the subject's password failures from `client` and its
    /// second-factor failures, after a complete sign-in.
    public func clearLoginFailures(subject: LoginSubject, client: String) throws(StoreError) {
        try pool.write { (connection) throws(StoreError) in
            try connection.run("""
                DELETE FROM login_throttle WHERE subject = ?1 AND ((factor = 'password' AND client = ?2) OR factor = 'code')
                """, [subject.key, Self.clientKey(client)])
        }
    }

    static func clientKey(_ client: String) -> String {
        let trimmed = String(client.prefix(128))
        return trimmed.isEmpty || trimmed == anyClient ? "unknown" : trimmed
    }
}

extension Schema {
    /// Replaces the per-typed-login lockout (008's `login_failures`) with
    /// delay counters per (subject, client address, factor).
    static let loginThrottle = Migration(name: "015-login-throttle", sql: """
        DROP TABLE login_failures;
        CREATE TABLE login_throttle (
            subject TEXT NOT NULL,
            client TEXT NOT NULL,
            factor TEXT NOT NULL CHECK (factor IN ('password', 'code')),
            failures INTEGER NOT NULL,
            blocked_until INTEGER,
            last_failure_at INTEGER NOT NULL,
            PRIMARY KEY (subject, client, factor));
        """)
}
