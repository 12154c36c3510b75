import Host

extension Schema {
    /// The engaged kill switches, so an emergency stop outlives the process:
    /// `lunar serve` engages them in the host before any deployment resumes.
    /// A released switch is deleted; the audit log keeps its history.
    static let killSwitches = Migration(name: "012-kill-switches", sql: """
        CREATE TABLE kill_switches (
            scope TEXT NOT NULL CHECK (scope IN ('global', 'owner', 'deployment')),
            target_id INTEGER NOT NULL,
            level TEXT NOT NULL CHECK (level IN ('reduceOnly', 'halt')),
            reason TEXT NOT NULL,
            engaged_by INTEGER NOT NULL REFERENCES users(id),
            engaged_at INTEGER NOT NULL,
            PRIMARY KEY (scope, target_id)) WITHOUT ROWID;
        """)
}

extension MarketplaceStore {
    private static let killSwitchColumns = "scope, target_id, level, reason, engaged_by, engaged_at"
    /// Global, then owners, then deployments, each by id: the order the
    /// strictest-wins rule breaks ties in (the broadest scope first).
    private static let killSwitchOrder = "ORDER BY CASE scope WHEN 'global' THEN 0 WHEN 'owner' THEN 1 ELSE 2 END, target_id"

    /// Engages a kill switch, or changes the level and reason of an engaged
    /// one, in one audited transaction (`killSwitch.engage`). The global
    /// switch takes a moderator; an owner's switch its owner; a deployment's
    /// its owner. A switch a moderator engaged over someone else is theirs to
    /// change. Returns the switch as stored.
    @discardableResult
    public func engageKillSwitch(_ target: KillSwitchTarget, level: KillSwitchLevel, reason: String,
                                 by actorID: UserID) throws(StoreError) -> EngagedKillSwitch {
        let reason = try InputRules.text(reason, field: "reason", length: 1...500)
        return try writeAsActive(actorID) { (actor, connection, now) throws(StoreError) in
            try Self.authorizeKillSwitch(target, actor: actor, "engage the kill switch", connection)
            let engaged = EngagedKillSwitch(target: target, level: level, reason: reason, engagedBy: actorID, engagedAt: now)
            try connection.run("""
                INSERT INTO kill_switches (\(Self.killSwitchColumns)) VALUES (?1, ?2, ?3, ?4, ?5, ?6)
                ON CONFLICT (scope, target_id) DO UPDATE SET level = ?3, reason = ?4, engaged_by = ?5, engaged_at = ?6
                """, [target.scope, target.targetID, level.rawValue, reason, actorID, now])
            try Self.appendAudit(connection, actor: actorID, action: "killSwitch.engage", target: .killSwitch(target),
                                 reason: "\(level.rawValue): \(reason)", now: now)
            return engaged
        }
    }

    /// Releases a kill switch in one audited transaction
    /// (`killSwitch.release`, only when one was engaged); the same people
    /// as `engageKillSwitch` may. Returns whether one was engaged.
    @discardableResult
    public func releaseKillSwitch(_ target: KillSwitchTarget, by actorID: UserID) throws(StoreError) -> Bool {
        try writeAsActive(actorID) { (actor, connection, now) throws(StoreError) in
            try Self.authorizeKillSwitch(target, actor: actor, "release the kill switch", connection)
            let released = try connection.run("DELETE FROM kill_switches WHERE scope = ? AND target_id = ?",
                                              [target.scope, target.targetID]) > 0
            if released {
                try Self.appendAudit(connection, actor: actorID, action: "killSwitch.release", target: .killSwitch(target),
                                     reason: "released", now: now)
            }
            return released
        }
    }

    /// Every engaged switch, global first. Trusted caller (the Gateway, to
    /// restore the host at start and to show switches): no actor.
    public func engagedKillSwitches() throws(StoreError) -> [EngagedKillSwitch] {
        try pool.read { (connection) throws(StoreError) in
            try connection.rows("SELECT \(Self.killSwitchColumns) FROM kill_switches \(Self.killSwitchOrder)", [], Self.killSwitch)
        }
    }

    /// The engaged switches that cover something of the caller: the global
    /// one, their own, and their deployments'; moderators see every switch.
    public func killSwitches(visibleTo actorID: UserID) throws(StoreError) -> [EngagedKillSwitch] {
        try read(as: actorID) { (actor, connection) throws(StoreError) in
            try connection.rows("""
                SELECT \(Self.killSwitchColumns) FROM kill_switches
                WHERE ?2 OR scope = 'global' OR (scope = 'owner' AND target_id = ?1)
                   OR (scope = 'deployment' AND target_id IN (SELECT id FROM deployments WHERE owner_id = ?1))
                \(Self.killSwitchOrder)
                """, [actorID, actor.isModerator], Self.killSwitch)
        }
    }

    /// Releases a deleted deployment's switch inside the delete's transaction.
    static func dropKillSwitch(of id: DeploymentID, by actorID: UserID, _ connection: Connection, now: Int64) throws(StoreError) {
        let target = KillSwitchTarget.deployment(id)
        if try connection.run("DELETE FROM kill_switches WHERE scope = ? AND target_id = ?", [target.scope, target.targetID]) > 0 {
            try appendAudit(connection, actor: actorID, action: "killSwitch.release", target: .killSwitch(target),
                            reason: "deployment deleted", now: now)
        }
    }

    private static func killSwitch(_ row: Row) throws(StoreError) -> EngagedKillSwitch {
        guard let level = KillSwitchLevel(rawValue: row.text(2)) else { throw StoreError.corrupt("kill switch level \(row.text(2))") }
        return EngagedKillSwitch(target: try KillSwitchTarget(scope: row.text(0), targetID: row.int64(1)), level: level,
                                 reason: row.text(3), engagedBy: row.id(4), engagedAt: row.int64(5))
    }

    /// Throws unless `actor` may engage or release the switch.
    private static func authorizeKillSwitch(_ target: KillSwitchTarget, actor: Actor, _ action: String,
                                            _ connection: Connection) throws(StoreError) {
        if actor.isModerator { return }
        switch target {
        case .global:
            throw StoreError.forbidden(action: action, reason: "the global kill switch requires the admin role")
        case .owner(let owner):
            guard owner == actor.id else { throw StoreError.forbidden(action: action, reason: "only the owner and admins may") }
        case .deployment(let id):
            guard let deployment = try fetchDeployment(id, connection), deployment.ownerID == actor.id else {
                throw StoreError.notFound(entity: "deployment", id: id.description)
            }
        }
        let engagedBy = try connection.row("SELECT engaged_by FROM kill_switches WHERE scope = ? AND target_id = ?",
                                           [target.scope, target.targetID]) { row -> UserID in row.id(0) }
        if let engagedBy, engagedBy != actor.id {
            throw StoreError.forbidden(action: action, reason: "an admin engaged it; only admins may change it")
        }
    }
}
