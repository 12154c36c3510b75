import Sandbox

/// Orders from the strategy: put on the instrument grid, checked by the risk
/// gate, sent to the paper exchange; refusals become REJECTED updates.
extension DeploymentKernel {
    func submit(_ request: OrderRequest) -> OrderSubmission {
        let id = takeOrderID()
        switch makeOrder(request, id: id) {
        case .failure(let reason):
            return reject(request, id: id, reason: reason)
        case .success(let order):
            if let reason = check(order) { return reject(order, reason: reason) }
            deliveries.append(contentsOf: exchange.submit(order, now: currentTimeValue))
            return OrderSubmission(id: id, rejection: nil)
        }
    }

    func submitBracket(_ request: BracketRequest) -> [OrderSubmission] {
        let entryID = takeOrderID()
        let entry: Order
        switch makeOrder(request.entry, id: entryID) {
        case .failure(let reason): return [reject(request.entry, id: entryID, reason: reason)]
        case .success(let order): entry = order
        }
        guard let instrument = instruments[entry.symbol] else { return [] }
        func leg(_ type: OrderType) -> Order {
            Order(id: takeOrderID(), symbol: entry.symbol, side: entry.side.opposite, type: type,
                  timeInForce: .gtc, sizing: .quantity(entry.quantity), quantity: entry.quantity,
                  reduceOnly: true, tag: entry.tag, parentID: entry.id, createdAt: currentTimeValue)
        }
        let takeProfit = request.takeProfit.map { leg(.limit(instrument.price($0))) }
        let stopLoss = request.stopLoss.map { leg(.stop(trigger: instrument.price($0))) }
        if let reason = check(entry) { return [reject(entry, reason: reason)] }
        deliveries.append(contentsOf: exchange.submitBracket(entry: entry, takeProfit: takeProfit, stopLoss: stopLoss,
                                                             now: currentTimeValue))
        return [entry.id, takeProfit?.id, stopLoss?.id].compactMap { $0 }.map { OrderSubmission(id: $0, rejection: nil) }
    }

    func cancel(_ id: OrderID) -> Bool {
        let events = exchange.cancel(id, now: currentTimeValue,
                                     reason: OrderReason(code: "canceledByStrategy", message: "canceled by the strategy"))
        deliveries.append(contentsOf: events)
        return !events.isEmpty
    }

    func cancelAll(symbol: String?) -> Int {
        let events = exchange.cancelAll(symbol: symbol, now: currentTimeValue,
                                        reason: OrderReason(code: "canceledByStrategy", message: "canceled by the strategy"))
        deliveries.append(contentsOf: events)
        return events.count
    }

    func cancelAllWorking(code: String, message: String) {
        deliveries.append(contentsOf: exchange.cancelAll(symbol: nil, now: currentTimeValue,
                                                         reason: OrderReason(code: code, message: message)))
        // Cancellations are recorded and observed even when the strategy no
        // longer runs (faulted): absorb them without callbacks.
        if status.isFaulted {
            for event in deliveries { notify(.order(event.order)) }
            deliveries.removeAll()
        }
    }

    func replace(_ id: OrderID, quantity: Double?, price: Double?, trigger: Double?) -> OrderReason? {
        guard let order = exchange.order(id), let instrument = instruments[order.symbol] else {
            return OrderReason(code: "unknownOrder", message: "order \(id) is not working")
        }
        var type = order.type
        switch order.type {
        case .market:
            if price != nil || trigger != nil { return OrderReason(code: "invalidReplace", message: "a market order has no price") }
        case .limit(let old):
            if trigger != nil { return OrderReason(code: "invalidReplace", message: "a limit order has no trigger") }
            type = .limit(price.map(instrument.price) ?? old)
        case .stop(let old):
            if price != nil { return OrderReason(code: "invalidReplace", message: "a stop order has no limit price") }
            type = .stop(trigger: trigger.map(instrument.price) ?? old)
        case .stopLimit(let oldTrigger, let oldLimit):
            type = .stopLimit(trigger: trigger.map(instrument.price) ?? oldTrigger, limit: price.map(instrument.price) ?? oldLimit)
        }
        let newQuantity = quantity.map(instrument.quantity)
        if let newQuantity, newQuantity.lots <= 0 {
            return OrderReason(code: "quantityTooSmall", message: "the new quantity rounds to zero lots")
        }
        var candidate = order
        candidate.type = type
        if let newQuantity { candidate.quantity = newQuantity }
        if let reason = check(candidate) { return reason }
        switch exchange.replace(id, quantity: newQuantity, type: type, now: currentTimeValue) {
        case .success(let events):
            deliveries.append(contentsOf: events)
            return nil
        case .failure(let error):
            return error.reason
        }
    }

    func close(symbol: String) -> OrderSubmission? {
        guard let position = portfolio.position(symbol), position.quantity.lots != 0,
              let instrument = instruments[symbol] else { return nil }
        let request = OrderRequest(symbol: symbol, side: position.quantity.lots > 0 ? .sell : .buy,
                                   size: .quantity(instrument.double(position.quantity.magnitude)),
                                   tag: "close", reduceOnly: true)
        return submit(request)
    }

    // MARK: - Building and checking

    private func takeOrderID() -> OrderID {
        defer { nextOrderID += 1 }
        return nextOrderID
    }

    /// Puts a request on the instrument's grid; the reason when it cannot be.
    func makeOrder(_ request: OrderRequest, id: OrderID) -> Result<Order, OrderReason> {
        guard let instrument = instruments[request.symbol] else {
            return .failure(OrderReason(code: "unknownSymbol", message: "'\(request.symbol)' is not traded by this deployment"))
        }
        func price(_ value: Double?, _ name: String) -> Result<Price, OrderReason> {
            let ticks = instrument.price(value ?? 0)
            guard ticks.ticks > 0 else {
                return .failure(OrderReason(code: "invalidPrice", message: "\(name) rounds to zero ticks"))
            }
            return .success(ticks)
        }
        let type: OrderType
        do {
            switch request.kind {
            case .market: type = .market
            case .limit: type = .limit(try price(request.price, "price").get())
            case .stop: type = .stop(trigger: try price(request.trigger, "trigger").get())
            case .stopLimit:
                type = .stopLimit(trigger: try price(request.trigger, "trigger").get(), limit: try price(request.price, "price").get())
            }
        } catch {
            return .failure(error)
        }
        let reference = type.referencePrice ?? portfolio.mark(of: request.symbol)
        var quantity: Quantity
        let sizing: OrderSizing
        switch request.size {
        case .quantity(let units):
            quantity = instrument.quantity(units)
            sizing = .quantity(quantity)
        case .notional(let amount):
            let money = Money(approximately: amount)
            sizing = .notional(money)
            quantity = reference.map { instrument.quantity(affordableWith: money, at: $0) } ?? .zero
        case .equityFraction(let fraction):
            sizing = .equityFraction(fraction)
            let budget = Money(approximately: portfolio.equity.doubleValue * fraction)
            quantity = reference.map { instrument.quantity(affordableWith: budget, at: $0) } ?? .zero
        }
        if case .quantity = sizing, quantity.lots < instrument.minimumQuantity.lots {
            return .failure(OrderReason(code: "quantityTooSmall",
                                        message: "quantity \(instrument.double(quantity)) is below the minimum \(instrument.double(instrument.minimumQuantity))",
                                        limit: "\(instrument.double(instrument.minimumQuantity))"))
        }
        if request.reduceOnly {
            let position = portfolio.position(request.symbol)?.quantity ?? .zero
            let reduces = (request.side == .sell && position.lots > 0) || (request.side == .buy && position.lots < 0)
            guard reduces else {
                return .failure(OrderReason(code: "reduceOnlyWouldIncrease",
                                            message: "a reduce-only \(request.side.rawValue) needs an opposite position"))
            }
            if case .quantity = sizing, quantity > position.magnitude {
                quantity = position.magnitude
            }
        }
        var order = Order(id: id, symbol: request.symbol, side: request.side, type: type,
                          timeInForce: request.timeInForce, sizing: sizing, quantity: quantity,
                          reduceOnly: request.reduceOnly, tag: request.tag, createdAt: currentTimeValue)
        if case .quantity = sizing { order.sizing = .quantity(quantity) }
        return .success(order)
    }

    /// The risk gate; a denial is recorded by the engine.
    func check(_ order: Order) -> OrderReason? {
        guard let instrument = instruments[order.symbol] else { return nil }
        return risk.check(order, instrument: instrument, account: KernelRiskAccount(kernel: self)).reason
    }

    /// Records a refusal and queues its REJECTED update.
    func reject(_ order: Order, reason: OrderReason) -> OrderSubmission {
        var rejected = order
        rejected.status = .rejected
        rejected.reason = reason
        rejected.updatedAt = currentTimeValue
        rejectedHistory.append(rejected)
        deliveries.append(.orderUpdated(rejected))
        return OrderSubmission(id: order.id, rejection: reason)
    }

    private func reject(_ request: OrderRequest, id: OrderID, reason: OrderReason) -> OrderSubmission {
        let order = Order(id: id, symbol: request.symbol, side: request.side, type: .market, timeInForce: request.timeInForce,
                          sizing: .quantity(.zero), quantity: .zero, reduceOnly: request.reduceOnly, tag: request.tag,
                          createdAt: currentTimeValue)
        return reject(order, reason: reason)
    }

    /// After fills and marks: the daily loss limit may halt the deployment.
    func checkLossLimit() {
        guard let action = risk.evaluateLoss(account: KernelRiskAccount(kernel: self)) else { return }
        switch action {
        case .halt(let reason):
            status = .halted(reason: reason.message)
            appendLog(level: "warn", message: "halted by the risk gate: \(reason.message)")
            deliveries.append(contentsOf: exchange.cancelAll(symbol: nil, now: currentTimeValue, reason: reason))
            notify(.status(status))
        }
    }
}

/// The risk engine's view of a kernel's account, answered from the portfolio
/// and the exchange in place (a reference to the kernel: copying those
/// structs for every order and event would retain all their storage).
struct KernelRiskAccount: RiskAccount {
    unowned(unsafe) let kernel: DeploymentKernel

    var nowNanoseconds: Int64 { kernel.currentTimeValue &* 1_000_000_000 }
    func position(_ symbol: String) -> Quantity { kernel.portfolio.position(symbol)?.quantity ?? .zero }
    func openQuantity(_ symbol: String, side: Side) -> Quantity {
        kernel.exchange.openOrders(symbol: symbol).reduce(.zero) { total, order in
            order.side == side ? total + order.remainingQuantity : total
        }
    }
    var openOrderCount: Int { kernel.exchange.openOrders(symbol: nil).count }
    func lastPrice(_ symbol: String) -> Price? { kernel.portfolio.mark(of: symbol) }
    var grossExposure: Money { kernel.portfolio.grossExposure }
    var realizedPnL: Money { kernel.portfolio.realizedPnL - kernel.portfolio.fees }
    var unrealizedPnL: Money { kernel.portfolio.unrealizedPnL }
}
