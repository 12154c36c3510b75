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
            let events = exchange.cancel(orderID, now: currentTimeValue, reason: Self.canceledByOwner)
            deliveries.append(contentsOf: events)
            rejection = events.isEmpty ? OrderReason(code: .unknownOrder, message: "order \(orderID) is not working") : nil
        case .close(let symbol):
            rejection = close(symbol: symbol).map(\.rejection)
                ?? OrderReason(code: .noPosition, message: "there is no open position in '\(symbol)'")
        case .squareOff:
            deliveries.append(contentsOf: exchange.cancelAll(
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
    /// that counts the legs before it as open orders; only when all pass are
    /// they placed, in order. A refusal names the leg (1-based) and sends
    /// nothing.
    private func placeBulk(_ legs: [ManualOrder]) -> OrderReason? {
        var trialGate = risk
        var trialAccount = TrialRiskAccount(base: KernelRiskAccount(kernel: self))
        for (index, leg) in legs.enumerated() {
            let refusal: OrderReason?
            switch makeOrder(leg.request, id: nextOrderID + OrderID(index)) {
            case .failure(let reason):
                refusal = reason
            case .success(let order):
                guard let instrument = instruments[order.symbol] else { return nil }
                refusal = trialGate.check(order, instrument: instrument, account: trialAccount).reason
                trialAccount.add(order, reducing: trialGate.reducesPosition(order, account: trialAccount))
            }
            if let refusal {
                return OrderReason(code: refusal.code, message: "leg \(index + 1) (\(leg.side.rawValue) \(leg.symbol)): "
                                   + "\(refusal.message); no leg was sent", limit: refusal.limit)
            }
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

/// A kernel's risk account plus the bulk legs already checked, counted as if
/// they were open orders: a bulk order is judged as a whole.
private struct TrialRiskAccount: RiskAccount {
    let base: KernelRiskAccount
    private var pending: [Order] = []
    /// The pending legs that do not reduce a position: they add exposure.
    private var adding: [Order] = []

    init(base: KernelRiskAccount) { self.base = base }

    mutating func add(_ order: Order, reducing: Bool) {
        pending.append(order)
        if !reducing { adding.append(order) }
    }

    var nowNanoseconds: Int64 { base.nowNanoseconds }
    func position(_ symbol: String) -> Quantity { base.position(symbol) }
    func openQuantity(_ symbol: String, side: Side) -> Quantity {
        pending.reduce(base.openQuantity(symbol, side: side)) { total, order in
            order.symbol == symbol && order.side == side ? total + order.quantity : total
        }
    }
    var openOrderCount: Int { base.openOrderCount + pending.count }
    func lastPrice(_ symbol: String) -> Price? { base.lastPrice(symbol) }
    var grossExposure: Money {
        adding.reduce(base.grossExposure) { total, order in
            guard let instrument = base.kernel.instruments[order.symbol],
                  let price = order.type.referencePrice ?? base.lastPrice(order.symbol) else { return total }
            return total + instrument.notional(price, order.quantity)
        }
    }
    var realizedPnL: Money { base.realizedPnL }
    var unrealizedPnL: Money { base.unrealizedPnL }
    var cash: Money? { base.cash }
    var equity: Money? { base.equity }
    func fee(on notional: Money) -> Money { base.fee(on: notional) }

    /// The base account's projection plus the exposure of the legs before
    /// this one that add to a position (each valued at its own price).
    func projectedGrossExposure(symbol: String, side: Side, quantity: Quantity, price: Price,
                                instrument: Instrument) -> Int128 {
        adding.reduce(base.projectedGrossExposure(symbol: symbol, side: side, quantity: quantity, price: price,
                                                  instrument: instrument)) { total, order in
            total + notional(of: order)
        }
    }

    var openBuyCommitment: Int128 {
        pending.reduce(base.openBuyCommitment) { total, order in
            guard order.side == .buy else { return total }
            let notional = notional(of: order)
            return total + notional + Int128(fee(on: Money(units: Int64(clamping: notional))).units)
        }
    }

    private func notional(of order: Order) -> Int128 {
        guard let instrument = base.kernel.instruments[order.symbol],
              let price = order.type.referencePrice ?? base.lastPrice(order.symbol) else { return 0 }
        return RiskMath.value(lots: order.quantity.lots.magnitude, price: price, instrument)
    }
}
