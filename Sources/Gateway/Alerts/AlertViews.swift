import Foundation
import Host
import Marketplace

/// An alert (REST, the WebSocket `alerts` channel and webhook bodies).
struct AlertView: Codable, Sendable, ResponseEncodableBody, PageItem {
    static let pageKey = "alerts"
    var id: Int64
    var deploymentId: Int64?
    /// The user's rule that fired; absent for a system alert.
    var ruleId: Int64?
    /// A rule kind, or `limit_approaching` (system).
    var kind: String
    var severity: String
    /// `active`, `resolved` or `event`.
    var state: String
    var message: String
    /// `money` (with `currency`) or `fraction`; on conditions.
    var unit: String?
    var value: String?
    var threshold: String?
    var currency: String?
    /// The limit a system alert is about, and the position's symbol.
    var limit: String?
    var symbol: String?
    var marketTime: Timestamp?
    var createdAt: Timestamp
    var resolvedAt: Timestamp?
    var acknowledgedAt: Timestamp?
    var acknowledgedBy: Int64?

    init(_ alert: Alert) {
        let draft = alert.draft
        id = alert.id.rawValue
        deploymentId = draft.deploymentID?.rawValue
        ruleId = draft.ruleID?.rawValue
        kind = draft.kind
        severity = draft.severity.rawValue
        state = alert.state.rawValue
        message = draft.message
        unit = draft.unit?.rawValue
        value = draft.value.map { AlertUnits.format($0) }
        threshold = draft.threshold.map { AlertUnits.format($0) }
        currency = draft.unit == .money ? APIUnits.currency : nil
        limit = draft.limit
        symbol = draft.symbol
        marketTime = Timestamp(draft.marketTime)
        createdAt = Timestamp(alert.createdAt)
        resolvedAt = Timestamp(alert.resolvedAt)
        acknowledgedAt = Timestamp(alert.acknowledgedAt)
        acknowledgedBy = alert.acknowledgedBy?.rawValue
    }
}

/// Money and fractions of alerts are both 10⁻⁸ units: decimal strings with 8 places.
enum AlertUnits {
    static func format(_ units: Int64) -> String { FixedPoint.format(units, decimals: Money.decimals) }
    static func parse(_ text: String) -> Int64? {
        guard text.utf8.count <= 40, APIUnits.isDecimal(text) else { return nil }
        return FixedPoint.parse(text, decimals: Money.decimals)
    }
}

struct AlertRuleView: Codable, Sendable, ResponseEncodableBody {
    var id: Int64
    var kind: String
    /// Absent: every deployment of mine.
    var deploymentId: Int64?
    var threshold: String?
    var unit: String?
    var createdAt: Timestamp

    init(_ rule: AlertRule) {
        id = rule.id.rawValue
        kind = rule.kind.rawValue
        deploymentId = rule.deploymentID?.rawValue
        threshold = rule.threshold.map { AlertUnits.format($0) }
        unit = rule.kind.unit?.rawValue
        createdAt = Timestamp(rule.createdAt)
    }
}

struct WebhookView: Codable, Sendable, ResponseEncodableBody {
    var id: Int64
    var url: String
    var createdAt: Timestamp
    /// Only in the answer that created it, when the server made the secret.
    var secret: String?

    init(_ hook: Webhook, showingSecret: Bool = false) {
        id = hook.id.rawValue
        url = hook.url
        createdAt = Timestamp(hook.createdAt)
        secret = showingSecret ? hook.secret : nil
    }
}

struct WebhookDeliveryView: Codable, Sendable, ResponseEncodableBody, PageItem {
    static let pageKey = "deliveries"
    var id: Int64
    var webhookId: Int64
    /// `alert` or `test`.
    var event: String
    var alertId: Int64?
    /// `pending`, `delivered` or `failed`.
    var status: String
    var attempts: Int
    /// When the next attempt is due (pending only).
    var nextAttemptAt: Timestamp?
    var lastStatus: Int?
    var lastError: String?
    var createdAt: Timestamp
    var updatedAt: Timestamp

    init(_ delivery: WebhookDelivery) {
        id = delivery.id
        webhookId = delivery.webhookID.rawValue
        event = delivery.event
        alertId = delivery.alertID?.rawValue
        status = delivery.status.rawValue
        attempts = delivery.attempts
        nextAttemptAt = delivery.status == .pending ? Timestamp(delivery.nextAttemptAt / 1_000) : nil
        lastStatus = delivery.lastStatus
        lastError = delivery.lastError
        createdAt = Timestamp(delivery.createdAt)
        updatedAt = Timestamp(delivery.updatedAt)
    }
}

extension AlertView: SchemaDescribed {
    static let schemaName = "Alert"
    static var schema: JSONSchema {
        .record(["id": .id, "kind": .text, "severity": .oneOfStrings(["info", "warning", "critical"]),
                 "state": .oneOfStrings(["active", "resolved", "event"]), "message": .text, "createdAt": .timestamp],
                optional: ["deploymentId": .id, "ruleId": .id, "unit": .oneOfStrings(["money", "fraction"]), "value": .exact,
                           "threshold": .exact, "currency": .currency, "limit": .oneOfStrings(["daily_loss", "gross_exposure", "position"]),
                           "symbol": .text, "marketTime": .timestamp, "resolvedAt": .timestamp, "acknowledgedAt": .timestamp,
                           "acknowledgedBy": .id])
    }
}

extension AlertRuleView: SchemaDescribed {
    static let schemaName = "AlertRule"
    static var schema: JSONSchema {
        .record(["id": .id, "kind": .oneOfStrings(AlertRuleKind.allCases.map(\.rawValue)), "createdAt": .timestamp],
                optional: ["deploymentId": .id, "threshold": .exact, "unit": .oneOfStrings(["money", "fraction"])])
    }
}

extension WebhookView: SchemaDescribed {
    static let schemaName = "Webhook"
    static var schema: JSONSchema {
        .record(["id": .id, "url": .text, "createdAt": .timestamp], optional: ["secret": .text])
    }
}

extension WebhookDeliveryView: SchemaDescribed {
    static let schemaName = "WebhookDelivery"
    static var schema: JSONSchema {
        .record(["id": .id, "webhookId": .id, "event": .oneOfStrings(["alert", "test"]),
                 "status": .oneOfStrings(["pending", "delivered", "failed"]), "attempts": .integer(minimum: 0),
                 "createdAt": .timestamp, "updatedAt": .timestamp],
                optional: ["alertId": .id, "nextAttemptAt": .timestamp, "lastStatus": .integer(minimum: 100, maximum: 599),
                           "lastError": .text])
    }
}
