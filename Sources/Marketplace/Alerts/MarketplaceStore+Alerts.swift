extension Schema {
    /// Alert rules, alerts (one active row per breach: a unique index), user
    /// webhooks and their deliveries (due times in Unix milliseconds).
    static let alerts = Migration(name: "025-alerts-and-webhooks", sql: """
        CREATE TABLE alert_rules (
            id INTEGER PRIMARY KEY,
            owner_id INTEGER NOT NULL REFERENCES users(id),
            deployment_id INTEGER,
            kind TEXT NOT NULL CHECK (kind IN ('equity_below', 'drawdown_above', 'daily_loss_above', 'faulted', 'halted',
                                               'risk_denial', 'fill', 'kill_switch')),
            threshold INTEGER,
            created_at INTEGER NOT NULL);
        CREATE INDEX alert_rules_owner ON alert_rules(owner_id, id);
        CREATE TABLE alerts (
            id INTEGER PRIMARY KEY,
            owner_id INTEGER NOT NULL REFERENCES users(id),
            deployment_id INTEGER,
            rule_id INTEGER,
            kind TEXT NOT NULL,
            severity TEXT NOT NULL CHECK (severity IN ('info', 'warning', 'critical')),
            message TEXT NOT NULL,
            unit TEXT CHECK (unit IN ('money', 'fraction')),
            value INTEGER,
            threshold INTEGER,
            limit_name TEXT,
            symbol TEXT,
            market_time INTEGER,
            breach_key TEXT,
            state TEXT NOT NULL CHECK (state IN ('active', 'resolved', 'event')),
            created_at INTEGER NOT NULL,
            resolved_at INTEGER,
            acknowledged_at INTEGER,
            acknowledged_by INTEGER REFERENCES users(id));
        CREATE UNIQUE INDEX alerts_one_active_breach ON alerts(owner_id, breach_key) WHERE state = 'active';
        CREATE INDEX alerts_owner ON alerts(owner_id, id);
        CREATE TABLE webhooks (
            id INTEGER PRIMARY KEY,
            owner_id INTEGER NOT NULL REFERENCES users(id),
            url TEXT NOT NULL,
            secret TEXT NOT NULL,
            created_at INTEGER NOT NULL);
        CREATE INDEX webhooks_owner ON webhooks(owner_id, id);
        CREATE TABLE webhook_deliveries (
            id INTEGER PRIMARY KEY,
            webhook_id INTEGER NOT NULL REFERENCES webhooks(id),
            owner_id INTEGER NOT NULL REFERENCES users(id),
            alert_id INTEGER,
            event TEXT NOT NULL CHECK (event IN ('alert', 'test')),
            status TEXT NOT NULL CHECK (status IN ('pending', 'delivered', 'failed')),
            attempts INTEGER NOT NULL DEFAULT 0,
            next_attempt_at INTEGER NOT NULL,
            last_status INTEGER,
            last_error TEXT,
            created_at INTEGER NOT NULL,
            updated_at INTEGER NOT NULL);
        CREATE INDEX webhook_deliveries_due ON webhook_deliveries(next_attempt_at) WHERE status = 'pending';
        CREATE INDEX webhook_deliveries_webhook ON webhook_deliveries(webhook_id, id);
        """)
}

/// Bounds on what a user keeps.
public enum AlertLimits {
    public static let rulesPerUser = 50
    /// Resolved and event alerts kept per user (older ones are deleted; active ones always stay).
    public static let keptAlerts = 1_000
    public static let webhooksPerUser = 5
    /// Deliveries waiting per webhook; past it the oldest waiting one fails as dropped.
    public static let pendingDeliveries = 1_000
    /// Finished deliveries kept per webhook.
    public static let keptDeliveries = 1_000
}

extension MarketplaceStore {
    static let alertRuleColumns = "id, owner_id, deployment_id, kind, threshold, created_at"
    static let alertColumns = """
        id, owner_id, deployment_id, rule_id, kind, severity, message, unit, value, threshold, limit_name, symbol, market_time, breach_key,
        state, created_at, resolved_at, acknowledged_at, acknowledged_by
        """

    static func alertRule(_ row: Row) throws(StoreError) -> AlertRule {
        guard let kind = AlertRuleKind(rawValue: row.text(3)) else { throw StoreError.corrupt("alert rule kind \(row.text(3))") }
        return AlertRule(id: row.id(0), ownerID: row.id(1), deploymentID: row.optionalID(2), kind: kind, threshold: row.optionalInt64(4),
                         createdAt: row.int64(5))
    }

    static func alert(_ row: Row) throws(StoreError) -> Alert {
        guard let severity = AlertSeverity(rawValue: row.text(5)), let state = AlertState(rawValue: row.text(14)) else {
            throw StoreError.corrupt("alert \(row.int64(0))")
        }
        let draft = AlertDraft(ownerID: row.id(1), deploymentID: row.optionalID(2), ruleID: row.optionalID(3), kind: row.text(4),
                               severity: severity, message: row.text(6), unit: row.optionalText(7).flatMap(AlertUnit.init(rawValue:)),
                               value: row.optionalInt64(8), threshold: row.optionalInt64(9), limit: row.optionalText(10),
                               symbol: row.optionalText(11), marketTime: row.optionalInt64(12), breachKey: row.optionalText(13))
        return Alert(id: row.id(0), draft: draft, state: state, createdAt: row.int64(15), resolvedAt: row.optionalInt64(16),
                     acknowledgedAt: row.optionalInt64(17), acknowledgedBy: row.optionalID(18))
    }

    // MARK: - Rules

    /// Adds a rule of the caller's (an active user): a condition needs a
    /// `threshold` (money above 0, or a fraction in (0, 1]), an event kind
    /// takes none; a `deploymentID` must be one of the caller's.
    public func createAlertRule(kind: AlertRuleKind, deploymentID: DeploymentID?, threshold: Int64?,
                                by userID: UserID) throws(StoreError) -> AlertRule {
        switch (kind.unit, threshold) {
        case (nil, .some): throw StoreError.invalid(field: "threshold", rule: "is not taken by a \(kind.rawValue) rule")
        case (.some, nil): throw StoreError.invalid(field: "threshold", rule: "is required by a \(kind.rawValue) rule")
        case (.money, .some(let value)) where value <= 0:
            throw StoreError.invalid(field: "threshold", rule: "must be above 0")
        case (.fraction, .some(let value)) where value <= 0 || value > 100_000_000:
            throw StoreError.invalid(field: "threshold", rule: "must be a fraction above 0 and at most 1 (0.10 is 10 %)")
        default: break
        }
        return try writeAsActive(userID) { (actor, connection, now) throws(StoreError) -> AlertRule in
            if let deploymentID {
                guard let deployment = try Self.fetchDeployment(deploymentID, connection), deployment.ownerID == actor.id else {
                    throw StoreError.notFound(entity: "deployment", id: deploymentID.description)
                }
            }
            let count = try connection.row("SELECT COUNT(*) FROM alert_rules WHERE owner_id = ?", [actor.id]) { $0.int(0) } ?? 0
            guard count < AlertLimits.rulesPerUser else { throw StoreError.quotaExceeded(what: "alert rules", limit: AlertLimits.rulesPerUser) }
            try connection.run("INSERT INTO alert_rules (owner_id, deployment_id, kind, threshold, created_at) VALUES (?, ?, ?, ?, ?)",
                               [actor.id, deploymentID, kind.rawValue, threshold, now])
            return AlertRule(id: AlertRuleID(connection.lastInsertedRowID), ownerID: actor.id, deploymentID: deploymentID, kind: kind,
                             threshold: threshold, createdAt: now)
        }
    }

    /// The rules of `owner`, oldest first; the owner and admins only.
    public func alertRules(of owner: UserID, by actorID: UserID) throws(StoreError) -> [AlertRule] {
        try readOwned(by: owner, as: actorID, "read alert rules", who: "their owner") { (connection) throws(StoreError) in
            try connection.rows("SELECT \(Self.alertRuleColumns) FROM alert_rules WHERE owner_id = ? ORDER BY id", [owner], Self.alertRule)
        }
    }

    /// Every rule (the alert engine's cache; trusted caller).
    public func allAlertRules() throws(StoreError) -> [AlertRule] {
        try pool.read { (connection) throws(StoreError) in
            try connection.rows("SELECT \(Self.alertRuleColumns) FROM alert_rules ORDER BY id", [], Self.alertRule)
        }
    }

    /// Deletes a rule of the caller's; its active alerts are resolved. Returns them.
    @discardableResult
    public func deleteAlertRule(_ id: AlertRuleID, by userID: UserID) throws(StoreError) -> [Alert] {
        try writeAsActive(userID) { (actor, connection, now) throws(StoreError) -> [Alert] in
            guard let rule = try connection.row("SELECT \(Self.alertRuleColumns) FROM alert_rules WHERE id = ?", [id], Self.alertRule),
                  rule.ownerID == actor.id else {
                throw StoreError.notFound(entity: "alert rule", id: id.description)
            }
            let active = try connection.rows("SELECT \(Self.alertColumns) FROM alerts WHERE rule_id = ? AND state = 'active'", [id], Self.alert)
            try connection.run("UPDATE alerts SET state = 'resolved', resolved_at = ? WHERE rule_id = ? AND state = 'active'", [now, id])
            try connection.run("DELETE FROM alert_rules WHERE id = ?", [id])
            return active.map { var alert = $0; alert.state = .resolved; alert.resolvedAt = now; return alert }
        }
    }

    // MARK: - Alerts

    /// Raises an alert (trusted caller: the alert engine) and queues one
    /// delivery per webhook of its owner, in one transaction. A condition's
    /// alert (`breachKey` set) is raised once per breach: nil while an
    /// active alert with the same key exists.
    public func raiseAlert(_ draft: AlertDraft, nextAttemptAt: Int64) throws(StoreError) -> Alert? {
        let now = self.now
        return try pool.write { (connection) throws(StoreError) -> Alert? in
            // A rule deleted while the engine still held it raises nothing.
            if let rule = draft.ruleID, try connection.row("SELECT 1 FROM alert_rules WHERE id = ?", [rule], { _ in true }) == nil {
                return nil
            }
            if let key = draft.breachKey,
               try connection.row("SELECT 1 FROM alerts WHERE owner_id = ? AND breach_key = ? AND state = 'active'",
                                  [draft.ownerID, key], { _ in true }) != nil {
                return nil
            }
            let state: AlertState = draft.breachKey == nil ? .event : .active
            try connection.run("""
                INSERT INTO alerts (owner_id, deployment_id, rule_id, kind, severity, message, unit, value, threshold, limit_name, symbol,
                                    market_time, breach_key, state, created_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, [draft.ownerID, draft.deploymentID, draft.ruleID, draft.kind, draft.severity.rawValue, draft.message,
                      draft.unit?.rawValue, draft.value, draft.threshold, draft.limit, draft.symbol, draft.marketTime, draft.breachKey,
                      state.rawValue, now])
            let id = AlertID(connection.lastInsertedRowID)
            let hooks = try connection.rows("SELECT id FROM webhooks WHERE owner_id = ? ORDER BY id", [draft.ownerID]) { WebhookID($0.int64(0)) }
            for hook in hooks {
                try Self.queueDelivery(to: hook, owner: draft.ownerID, alert: id, event: "alert", at: nextAttemptAt, now: now, connection)
            }
            try Self.pruneAlerts(of: draft.ownerID, connection)
            return Alert(id: id, draft: draft, state: state, createdAt: now)
        }
    }

    /// Resolves the active alert of a breach that cleared (trusted caller); nil when none is active.
    public func resolveAlert(owner: UserID, breachKey: String) throws(StoreError) -> Alert? {
        let now = self.now
        return try pool.write { (connection) throws(StoreError) -> Alert? in
            guard var alert = try connection.row("""
                SELECT \(Self.alertColumns) FROM alerts WHERE owner_id = ? AND breach_key = ? AND state = 'active'
                """, [owner, breachKey], Self.alert) else { return nil }
            try connection.run("UPDATE alerts SET state = 'resolved', resolved_at = ? WHERE id = ?", [now, alert.id])
            alert.state = .resolved
            alert.resolvedAt = now
            return alert
        }
    }

    /// The breach keys of every active alert, by owner (the engine's state after a restart).
    public func activeBreaches() throws(StoreError) -> [UserID: Set<String>] {
        try pool.read { (connection) throws(StoreError) -> [UserID: Set<String>] in
            var result: [UserID: Set<String>] = [:]
            for (owner, key) in try connection.rows("SELECT owner_id, breach_key FROM alerts WHERE state = 'active' AND breach_key IS NOT NULL",
                                                    [], { (UserID($0.int64(0)), $0.text(1)) }) {
                result[owner, default: []].insert(key)
            }
            return result
        }
    }

    /// A page of `owner`'s alerts, newest first (id below `before`); `activeOnly` for the active ones.
    public func alerts(of owner: UserID, activeOnly: Bool, before: Int64?, limit: Int, by actorID: UserID) throws(StoreError) -> [Alert] {
        let limit = try InputRules.limit(limit, maximum: 1_001)
        return try readOwned(by: owner, as: actorID, "read alerts", who: "their owner") { (connection) throws(StoreError) in
            try connection.rows("""
                SELECT \(Self.alertColumns) FROM alerts WHERE owner_id = ? AND id < ? \(activeOnly ? "AND state = 'active'" : "")
                ORDER BY id DESC LIMIT ?
                """, [owner, before ?? .max, limit], Self.alert)
        }
    }

    /// One alert of `owner`'s (the owner and admins).
    public func alert(_ id: AlertID, by actorID: UserID) throws(StoreError) -> Alert {
        try read(as: actorID) { (actor, connection) throws(StoreError) -> Alert in
            guard let alert = try connection.row("SELECT \(Self.alertColumns) FROM alerts WHERE id = ?", [id], Self.alert),
                  alert.draft.ownerID == actor.id || actor.isModerator else {
                throw StoreError.notFound(entity: "alert", id: id.description)
            }
            return alert
        }
    }

    /// Acknowledges one of the caller's alerts (audited `alert.acknowledge`);
    /// a second acknowledgement is refused. An active alert stays active
    /// (acknowledged) until its condition clears.
    public func acknowledgeAlert(_ id: AlertID, by userID: UserID) throws(StoreError) -> Alert {
        try writeAsActive(userID) { (actor, connection, now) throws(StoreError) -> Alert in
            guard var alert = try connection.row("SELECT \(Self.alertColumns) FROM alerts WHERE id = ?", [id], Self.alert),
                  alert.draft.ownerID == actor.id else {
                throw StoreError.notFound(entity: "alert", id: id.description)
            }
            guard alert.acknowledgedAt == nil else {
                throw StoreError.illegalTransition(entity: "alert", from: "acknowledged", event: "acknowledge")
            }
            try connection.run("UPDATE alerts SET acknowledged_at = ?, acknowledged_by = ? WHERE id = ?", [now, actor.id, id])
            try Self.appendAudit(connection, actor: actor.id, action: "alert.acknowledge", target: .alert(id),
                                 reason: "\(alert.draft.kind): \(alert.draft.message)", now: now)
            alert.acknowledgedAt = now
            alert.acknowledgedBy = actor.id
            return alert
        }
    }

    /// Deletes `owner`'s oldest finished alerts past `AlertLimits.keptAlerts`
    /// (never an active one, nor one a delivery still waits to send).
    static func pruneAlerts(of owner: UserID, _ connection: Connection) throws(StoreError) {
        guard let cutoff = try connection.row("""
            SELECT id FROM alerts WHERE owner_id = ? AND state <> 'active' ORDER BY id DESC LIMIT 1 OFFSET ?
            """, [owner, AlertLimits.keptAlerts], { $0.int64(0) }) else { return }
        try connection.run("""
            DELETE FROM alerts WHERE owner_id = ? AND state <> 'active' AND id <= ?
              AND id NOT IN (SELECT alert_id FROM webhook_deliveries WHERE status = 'pending' AND alert_id IS NOT NULL)
            """, [owner, cutoff])
    }
}
