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

/// Who owns a deployment and what it runs, by name: the owner's username and
/// the strategy's name, the listing's title or the template's title.
public struct DeploymentNames: Sendable, Equatable {
    public var ownerName: String
    public var strategyName: String
}

extension MarketplaceStore {
    /// The names of `ids`' owners and strategies, in one query per 500 ids.
    /// For views of deployments the caller may already read (theirs, or any for moderators).
    public func deploymentNames(_ ids: [DeploymentID]) throws(StoreError) -> [DeploymentID: DeploymentNames] {
        var names: [DeploymentID: DeploymentNames] = [:]
        for start in stride(from: 0, to: ids.count, by: 500) {
            let chunk = Array(ids[start..<min(start + 500, ids.count)])
            try pool.read { (connection) throws(StoreError) in
                for (id, name) in try connection.rows("""
                    SELECT d.id, u.username, CASE d.source_kind WHEN 'listing' THEN l.title WHEN 'template' THEN t.title ELSE s.name END
                    FROM deployments d JOIN users u ON u.id = d.owner_id
                    LEFT JOIN strategy_versions v ON v.id = d.version_id LEFT JOIN strategies s ON s.id = v.strategy_id
                    LEFT JOIN listings l ON l.id = d.listing_id LEFT JOIN templates t ON t.id = d.template_id
                    WHERE d.id IN (\(chunk.map { _ in "?" }.joined(separator: ", ")))
                    """, chunk.map { $0 as any SQLBindable }, { row in
                        (DeploymentID(row.int64(0)), DeploymentNames(ownerName: row.text(1), strategyName: row.optionalText(2) ?? ""))
                    }) {
                    names[id] = name
                }
            }
        }
        return names
    }
}
