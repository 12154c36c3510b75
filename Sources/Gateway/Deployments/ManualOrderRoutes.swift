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

    func add(to group: APIRoutes) {
        group.post("deployments/:id/orders",
                   "Place a manual order (optional takeProfit/stopLoss bracket); 422 names a refused risk rule",
                   body: ManualOrderBody.self) { request, context, body in
            let order = try body.order()
            return Created(body: try await run(.place(order), context, field: nil))
        }
        group.post("deployments/:id/orders/bulk",
                   "Place several orders, validated as a whole before any is sent", body: BulkOrderBody.self) { request, context, body in
            return Created(body: try await run(.bulk(try body.orders()), context, field: "legs"))
        }
        group.put("deployments/:id/orders/:orderId",
                  "Modify a working order (quantity, price, trigger)", body: ModifyOrderBody.self) { request, context, body in
            return try await run(try body.command(try orderID(context)), context, field: nil)
        }
        group.delete("deployments/:id/orders/:orderId", "Cancel a working order") { _, context in
            try await run(.cancel(id: try orderID(context)), context, field: nil)
        }
        group.post("deployments/:id/positions/:symbol/close", "Close one position with a reduce-only market order") { _, context in
            let symbol = try Check.text(context.parameters.get("symbol") ?? "", "symbol", length: 1...32)
            return try await run(.close(symbol: symbol), context, field: "symbol")
        }
        group.post("deployments/:id/square-off", "Cancel every working order and close every position") { _, context in
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

