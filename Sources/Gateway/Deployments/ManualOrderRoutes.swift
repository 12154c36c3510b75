import Host
import Hummingbird
import Marketplace
import Platform

/// Trading by hand on a running deployment's paper account: place (with
/// optional take-profit and stop-loss), modify, cancel, a bulk order judged
/// as a whole, close a position, square off. Only the deployment's owner may
/// trade on it (a moderator may read it, never place orders in it). Every
/// order goes through the deployment's risk gate; a refusal is a 422 naming
/// the rule. docs/api.md ("Manual trading").
struct ManualOrderRoutes {
    let gateway: Gateway

    func add(to group: RouterGroup<GatewayContext>) {
        group.post("deployments/:id/orders") { request, context in
            let body = try await request.decodeStrict(ManualOrderBody.self, context: context)
            let order = try body.order()
            return Created(body: try await run(.place(order), context, field: nil))
        }
        group.post("deployments/:id/orders/bulk") { request, context in
            let body = try await request.decodeStrict(BulkOrderBody.self, context: context)
            return Created(body: try await run(.bulk(try body.orders()), context, field: "legs"))
        }
        group.put("deployments/:id/orders/:orderId") { request, context in
            let body = try await request.decodeStrict(ModifyOrderBody.self, context: context)
            return try await run(try body.command(try orderID(context)), context, field: nil)
        }
        group.delete("deployments/:id/orders/:orderId") { _, context in
            try await run(.cancel(id: try orderID(context)), context, field: nil)
        }
        group.post("deployments/:id/positions/:symbol/close") { _, context in
            let symbol = try Check.text(context.parameters.get("symbol") ?? "", "symbol", length: 1...32)
            return try await run(.close(symbol: symbol), context, field: "symbol")
        }
        group.post("deployments/:id/square-off") { _, context in
            try await run(.squareOff, context, field: nil)
        }
    }

    /// Runs the command on the caller's own deployment; a rejection becomes
    /// the matching error, its orders still recorded in the journal.
    private func run(_ command: ManualCommand, _ context: GatewayContext, field: String?) async throws -> ManualOutcomeView {
        let deployment = try await gateway.tradableDeployment(context)
        let outcome = try await gateway.platform.execute(command, on: deployment.id)
        if let rejection = outcome.rejection { throw APIError(rejection: rejection, field: field) }
        // It runs, so it trades the feed's instruments.
        let instruments = InstrumentResolver(tape: gateway.tape)
        return ManualOutcomeView(orders: outcome.orders.map { OrderView($0, instruments($0.symbol)) })
    }

    private func orderID(_ context: GatewayContext) throws -> OrderID {
        guard let text = context.parameters.get("orderId"), let id = OrderID(text), id > 0 else {
            throw APIError.notFound("order")
        }
        return id
    }
}

extension Gateway {
    /// The caller's own deployment, else 404: even moderators do not trade
    /// on another user's account.
    func tradableDeployment(_ context: GatewayContext) async throws -> Deployment {
        let user = try context.requireIdentity().user
        let deployment = try await ownDeployment(context)
        guard deployment.ownerID == user.id else { throw APIError.notFound("deployment") }
        return deployment
    }
}

