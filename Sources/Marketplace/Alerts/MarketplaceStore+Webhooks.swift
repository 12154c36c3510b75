/// A delivery that is due, with what sending it needs.
public struct DueDelivery: Sendable, Equatable {
    public var delivery: WebhookDelivery
    public var webhook: Webhook
    /// The alert it carries (nil for a test, or when the alert is gone).
    public var alert: Alert?
}

extension MarketplaceStore {
    static let webhookColumns = "id, owner_id, url, secret, created_at"
    static let deliveryColumns = """
        id, webhook_id, owner_id, alert_id, event, status, attempts, next_attempt_at, last_status, last_error, created_at, updated_at
        """

    static func webhook(_ row: Row) -> Webhook {
        Webhook(id: row.id(0), ownerID: row.id(1), url: row.text(2), secret: row.text(3), createdAt: row.int64(4))
    }

    static func delivery(_ row: Row) throws(StoreError) -> WebhookDelivery {
        guard let status = WebhookDeliveryStatus(rawValue: row.text(5)) else { throw StoreError.corrupt("delivery status \(row.text(5))") }
        return WebhookDelivery(id: row.int64(0), webhookID: row.id(1), ownerID: row.id(2), alertID: row.optionalID(3), event: row.text(4),
                               status: status, attempts: row.int(6), nextAttemptAt: row.int64(7),
                               lastStatus: row.optionalInt64(8).map(Int.init), lastError: row.optionalText(9), createdAt: row.int64(10),
                               updatedAt: row.int64(11))
    }

    // MARK: - Webhooks

    /// Registers an endpoint of the caller's (an active user). The URL's
    /// form and target were checked by the caller (the Gateway's rules);
    /// here its length, the secret's, and the per-user bound.
    public func createWebhook(url: String, secret: String, by userID: UserID) throws(StoreError) -> Webhook {
        guard (1...2_048).contains(url.utf8.count) else { throw StoreError.invalid(field: "url", rule: "must be 1 to 2048 bytes") }
        guard (16...256).contains(secret.utf8.count), secret.allSatisfy({ $0.isASCII && !$0.isWhitespace }) else {
            throw StoreError.invalid(field: "secret", rule: "must be 16 to 256 printable ASCII characters")
        }
        return try writeAsActive(userID) { (actor, connection, now) throws(StoreError) -> Webhook in
            let count = try connection.row("SELECT COUNT(*) FROM webhooks WHERE owner_id = ?", [actor.id]) { $0.int(0) } ?? 0
            guard count < AlertLimits.webhooksPerUser else { throw StoreError.quotaExceeded(what: "webhooks", limit: AlertLimits.webhooksPerUser) }
            try connection.run("INSERT INTO webhooks (owner_id, url, secret, created_at) VALUES (?, ?, ?, ?)", [actor.id, url, secret, now])
            let id = WebhookID(connection.lastInsertedRowID)
            try Self.appendAudit(connection, actor: actor.id, action: "webhook.create", target: .webhook(id), reason: url, now: now)
            return Webhook(id: id, ownerID: actor.id, url: url, secret: secret, createdAt: now)
        }
    }

    /// `owner`'s webhooks (the owner and admins).
    public func webhooks(of owner: UserID, by actorID: UserID) throws(StoreError) -> [Webhook] {
        try readOwned(by: owner, as: actorID, "read webhooks", who: "their owner") { (connection) throws(StoreError) in
            try connection.rows("SELECT \(Self.webhookColumns) FROM webhooks WHERE owner_id = ? ORDER BY id", [owner], Self.webhook)
        }
    }

    /// One webhook of the caller's (others: not found).
    public func webhook(_ id: WebhookID, by actorID: UserID) throws(StoreError) -> Webhook {
        try read(as: actorID) { (actor, connection) throws(StoreError) -> Webhook in
            try Self.ownWebhook(id, actor, connection)
        }
    }

    static func ownWebhook(_ id: WebhookID, _ actor: Actor, _ connection: Connection) throws(StoreError) -> Webhook {
        guard let hook = try connection.row("SELECT \(Self.webhookColumns) FROM webhooks WHERE id = ?", [id], Self.webhook),
              hook.ownerID == actor.id || actor.isModerator else {
            throw StoreError.notFound(entity: "webhook", id: id.description)
        }
        return hook
    }

    /// Deletes a webhook of the caller's with its deliveries (audited).
    public func deleteWebhook(_ id: WebhookID, by userID: UserID) throws(StoreError) {
        try writeAsActive(userID) { (actor, connection, now) throws(StoreError) in
            let hook = try Self.ownWebhook(id, actor, connection)
            guard hook.ownerID == actor.id else { throw StoreError.notFound(entity: "webhook", id: id.description) }
            try connection.run("DELETE FROM webhook_deliveries WHERE webhook_id = ?", [id])
            try connection.run("DELETE FROM webhooks WHERE id = ?", [id])
            try Self.appendAudit(connection, actor: actor.id, action: "webhook.delete", target: .webhook(id), reason: hook.url, now: now)
        }
    }

    // MARK: - Deliveries

    /// Queues a `test` delivery to a webhook of the caller's, due at `at` (Unix ms).
    public func queueTestDelivery(to id: WebhookID, at: Int64, by userID: UserID) throws(StoreError) -> WebhookDelivery {
        try writeAsActive(userID) { (actor, connection, now) throws(StoreError) -> WebhookDelivery in
            let hook = try Self.ownWebhook(id, actor, connection)
            guard hook.ownerID == actor.id else { throw StoreError.notFound(entity: "webhook", id: id.description) }
            let delivery = try Self.queueDelivery(to: id, owner: actor.id, alert: nil, event: "test", at: at, now: now, connection)
            return try connection.row("SELECT \(Self.deliveryColumns) FROM webhook_deliveries WHERE id = ?", [delivery], Self.delivery)!
        }
    }

    /// Queues one delivery; a webhook with `AlertLimits.pendingDeliveries`
    /// waiting fails its oldest one as dropped first. Returns the new id.
    @discardableResult
    static func queueDelivery(to hook: WebhookID, owner: UserID, alert: AlertID?, event: String, at: Int64, now: Int64,
                              _ connection: Connection) throws(StoreError) -> Int64 {
        let waiting = try connection.row("SELECT COUNT(*) FROM webhook_deliveries WHERE webhook_id = ? AND status = 'pending'",
                                         [hook]) { $0.int(0) } ?? 0
        if waiting >= AlertLimits.pendingDeliveries {
            try connection.run("""
                UPDATE webhook_deliveries SET status = 'failed', last_error = ?, updated_at = ?
                WHERE id = (SELECT id FROM webhook_deliveries WHERE webhook_id = ? AND status = 'pending' ORDER BY id LIMIT 1)
                """, ["dropped: \(AlertLimits.pendingDeliveries) deliveries were waiting for this webhook", now, hook])
        }
        try connection.run("""
            INSERT INTO webhook_deliveries (webhook_id, owner_id, alert_id, event, status, attempts, next_attempt_at, created_at, updated_at)
            VALUES (?, ?, ?, ?, 'pending', 0, ?, ?, ?)
            """, [hook, owner, alert, event, at, now, now])
        return connection.lastInsertedRowID
    }

    /// Up to `limit` pending deliveries due at `now` (Unix ms), oldest due first (trusted caller: the dispatcher).
    public func dueDeliveries(at now: Int64, limit: Int) throws(StoreError) -> [DueDelivery] {
        try pool.read { (connection) throws(StoreError) -> [DueDelivery] in
            let deliveries = try connection.rows("""
                SELECT \(Self.deliveryColumns) FROM webhook_deliveries WHERE status = 'pending' AND next_attempt_at <= ?
                ORDER BY next_attempt_at, id LIMIT ?
                """, [now, limit], Self.delivery)
            var due: [DueDelivery] = []
            for delivery in deliveries {
                guard let hook = try connection.row("SELECT \(Self.webhookColumns) FROM webhooks WHERE id = ?", [delivery.webhookID],
                                                    Self.webhook) else { continue }
                let alert = try delivery.alertID.flatMap { (id) throws(StoreError) in
                    try connection.row("SELECT \(Self.alertColumns) FROM alerts WHERE id = ?", [id], Self.alert)
                }
                due.append(DueDelivery(delivery: delivery, webhook: hook, alert: alert))
            }
            return due
        }
    }

    /// When the next pending delivery is due (Unix ms), nil when none waits.
    public func nextDeliveryDue() throws(StoreError) -> Int64? {
        try pool.read { (connection) throws(StoreError) -> Int64? in
            try connection.row("SELECT MIN(next_attempt_at) FROM webhook_deliveries WHERE status = 'pending'", []) { $0.optionalInt64(0) } ?? nil
        }
    }

    /// Records one attempt's outcome (trusted caller). A delivery deleted
    /// with its webhook meanwhile is ignored.
    public func recordDeliveryAttempt(_ id: Int64, _ outcome: DeliveryOutcome) throws(StoreError) {
        let now = self.now
        try pool.write { (connection) throws(StoreError) in
            let (status, code, error, next): (WebhookDeliveryStatus, Int?, String?, Int64?) = switch outcome {
            case .delivered(let code): (.delivered, code, nil, nil)
            case .retry(let code, let error, let next): (.pending, code, String(error.prefix(500)), next)
            case .failed(let code, let error): (.failed, code, String(error.prefix(500)), nil)
            }
            let changed = try connection.run("""
                UPDATE webhook_deliveries SET status = ?, attempts = attempts + 1, last_status = ?, last_error = ?,
                    next_attempt_at = COALESCE(?, next_attempt_at), updated_at = ?
                WHERE id = ? AND status = 'pending'
                """, [status.rawValue, code, error, next, now, id])
            guard changed > 0, status != .pending,
                  let hook = try connection.row("SELECT webhook_id FROM webhook_deliveries WHERE id = ?", [id], { $0.int64(0) }) else { return }
            // Keep the newest finished deliveries of the webhook.
            if let cutoff = try connection.row("""
                SELECT id FROM webhook_deliveries WHERE webhook_id = ? AND status <> 'pending' ORDER BY id DESC LIMIT 1 OFFSET ?
                """, [hook, AlertLimits.keptDeliveries], { $0.int64(0) }) {
                try connection.run("DELETE FROM webhook_deliveries WHERE webhook_id = ? AND status <> 'pending' AND id <= ?", [hook, cutoff])
            }
        }
    }

    /// A page of a webhook's deliveries, newest first (the caller's webhook).
    public func deliveries(of id: WebhookID, before: Int64?, limit: Int, by actorID: UserID) throws(StoreError) -> [WebhookDelivery] {
        let limit = try InputRules.limit(limit, maximum: 1_001)
        return try read(as: actorID) { (actor, connection) throws(StoreError) -> [WebhookDelivery] in
            _ = try Self.ownWebhook(id, actor, connection)
            return try connection.rows("""
                SELECT \(Self.deliveryColumns) FROM webhook_deliveries WHERE webhook_id = ? AND id < ? ORDER BY id DESC LIMIT ?
                """, [id, before ?? .max, limit], Self.delivery)
        }
    }
}
