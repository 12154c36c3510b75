import Sandbox

/// Orders from the strategy: put on the instrument grid, checked by the risk
/// gate, sent to the paper exchange; refusals become REJECTED updates.
extension DeploymentKernel {
    /// `exactQuantity` replaces the request's quantity after it is put on the
    /// grid: a close must take exactly the position's lots, which a trip
    /// through a Double may not give back.
    func submit(_ request: OrderRequest, exactQuantity: Quantity? = nil) -> OrderSubmission {
        let id = takeOrderID()
        switch makeOrder(request, id: id) {
        case .failure(let reason):
            return reject(request, id: id, reason: reason)
        case .success(var order):
            if let exactQuantity {
                order.quantity = exactQuantity
                order.sizing = .quantity(exactQuantity)
            }
            if let reason = check(order) { return reject(order, reason: reason) }
            deliveries.append(contentsOf: exchange.submit(unsized(order), now: currentTimeValue))
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
        var legPrices: [Price?] = []
        for (value, field) in [(request.takeProfit, "take_profit"), (request.stopLoss, "stop_loss")] {
            guard let value else { legPrices.append(nil); continue }
            switch checkedPrice(value, field: field, instrument) {
            case .failure(let reason): return [reject(entry, reason: reason)]
            case .success(let price): legPrices.append(price)
            }
        }
        func leg(_ type: OrderType) -> Order {
            Order(id: takeOrderID(), symbol: entry.symbol, side: entry.side.opposite, type: type,
                  timeInForce: .gtc, sizing: .quantity(entry.quantity), quantity: entry.quantity,
                  reduceOnly: true, tag: entry.tag, parentID: entry.id, createdAt: currentTimeValue)
        }
        let takeProfit = legPrices[0].map { leg(.limit($0)) }
        let stopLoss = legPrices[1].map { leg(.stop(trigger: $0)) }
        if let reason = check(entry) { return [reject(entry, reason: reason)] }
        deliveries.append(contentsOf: exchange.submitBracket(entry: unsized(entry), takeProfit: takeProfit, stopLoss: stopLoss,
                                                             now: currentTimeValue))
        return [entry.id, takeProfit?.id, stopLoss?.id].compactMap { $0 }.map { OrderSubmission(id: $0, rejection: nil) }
    }

    func cancel(_ id: OrderID) -> Bool {
        let events = exchange.cancel(id, now: currentTimeValue,
                                     reason: OrderReason(code: .canceledByStrategy, message: "canceled by the strategy"))
        deliveries.append(contentsOf: events)
        return !events.isEmpty
    }

    func cancelAll(symbol: String?) -> Int {
        let events = exchange.cancelAll(symbol: symbol, now: currentTimeValue,
                                        reason: OrderReason(code: .canceledByStrategy, message: "canceled by the strategy"))
        deliveries.append(contentsOf: events)
        return events.count
    }

    func cancelAllWorking(code: OrderReasonCode, message: String) {
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
            return OrderReason(code: .unknownOrder, message: "order \(id) is not working")
        }
        var newPrice: Price?
        var newTrigger: Price?
        var newQuantity: Quantity?
        do {
            newPrice = try price.map { value throws(OrderReason) in try checkedPrice(value, field: "price", instrument).get() }
            newTrigger = try trigger.map { value throws(OrderReason) in try checkedPrice(value, field: "trigger", instrument).get() }
            newQuantity = try quantity.map { value throws(OrderReason) in
                try checkedQuantity(value, field: "quantity", instrument).get()
            }
        } catch {
            return error
        }
        var type = order.type
        switch order.type {
        case .market:
            if price != nil || trigger != nil { return OrderReason(code: .invalidReplace, message: "a market order has no price") }
        case .limit(let old):
            if trigger != nil { return OrderReason(code: .invalidReplace, message: "a limit order has no trigger") }
            type = .limit(newPrice ?? old)
        case .stop(let old):
            if price != nil { return OrderReason(code: .invalidReplace, message: "a stop order has no limit price") }
            type = .stop(trigger: newTrigger ?? old)
        case .stopLimit(let oldTrigger, let oldLimit):
            type = .stopLimit(trigger: newTrigger ?? oldTrigger, limit: newPrice ?? oldLimit)
        }
        if let newQuantity, newQuantity.lots <= 0 {
            return OrderReason(code: .quantityTooSmall, message: "the new quantity rounds to zero lots")
        }
        var candidate = order
        candidate.type = type
        if let newQuantity { candidate.quantity = newQuantity }
        if candidate.quantity == .zero { candidate.quantity = estimatedQuantity(of: candidate) }
        if let reason = check(candidate) { return reason }
        switch exchange.replace(id, quantity: newQuantity, type: type, now: currentTimeValue) {
        case .success(let events):
            deliveries.append(contentsOf: events)
            return nil
        case .failure(let error):
            return error.reason
        }
    }

    /// Closes the whole position with a reduce-only market order. Working
    /// reduce-only orders on the closing side (a bracket's exits, a stop)
    /// protect a position the close takes away, and would only flip it once
    /// it fills; they also make the close look like more than the position
    /// to the risk gate, so under a reduce-only state or kill switch the user
    /// could not get out. So when the close would pass without them, they are
    /// canceled (`closedPosition`) and the close is sent; when it would not,
    /// they stay and the close is refused with the gate's reason.
    func close(symbol: String) -> OrderSubmission? {
        guard let position = portfolio.position(symbol), position.quantity.lots != 0,
              let instrument = instruments[symbol] else { return nil }
        let side: Side = position.quantity.lots > 0 ? .sell : .buy
        let request = OrderRequest(symbol: symbol, side: side, size: .quantity(instrument.double(position.quantity.magnitude)),
                                   tag: "close", reduceOnly: true)
        let exits = exchange.openOrders(symbol: symbol).filter { $0.reduceOnly && $0.side == side }.map(\.id)
        if !exits.isEmpty, case .success(var order) = makeOrder(request, id: nextOrderID) {
            order.quantity = position.quantity.magnitude
            var trialGate = risk
            let account = KernelRiskAccount(kernel: self, excluded: Set(exits))
            if trialGate.check(order, instrument: instrument, account: account).isAccepted {
                let reason = OrderReason(code: .closedPosition, message: "the position it protected was closed")
                for id in exits { deliveries.append(contentsOf: exchange.cancel(id, now: currentTimeValue, reason: reason)) }
            }
        }
        return submit(request, exactQuantity: position.quantity.magnitude)
    }

    // MARK: - Building and checking

    private func takeOrderID() -> OrderID {
        defer { nextOrderID += 1 }
        return nextOrderID
    }

    /// Puts a request on the instrument's grid; the reason when it cannot be.
    ///
    /// Every number from the script is range-checked against the instrument
    /// (docs/numeric-model.md, "Ranges") before it is converted. A notional or
    /// equity-fraction order carries an *estimate* of its size at the
    /// reference price (limit or trigger, else the last mark) for the risk
    /// gate; `submit` sends it to the exchange unsized, and the exchange sizes
    /// it at its fill (docs/fills.md, "Sizing at the fill").
    func makeOrder(_ request: OrderRequest, id: OrderID) -> Result<Order, OrderReason> {
        guard let instrument = instruments[request.symbol], symbols.contains(request.symbol) else {
            return .failure(OrderReason(code: .unknownSymbol,
                                        message: "'\(request.symbol.prefix(32))' is not traded by this deployment "
                                            + "(its symbols: \(symbols.joined(separator: ", ")))"))
        }
        func price(_ value: Double?, _ name: String) -> Result<Price, OrderReason> {
            checkedPrice(value ?? 0, field: name, instrument)
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
            switch checkedQuantity(units, field: "quantity", instrument) {
            case .failure(let reason): return .failure(reason)
            case .success(let value): quantity = value
            }
            sizing = .quantity(quantity)
        case .notional(let amount):
            guard amount.isFinite, amount > 0, amount <= instrument.maximumNotional.doubleValue else {
                return .failure(Self.outOfRange("notional", amount, limit: instrument.maximumNotional.description))
            }
            sizing = .notional(Money(approximately: amount))
            quantity = .zero
        case .equityFraction(let fraction):
            sizing = .equityFraction(fraction)
            quantity = .zero
        }
        if case .quantity = sizing {} else {
            // The rule the fill uses, at the reference price: what the gate
            // checks is what an unchanged price would fill.
            guard let reference else { return .failure(Self.noPriceToSize(request.symbol)) }
            quantity = estimatedQuantity(of: Order(id: id, symbol: request.symbol, side: request.side, type: type,
                                                   sizing: sizing, quantity: .zero, createdAt: currentTimeValue))
            if quantity.lots < max(instrument.minimumQuantity.lots, 1) {
                let isNotional: Bool
                if case .notional = sizing { isNotional = true } else { isNotional = false }
                return .failure(OrderReason(
                    code: isNotional ? OrderReasonCode.notionalTooSmall : OrderReasonCode.insufficientEquity,
                    message: "the order buys less than the minimum quantity \(instrument.double(instrument.minimumQuantity)) "
                        + "at \(instrument.double(reference)) (equity \(portfolio.equity.description))"))
            }
        }
        if case .quantity = sizing, quantity.lots < instrument.minimumQuantity.lots {
            return .failure(OrderReason(code: .quantityTooSmall,
                                        message: "quantity \(instrument.double(quantity)) is below the minimum \(instrument.double(instrument.minimumQuantity))",
                                        limit: "\(instrument.double(instrument.minimumQuantity))"))
        }
        if let reference, RiskMath.value(lots: quantity.lots.magnitude, price: reference, instrument)
            > Int128(instrument.maximumNotional.units) {
            return .failure(OrderReason(
                code: .notionalOutOfRange,
                message: "order notional \(instrument.double(quantity)) × \(instrument.double(reference)) exceeds the maximum "
                    + "\(instrument.maximumNotional.description) per order", limit: instrument.maximumNotional.description))
        }
        if request.reduceOnly {
            let position = portfolio.position(request.symbol)?.quantity ?? .zero
            let reduces = (request.side == .sell && position.lots > 0) || (request.side == .buy && position.lots < 0)
            guard reduces else {
                return .failure(OrderReason(code: .reduceOnlyWouldIncrease,
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

    /// A price from a script or a request, on the grid and in range.
    func checkedPrice(_ value: Double, field: String, _ instrument: Instrument) -> Result<Price, OrderReason> {
        guard let price = instrument.checkedPrice(value) else {
            return .failure(Self.outOfRange(field, value, limit: RiskDenials.text(instrument.maximumPrice, instrument)))
        }
        guard price.ticks > 0 else {
            return .failure(OrderReason(code: .invalidPrice, message: "\(field) rounds to zero ticks"))
        }
        return .success(price)
    }

    /// A quantity from a script or a request, in range (it may round to zero lots).
    func checkedQuantity(_ value: Double, field: String, _ instrument: Instrument) -> Result<Quantity, OrderReason> {
        guard let quantity = instrument.checkedQuantity(value) else {
            return .failure(Self.outOfRange(field, value, limit: RiskDenials.text(instrument.maximumQuantity, instrument)))
        }
        return .success(quantity)
    }

    static func outOfRange(_ field: String, _ value: Double, limit: String) -> OrderReason {
        let code: OrderReasonCode = field == "notional" ? .notionalOutOfRange : (field == "quantity" ? .quantityOutOfRange : .priceOutOfRange)
        return OrderReason(code: code, message: "order field '\(field)' is \(value); it must be a positive finite number "
                           + "of at most \(limit)", limit: limit)
    }

    static func noPriceToSize(_ symbol: String) -> OrderReason {
        OrderReason(code: .noReferencePrice,
                    message: "no price of \(symbol) yet to size a notional or equity order; give a quantity or wait for a bar")
    }

    /// The order as the exchange takes it: notional and equity-fraction
    /// orders unsized (quantity zero), to be sized at their fill.
    func unsized(_ order: Order) -> Order {
        if case .quantity = order.sizing { return order }
        var working = order
        working.quantity = .zero
        return working
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
/// Orders still to be sized at their fill count with their estimate;
/// `excluded` orders count as gone (what the gate would say to a close once
/// the exits it supersedes are canceled).
struct KernelRiskAccount: RiskAccount {
    unowned(unsafe) let kernel: DeploymentKernel
    var excluded: Set<OrderID> = []

    /// Whether a working order counts (one emptiness check on the usual path).
    @inline(__always)
    func counts(_ order: Order) -> Bool { excluded.isEmpty || !excluded.contains(order.id) }

    var nowNanoseconds: Int64 { kernel.currentTimeValue &* 1_000_000_000 }
    func position(_ symbol: String) -> Quantity { kernel.portfolio.position(symbol)?.quantity ?? .zero }
    func openQuantity(_ symbol: String, side: Side) -> Quantity {
        kernel.exchange.openOrders(symbol: symbol).reduce(.zero) { total, order in
            order.side == side && counts(order) ? total + kernel.remainingQuantity(of: order) : total
        }
    }
    var openOrderCount: Int { kernel.exchange.openOrders(symbol: nil).count - excluded.count }
    func lastPrice(_ symbol: String) -> Price? { kernel.portfolio.mark(of: symbol) }
    var grossExposure: Money { kernel.portfolio.grossExposure }
    var realizedPnL: Money { kernel.portfolio.realizedPnL - kernel.portfolio.fees }
    var unrealizedPnL: Money { kernel.portfolio.unrealizedPnL }
    var cash: Money? { kernel.portfolio.cash }
    var equity: Money? { kernel.portfolio.equity }
    func fee(on notional: Money) -> Money { kernel.commission.fee(notional: notional, firstFill: true) }

    func projectedGrossExposure(symbol: String, side: Side, quantity: Quantity, price: Price,
                                instrument: Instrument) -> Int128 {
        var total: Int128 = 0
        for (index, tradable) in kernel.exchange.instruments.enumerated() {
            let position = Int128(self.position(tradable.symbol).lots)
            var buys: Int128 = 0
            var sells: Int128 = 0
            for working in kernel.exchange.working[index] where !working.order.status.isTerminal && counts(working.order) {
                let remaining = Int128(kernel.remainingQuantity(of: working.order).lots)
                if working.order.side == .buy { buys += remaining } else { sells += remaining }
            }
            let isOrderSymbol = tradable.symbol == symbol
            if position == 0 && buys == 0 && sells == 0 && !isOrderSymbol { continue }
            guard let valuation = isOrderSymbol ? price : kernel.portfolio.mark(of: tradable.symbol) else { continue }
            // The order's own symbol: only the side it adds to (see `RiskAccount`).
            let worst = isOrderSymbol
                ? (position + Int128(side.sign) * ((side == .buy ? buys : sells) + Int128(quantity.lots))).magnitude
                : max((position + buys).magnitude, (position - sells).magnitude)
            total += RiskMath.value(lots: worst, price: valuation, tradable)
        }
        return total
    }

    var openBuyCommitment: Int128 {
        var total: Int128 = 0
        for (index, tradable) in kernel.exchange.instruments.enumerated() {
            for working in kernel.exchange.working[index]
            where working.order.side == .buy && !working.order.status.isTerminal && counts(working.order) {
                guard let price = working.order.type.referencePrice ?? kernel.portfolio.mark(of: tradable.symbol) else { continue }
                let notional = RiskMath.value(lots: kernel.remainingQuantity(of: working.order).lots.magnitude,
                                              price: price, tradable)
                total += notional + Int128(fee(on: Money(units: Int64(clamping: notional))).units)
            }
        }
        return total
    }
}

extension DeploymentKernel {
    /// What is left of an order, or for one still to be sized at its fill,
    /// its estimate at the reference price.
    func remainingQuantity(of order: Order) -> Quantity {
        order.quantity == .zero ? estimatedQuantity(of: order) : order.remainingQuantity
    }

    /// The size a notional or equity-fraction order would have at its limit
    /// or trigger price (else the last mark), by the rule of its fill.
    func estimatedQuantity(of order: Order) -> Quantity {
        guard let instrument = instruments[order.symbol],
              let price = order.type.referencePrice ?? portfolio.mark(of: order.symbol) else { return .zero }
        switch order.sizing {
        case .quantity(let quantity): return quantity
        case .notional(let money): return instrument.quantity(affordableWith: money, at: price)
        case .equityFraction(let fraction):
            let sizer = AccountFillSizer(commission: commission)
            sizer.isCashAccount = risk.effective.accountType?.value == .cash
            let position = portfolio.position(order.symbol)?.quantity ?? .zero
            sizer.begin(cash: portfolio.cash, equity: portfolio.equity, position: position,
                        positionValue: portfolio.mark(of: order.symbol).map { instrument.notional($0, position) } ?? .zero)
            return sizer.quantity(forEquityFraction: fraction, side: order.side, price: price,
                                  instrument: instrument, order: order)
        }
    }
}

