import Foundation

extension MarketplaceStore {
    /// Users whose username or email contains `text` (all when nil), newest
    /// first, keyset-paged by id (`before`); moderators only.
    public func users(matching text: String?, before: UserID? = nil, limit: Int = 50, by actorID: UserID) throws(StoreError) -> [User] {
        let limit = try InputRules.limit(limit)
        let pattern = try text.map { (value) throws(StoreError) in
            "%" + (try InputRules.text(value, field: "q", length: 1...100))
                .replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "%", with: "\\%").replacingOccurrences(of: "_", with: "\\_") + "%"
        }
        let now = self.now
        return try read(as: actorID) { (actor, connection) throws(StoreError) in
            try actor.requireModerator("list users")
            return try connection.rows("""
                SELECT \(Self.userColumns) FROM users
                WHERE (?1 IS NULL OR username LIKE ?1 ESCAPE '\\' OR email LIKE ?1 ESCAPE '\\') AND (?2 IS NULL OR id < ?2)
                ORDER BY id DESC LIMIT ?3
                """, [pattern, before, limit]) { row in
                var user = Self.user(row)
                user.status = user.status.effective(at: now)
                return user
            }
        }
    }

    /// Every user's deployments, optionally of one status, newest first; moderators only.
    public func allDeployments(status: String? = nil, limit: Int = 50, by actorID: UserID) throws(StoreError) -> [Deployment] {
        let limit = try InputRules.limit(limit)
        if let status, !["running", "halted", "faulted", "stopped"].contains(status) {
            throw StoreError.invalid(field: "status", rule: "must be running, halted, faulted or stopped")
        }
        return try read(as: actorID) { (actor, connection) throws(StoreError) in
            try actor.requireModerator("list all deployments")
            return try connection.rows("""
                SELECT \(Self.deploymentColumns) FROM deployments WHERE (?1 IS NULL OR status = ?1) ORDER BY id DESC LIMIT ?2
                """, [status, limit], Self.deployment)
        }
    }
}
