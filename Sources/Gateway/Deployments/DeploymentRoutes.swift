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

    func add(to group: RouterGroup<GatewayContext>) {
        let store = gateway.store
        let platform = gateway.platform
        group.post("deployments") { request, context in
            let body = try await request.decodeStrict(CreateDeploymentBody.self, context: context)
            return try await create(body, context: context)
        }
        group.post("templates/:id/deploy") { request, context in
            var body = try await request.decodeStrict(CreateDeploymentBody.self, context: context)
            guard body.versionId == nil, body.listingId == nil, body.templateId == nil else {
                throw APIError.invalid("templateId", "comes from the path here")
            }
            body.templateId = context.parameters.get("id")
            return try await create(body, context: context)
        }
        group.get("deployments") { _, context in
            let user = try context.requireIdentity().user
            return try await gateway.deploymentViews(try await store.read { try $0.deployments(of: user.id, by: user.id) })
        }
        group.get("deployments/:id") { _, context in
            let deployment = try await gateway.ownDeployment(context)
            return try await gateway.deploymentView(deployment, snapshot: platform.snapshot(deployment.id))
        }
        group.put("deployments/:id") { request, context in
            let user = try context.requireIdentity().user
            let body = try await request.decodeStrict(UpdateDeploymentBody.self, context: context)
            let deployment = try await gateway.ownDeployment(context)
            let updated = try await store.write { try $0.updateDeployment(deployment.id, parameters: body.parameters, risk: body.risk, by: user.id) }
            return try await gateway.deploymentView(updated, snapshot: nil)
        }
        group.delete("deployments/:id") { _, context in
            let user = try context.requireIdentity().user
            let deployment = try await gateway.ownDeployment(context)
            try await platform.deleteDeployment(deployment.id, by: user.id)
            return Response(status: .noContent)
        }
        group.post("deployments/:id/start") { _, context in
            let user = try context.requireIdentity().user
            let deployment = try await gateway.ownDeployment(context)
            let started = try await platform.startDeployment(deployment.id, by: user.id)
            return try await gateway.deploymentView(started, snapshot: platform.snapshot(started.id))
        }
        group.post("deployments/:id/stop") { _, context in
            let user = try context.requireIdentity().user
            let deployment = try await gateway.ownDeployment(context)
            let stopped = try await platform.stopDeployment(deployment.id, reason: "stopped by \(user.username)", by: user.id)
            return try await gateway.deploymentView(stopped, snapshot: nil)
        }
        group.get("deployments/:id/orders") { _, context in
            try await platform.settledJournal(of: gateway.ownDeployment(context).id).orders.map { RawJSON(data: $0.body) }
        }
        group.get("deployments/:id/fills") { _, context in
            try await platform.settledJournal(of: gateway.ownDeployment(context).id).fills.map { RawJSON(data: $0.body) }
        }
        group.get("deployments/:id/positions") { _, context -> [Position] in
            let deployment = try await gateway.ownDeployment(context)
            return platform.snapshot(deployment.id)?.positions ?? []
        }
        group.get("deployments/:id/performance") { _, context in
            let deployment = try await gateway.ownDeployment(context)
            let journal = try await platform.settledJournal(of: deployment.id)
            let snapshot = platform.snapshot(deployment.id)
            return PerformanceView(deploymentId: deployment.id.rawValue, running: snapshot != nil, cash: snapshot?.cash.description,
                                   equity: snapshot?.equity.description, realizedPnL: snapshot?.realizedPnL.description,
                                   fees: snapshot?.fees.description, fills: journal.fills.count, orders: journal.orders.count)
        }
        group.get("deployments/:id/logs") { _, context in
            platform.recentLog(try await gateway.ownDeployment(context).id)
        }
    }

    private func create(_ body: CreateDeploymentBody, context: GatewayContext) async throws -> Created<DeploymentView> {
        let user = try context.requireIdentity().user
        let deployment = try await gateway.platform.createDeployment(
            try body.source(), parameters: body.parameters ?? [:], risk: body.risk, symbols: body.symbols,
            timeframe: body.timeframe, start: body.start ?? true, by: user.id)
        return Created(body: try await gateway.deploymentView(deployment, snapshot: gateway.platform.snapshot(deployment.id)))
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

extension DeploymentLogEntry: ResponseGenerator {}
extension DeploymentLogEntry: ResponseEncodable {}
extension Position: ResponseGenerator {}
extension Position: ResponseEncodable {}
extension RawJSON: ResponseGenerator, ResponseEncodable {}
