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
        let limit = try InputRules.limit(limit, maximum: 500)
        return try read(as: actorID) { (actor, connection) throws(StoreError) in
            try actor.requireModerator("read the audit log")
            return try connection.rows("""
                SELECT id, actor_id, action, target_kind, target_id, reason, created_at FROM audit_log
                WHERE (?1 IS NULL OR (target_kind = ?1 AND target_id = ?2)) AND id < ?3
                ORDER BY id DESC LIMIT ?4
                """, [target?.kind, target?.id, before ?? Int64.max, limit]) { row in
                AuditEntry(id: row.int64(0), actor: row.id(1), action: row.text(2), targetKind: row.text(3),
                           targetID: row.text(4), reason: row.text(5), createdAt: row.int64(6))
            }
        }
    }
}
