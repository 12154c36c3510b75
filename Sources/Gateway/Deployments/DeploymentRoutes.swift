import Foundation
import Hummingbird
import Host
import Marketplace
import Platform

/// `/api/deployments`: paper deployments of an own version, a purchased
/// listing or a template; start/stop; orders, fills, positions,
/// performance and logs. Another user's deployment is a 404 (never 403:
/// its existence is not revealed).
struct DeploymentRoutes {
    let gateway: Gateway

    func add(to group: APIRoutes) {
        let store = gateway.store
        let platform = gateway.platform
        group.post("deployments",
                   "Deploy a version, purchased listing or template", body: CreateDeploymentBody.self) { request, context, body in
            return try await create(body, context: context)
        }
        group.tagged("templates").post("templates/:id/deploy",
                                       "Deploy a template with my parameters (checked against its parameterSchema)",
                                       body: TemplateDeployBody.self) { request, context, body in
            return try await create(body.deployment(of: context.parameters.get("id") ?? ""), context: context)
        }
        group.get("deployments", "My deployments") { _, context in
            let user = try context.requireIdentity().user
            return try await gateway.deploymentViews(try await store.read { try $0.deployments(of: user.id, by: user.id) })
        }
        group.get("deployments/:id", "A deployment with its live account") { _, context in
            try await gateway.deploymentView(try await gateway.ownDeployment(context))
        }
        group.put("deployments/:id",
                  "Change parameters or risk limits (stopped only)", body: UpdateDeploymentBody.self) { request, context, body in
            let user = try context.requireIdentity().user
            let risk = try body.risk?.limits(field: "risk")
            let deployment = try await gateway.ownDeployment(context)
            let updated = try await store.write { try $0.updateDeployment(deployment.id, parameters: body.parameters, risk: risk, by: user.id) }
            return try await gateway.deploymentView(updated)
        }
        group.delete("deployments/:id", "Delete with its journal (stopped or faulted only)") { _, context in
            let user = try context.requireIdentity().user
            let deployment = try await gateway.ownDeployment(context)
            try await platform.deleteDeployment(deployment.id, by: user.id)
            return NoContent()
        }
        group.post("deployments/:id/start", "Start") { _, context in
            let user = try context.requireIdentity().user
            let deployment = try await gateway.ownDeployment(context)
            return try await gateway.deploymentView(try await platform.startDeployment(deployment.id, by: user.id))
        }
        group.post("deployments/:id/stop", "Stop") { _, context in
            let user = try context.requireIdentity().user
            let deployment = try await gateway.ownDeployment(context)
            return try await gateway.deploymentView(try await platform.stopDeployment(deployment.id, reason: "stopped by \(user.username)", by: user.id))
        }
        group.get("deployments/:id/orders", "Orders (journal), newest first (?limit=1..500, ?cursor=)") { request, context in
            let id = try await gateway.ownDeployment(context).id
            let page = try PageRequest(request, kind: "orders")
            let (rows, next) = page.page(try await journalPage(.orders, of: id, page), kind: "orders") { $0.sequence }
            let instruments = try await instrumentResolver(id)
            return PageView(items: try rows.map { item in
                let order = try Self.decode(Order.self, item.record, of: id)
                return OrderView(order, instruments(order.symbol))
            }, nextCursor: next)
        }
        group.get("deployments/:id/fills", "Fills (journal), newest first (?limit=1..500, ?cursor=)") { request, context in
            let id = try await gateway.ownDeployment(context).id
            let page = try PageRequest(request, kind: "fills")
            let (rows, next) = page.page(try await journalPage(.fills, of: id, page), kind: "fills") { $0.sequence }
            let instruments = try await instrumentResolver(id)
            return PageView(items: try rows.map { item in
                let fill = try Self.decode(Fill.self, item.record, of: id)
                return FillView(fill, id: item.record.id, instruments(fill.symbol))
            }, nextCursor: next)
        }
        group.get("deployments/:id/positions", "Open positions (a stopped deployment's as it left them)") { _, context -> [PositionView] in
            let deployment = try await gateway.ownDeployment(context)
            return try await gateway.accountView(deployment.id)?.positions ?? []
        }
        group.get("deployments/:id/performance",
                  "The account (cash, equity, realized and unrealized P&L, fees, positions) and the journal's size") { _, context in
            let deployment = try await gateway.ownDeployment(context)
            let account = try await gateway.accountView(deployment.id)
            let (orders, fills) = try await store.read { try $0.journalCounts(of: deployment.id) }
            return PerformanceView(deploymentId: deployment.id.rawValue, account: Nullable(account), orders: orders, fills: fills)
        }
        group.get("deployments/:id/logs",
                  "Strategy log lines kept in memory (the last 200), newest first (?limit=, ?cursor=)") { request, context in
            let id = try await gateway.ownDeployment(context).id
            let page = try PageRequest(request, kind: "logs")
            let (rows, next) = page.page(platform.logPage(id, before: page.before, limit: page.limit + 1), kind: "logs") { $0.sequence }
            return PageView(items: rows.map { LogEntryView($0.entry, sequence: $0.sequence) }, nextCursor: next)
        }
    }

    /// A page of the journal once what the deployment reported is written.
    private func journalPage(_ kind: MarketplaceStore.JournalKind, of id: DeploymentID,
                             _ page: PageRequest) async throws -> [JournalPageItem] {
        _ = try await gateway.platform.settledJournal(of: id)
        return try await gateway.store.read { try $0.journalPage(kind, of: id, before: page.before, limit: page.limit + 1) }
    }

    /// Formats a deployment's values with its account's instruments (else the feed's).
    private func instrumentResolver(_ id: DeploymentID) async throws -> InstrumentResolver {
        InstrumentResolver(account: try await gateway.platform.account(id)?.snapshot.instruments ?? [], tape: gateway.tape)
    }

    /// A journal body as the Host wrote it; one that does not decode is a 500 naming the record.
    private static func decode<Value: Decodable>(_ type: Value.Type, _ record: JournalRecord, of id: DeploymentID) throws -> Value {
        do {
            return try JSONDecoder().decode(type, from: record.body)
        } catch {
            throw APIError(status: 500, code: "internal_error", message: "journal record \(record.id) of deployment \(id) does not decode")
        }
    }

    private func create(_ body: CreateDeploymentBody, context: GatewayContext) async throws -> Created<DeploymentView> {
        let user = try context.requireIdentity().user
        let deployment = try await gateway.platform.createDeployment(
            try body.source(), parameters: body.parameters ?? [:], risk: try body.risk?.limits(field: "risk"), symbols: body.symbols,
            timeframe: body.timeframe, start: body.start ?? true, by: user.id)
        return Created(body: try await gateway.deploymentView(deployment))
    }
}

extension Gateway {
    /// The caller's own deployment (moderators: anyone's), else 404.
    func ownDeployment(_ context: GatewayContext) async throws -> Deployment {
        let user = try context.requireIdentity().user
        let id = DeploymentID(try context.id("id", "deployment"))
        let deployment = try await store.read { try $0.deployment(id, by: user.id) }
        guard deployment.ownerID == user.id || user.role.isModerator else { throw APIError.notFound("deployment") }
        return deployment
    }
}

/// One strategy log line; `sequence` numbers the deployment's lines in order.
struct LogEntryView: Codable, Sendable, PageItem {
    static let pageKey = "logs"
    /// Always on REST pages; absent on WebSocket `log` events.
    var sequence: Int64?
    /// Market time of the event that logged it.
    var time: Timestamp
    var level: String
    var message: String

    init(_ entry: DeploymentLogEntry, sequence: Int64?) {
        self.sequence = sequence
        time = Timestamp(entry.time)
        level = entry.level
        message = entry.message
    }
}
