extension MarketplaceStore {
    /// Appends one audit line inside the caller's transaction, so the line
    /// and the action commit or roll back together.
    static func appendAudit(_ connection: Connection, actor: UserID, action: String, target: AuditTarget,
                            reason: String, now: Int64) throws(StoreError) {
        try connection.run("""
            INSERT INTO audit_log (actor_id, action, target_kind, target_id, reason, created_at) VALUES (?, ?, ?, ?, ?, ?)
            """, [actor, action, target.kind, target.id, reason, now])
    }

    /// The newest audit lines first, optionally for one target; admins only.
    /// `before` is the id of the last line of the previous page.
    public func auditLog(for target: AuditTarget? = nil, before: Int64? = nil, limit: Int = 50,
                         by actorID: UserID) throws(StoreError) -> [AuditEntry] {
        let limit = try InputRules.limit(limit, maximum: 1_000)
        return try read(as: actorID) { (actor, connection) throws(StoreError) in
            try actor.requireModerator("read the audit log")
            return try connection.rows("""
                SELECT a.id, a.actor_id, a.action, a.target_kind, a.target_id, a.reason, a.created_at, COALESCE(u.username, '')
                FROM audit_log a LEFT JOIN users u ON u.id = a.actor_id
                WHERE (?1 IS NULL OR (a.target_kind = ?1 AND a.target_id = ?2)) AND a.id < ?3
                ORDER BY a.id DESC LIMIT ?4
                """, [target?.kind, target?.id, before ?? Int64.max, limit]) { row in
                AuditEntry(id: row.int64(0), actor: row.id(1), actorName: row.text(7), action: row.text(2), targetKind: row.text(3),
                           targetID: row.text(4), reason: row.text(5), createdAt: row.int64(6))
            }
        }
    }
}
