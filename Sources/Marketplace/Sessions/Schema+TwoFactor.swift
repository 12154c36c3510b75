extension Schema {
    /// TOTP second factors (the shared secret must be readable to check a
    /// code, so it is stored as given) and one-time recovery codes by SHA-256.
    static let twoFactor = Migration(name: "009-two-factor", sql: """
        CREATE TABLE two_factor (
            user_id INTEGER PRIMARY KEY REFERENCES users(id),
            secret TEXT NOT NULL,
            confirmed INTEGER NOT NULL DEFAULT 0,
            last_step INTEGER NOT NULL DEFAULT 0);
        CREATE TABLE recovery_codes (
            user_id INTEGER NOT NULL REFERENCES users(id),
            code_hash TEXT NOT NULL,
            used_at INTEGER,
            PRIMARY KEY (user_id, code_hash));
        """)
}
