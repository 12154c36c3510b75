import Host

extension Schema {
    /// Risk limits a user sets over all their deployments (the owner layer
    /// of `LayeredRiskLimits`).
    static let ownerRisk = Migration(name: "010-owner-risk-limits", sql: """
        CREATE TABLE owner_risk_limits (
            user_id INTEGER PRIMARY KEY REFERENCES users(id),
            risk_json TEXT NOT NULL,
            updated_at INTEGER NOT NULL);
        """)
}

extension MarketplaceStore {
    /// The owner-layer limits of `user` (none set: no limits).
    public func ownerRiskLimits(of user: UserID) throws(StoreError) -> RiskLimits {
        let text = try pool.read { (connection) throws(StoreError) in
            try connection.row("SELECT risk_json FROM owner_risk_limits WHERE user_id = ?", [user]) { $0.text(0) }
        }
        return try text.map { (text) throws(StoreError) in try JSONCoding.decode(RiskLimits.self, text) } ?? .none
    }

    /// Replaces the caller's own owner-layer limits.
    public func setOwnerRiskLimits(_ risk: RiskLimits, by actorID: UserID) throws(StoreError) {
        try RiskRules.validate(risk)
        try writeAsActive(actorID) { (_, connection, now) throws(StoreError) in
            try connection.run("""
                INSERT INTO owner_risk_limits (user_id, risk_json, updated_at) VALUES (?1, ?2, ?3)
                ON CONFLICT (user_id) DO UPDATE SET risk_json = ?2, updated_at = ?3
                """, [actorID, try JSONCoding.encode(risk), now])
        }
    }
}
