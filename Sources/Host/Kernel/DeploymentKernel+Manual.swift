/// The owner's manual commands on the deployment's account. They run on the
/// kernel's thread between events, at the time of the last event, and go
/// through the same grid, risk gate and exchange as the strategy's orders;
/// the strategy then hears the updates like any other.
extension DeploymentKernel {
    public func execute(_ command: ManualCommand) throws(ManualCommandError) -> ManualCommandOutcome {
        guard acceptsEvents else { throw .notTrading(id: id, status: status.description) }
        let first = deliveries.count
        let rejection: OrderReason?
        switch command {
        case .place(let order):
            rejection = place(order).first(where: { $0.rejection != nil })?.rejection
        case .bulk(let legs):
            rejection = placeBulk(legs)
        case .modify(let orderID, let quantity, let price, let trigger):
            rejection = replace(orderID, quantity: quantity, price: price, trigger: trigger)
        case .cancel(let orderID):
            let events = router.exchange.cancel(orderID, now: currentTimeValue, reason: Self.canceledByOwner)
            deliveries.append(contentsOf: events)
            rejection = events.isEmpty ? OrderReason(code: .unknownOrder, message: "order \(orderID) is not working") : nil
        case .close(let symbol):
            rejection = close(symbol: symbol).map(\.rejection)
                ?? OrderReason(code: .noPosition, message: "there is no open position in '\(symbol)'")
        case .squareOff:
            deliveries.append(contentsOf: router.exchange.cancelAll(
                symbol: nil, now: currentTimeValue, reason: OrderReason(code: .squareOff, message: "canceled by a square-off")))
            let closes = portfolio.openPositions.map(\.symbol).sorted().compactMap { close(symbol: $0) }
            rejection = closes.first(where: { $0.rejection != nil })?.rejection
        }
        let orders = latestOrders(since: first)
        appendLog(level: rejection == nil ? "info" : "warn",
                  message: "manual \(command.name): " + (rejection.map { "refused: \($0.message)" } ?? "\(orders.count) order(s)"))
        deliverPending()
        return ManualCommandOutcome(orders: orders, rejection: rejection)
    }

    static let canceledByOwner = OrderReason(code: .canceledByOwner, message: "canceled by the deployment's owner")

    private func place(_ order: ManualOrder) -> [OrderSubmission] {
        guard order.isBracket else { return [submit(order.request)] }
        return submitBracket(BracketRequest(entry: order.request, takeProfit: order.takeProfit, stopLoss: order.stopLoss))
    }

    /// Every leg is put on the grid and checked by a copy of the risk gate
    /// that counts the legs before it as open orders
    /// (`OrderRouter.firstRefusal(amongLegs:)`); only when all pass are they
    /// placed, in order. A refusal names the leg (1-based) and sends nothing.
    private func placeBulk(_ legs: [ManualOrder]) -> OrderReason? {
        if let (index, refusal) = router.firstRefusal(amongLegs: legs.map(\.request), portfolio: portfolio,
                                                      now: currentTimeValue) {
            let leg = legs[index]
            return OrderReason(code: refusal.code, message: "leg \(index + 1) (\(leg.side.rawValue) \(leg.symbol)): "
                               + "\(refusal.message); no leg was sent", limit: refusal.limit)
        }
        for leg in legs { _ = place(leg) }
        return nil
    }

    /// The last state of each order among the updates queued since `first`,
    /// in the order they first appeared.
    private func latestOrders(since first: Int) -> [Order] {
        var latest: [OrderID: Order] = [:]
        var sequence: [OrderID] = []
        for event in deliveries[first...] {
            if latest[event.order.id] == nil { sequence.append(event.order.id) }
            latest[event.order.id] = event.order
        }
        return sequence.compactMap { latest[$0] }
    }
}

extension ManualCommand {
    /// The command's name in logs and errors.
    public var name: String {
        switch self {
        case .place: "order"
        case .bulk: "bulk order"
        case .modify: "modify"
        case .cancel: "cancel"
        case .close: "close"
        case .squareOff: "square-off"
        }
    }
}
