import Crypto
import Foundation
import Hummingbird
import Marketplace
import Platform

/// `/api/risk/alerts`, `/api/risk/alert-rules` and `/api/risk/webhooks`
/// (docs/api.md, "Alerts" and "Alert webhooks").
struct AlertRoutes {
    let gateway: Gateway

    struct RuleBody: RequestBody {
        var kind: String
        var deploymentId: Int64?
        var threshold: String?
        static var schema: JSONSchema {
            .body(["kind": .oneOfStrings(AlertRuleKind.allCases.map(\.rawValue))],
                  optional: ["deploymentId": .id, "threshold": .string(minLength: 1, maxLength: 40, pattern: "^[0-9]+(\\.[0-9]+)?$")])
        }
    }

    struct WebhookBody: RequestBody {
        var url: String
        var secret: String?
        static var schema: JSONSchema {
            .body(["url": .string(minLength: 1, maxLength: 2_048)], optional: ["secret": .string(minLength: 16, maxLength: 256)])
        }
    }

    func add(to group: APIRoutes) {
        let store = gateway.store
        group.get("risk/alerts", "My alerts, newest first: active and recent (?state=active|all, ?limit=1..500, ?cursor=)") { request, context in
            let user = try context.requireIdentity().user
            let activeOnly = try request.query("state") { ["active": true, "all": false][$0] } ?? false
            let page = try PageRequest(request, kind: "alerts")
            let alerts = try await store.read { try $0.alerts(of: user.id, activeOnly: activeOnly, before: page.before, limit: page.limit + 1, by: user.id) }
            let (rows, next) = page.page(alerts, kind: "alerts") { $0.id.rawValue }
            return PageView(items: rows.map(AlertView.init), nextCursor: next)
        }
        group.post("risk/alerts/:id/acknowledge", "Acknowledge one of my alerts (audited as alert.acknowledge; an active one stays active until it clears)") { _, context in
            let user = try context.requireIdentity().user
            let id = AlertID(try context.id("id", "alert"))
            return AlertView(try await store.write { try $0.acknowledgeAlert(id, by: user.id) })
        }
        group.get("risk/alert-rules", "My alert rules") { _, context in
            let user = try context.requireIdentity().user
            return try await store.read { try $0.alertRules(of: user.id, by: user.id) }.map(AlertRuleView.init)
        }
        group.post("risk/alert-rules",
                   "Add an alert rule: equity_below / daily_loss_above (threshold: money), drawdown_above (threshold: a fraction), faulted, halted, risk_denial, fill, kill_switch; on one deployment (deploymentId) or all of mine",
                   body: RuleBody.self) { _, context, body in
            let user = try context.requireIdentity().user
            guard let kind = AlertRuleKind(rawValue: body.kind) else {
                throw APIError.invalid("kind", "must be one of \(AlertRuleKind.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            if let id = body.deploymentId, id <= 0 { throw APIError.invalid("deploymentId", "must be a deployment id") }
            let threshold = try body.threshold.map { text -> Int64 in
                guard let units = AlertUnits.parse(text) else {
                    throw APIError.invalid("threshold", "must be a decimal string with at most 8 decimals, e.g. \"9500.00\" or \"0.10\"")
                }
                return units
            }
            let rule = try await gateway.platform.createAlertRule(kind: kind, deploymentID: body.deploymentId.map(DeploymentID.init),
                                                                   threshold: threshold, by: user.id)
            return Created(body: AlertRuleView(rule))
        }
        group.delete("risk/alert-rules/:id", "Delete one of my alert rules (its active alerts resolve)") { _, context in
            let user = try context.requireIdentity().user
            try await gateway.platform.deleteAlertRule(AlertRuleID(try context.id("id", "alert rule")), by: user.id)
            return NoContent()
        }
        group.get("risk/webhooks", "My alert webhooks (secrets are never shown again)") { _, context in
            let user = try context.requireIdentity().user
            return try await store.read { try $0.webhooks(of: user.id, by: user.id) }.map { WebhookView($0) }
        }
        group.post("risk/webhooks",
                   "Register an HTTP(S) endpoint every alert of mine is POSTed to, signed (Lunar-Signature HMAC-SHA256) with the secret given, or one made and shown once",
                   body: WebhookBody.self) { _, context, body in
            let user = try context.requireIdentity().user
            let target = try WebhookTarget(body.url, allowPrivate: gateway.configuration.webhooks.allowPrivateTargets)
            let generated = body.secret == nil
            let secret = body.secret ?? Self.newSecret()
            let hook = try await store.write { try $0.createWebhook(url: target.text, secret: secret, by: user.id) }
            return Created(body: WebhookView(hook, showingSecret: generated))
        }
        group.delete("risk/webhooks/:id", "Delete one of my webhooks with its delivery log") { _, context in
            let user = try context.requireIdentity().user
            let id = WebhookID(try context.id("id", "webhook"))
            try await store.write { try $0.deleteWebhook(id, by: user.id) }
            return NoContent()
        }
        group.post("risk/webhooks/:id/test", "Send a signed test event to one of my webhooks now (the delivery log shows how it went)") { _, context in
            let user = try context.requireIdentity().user
            let id = WebhookID(try context.id("id", "webhook"))
            let now = gateway.webhooks.nowMilliseconds()
            let delivery = try await store.write { try $0.queueTestDelivery(to: id, at: now, by: user.id) }
            gateway.webhooks.wake()
            return Accepted(body: WebhookDeliveryView(delivery))
        }
        group.get("risk/webhooks/:id/deliveries",
                  "A webhook's delivery log, newest first: status, attempts, last HTTP status and error (?limit=1..500, ?cursor=)") { request, context in
            let user = try context.requireIdentity().user
            let id = WebhookID(try context.id("id", "webhook"))
            let page = try PageRequest(request, kind: "deliveries")
            let deliveries = try await store.read { try $0.deliveries(of: id, before: page.before, limit: page.limit + 1, by: user.id) }
            let (rows, next) = page.page(deliveries, kind: "deliveries") { $0.id }
            return PageView(items: rows.map(WebhookDeliveryView.init), nextCursor: next)
        }
    }

    /// 32 random bytes, hex.
    static func newSecret() -> String {
        SymmetricKey(size: .bits256).withUnsafeBytes { Data($0) }.map { String(format: "%02x", $0) }.joined()
    }
}
