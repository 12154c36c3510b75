extension Schema {
    /// Sign-in sessions (a refresh-token family each), the refresh tokens of
    /// each family by SHA-256 (the token itself is never stored), and the
    /// failed-login counters behind the lockout.
    static let sessions = Migration(name: "008-sessions", sql: """
        CREATE TABLE auth_sessions (
            id TEXT PRIMARY KEY,
            user_id INTEGER NOT NULL REFERENCES users(id),
            created_at INTEGER NOT NULL,
            expires_at INTEGER NOT NULL,
            revoked_at INTEGER,
            revoked_reason TEXT NOT NULL DEFAULT '');
        CREATE INDEX auth_sessions_user ON auth_sessions(user_id);
        CREATE TABLE refresh_tokens (
            token_hash TEXT PRIMARY KEY,
            session_id TEXT NOT NULL REFERENCES auth_sessions(id),
            issued_at INTEGER NOT NULL,
            expires_at INTEGER NOT NULL,
            spent_at INTEGER);
        CREATE TABLE login_failures (
            login TEXT PRIMARY KEY,
            failures INTEGER NOT NULL,
            locked_until INTEGER);
        """)
}
