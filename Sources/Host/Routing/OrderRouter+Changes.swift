/// Changing what already rests on the exchange: replacing an order's price
/// or quantity, and closing a position. Both go through the same grid and
/// risk gate as a new order.
extension OrderRouter {
    /// Replaces a working order's quantity, limit price or trigger; the
    /// reason when the change is refused (the order then stays as it was).
    mutating func replace(_ id: OrderID, quantity: Double?, price: Double?, trigger: Double?, portfolio: Portfolio,
                          now: Int64, events: inout [ExchangeEvent]) -> OrderReason? {
        guard let order = exchange.order(id), let instrument = instruments[order.symbol] else {
            return OrderReason(code: .unknownOrder, message: "order \(id) is not working")
        }
        var newPrice: Price?
        var newTrigger: Price?
        var newQuantity: Quantity?
        do {
            newPrice = try price.map { value throws(OrderReason) in try Self.checkedPrice(value, field: "price", instrument).get() }
            newTrigger = try trigger.map { value throws(OrderReason) in
                try Self.checkedPrice(value, field: "trigger", instrument).get()
            }
            newQuantity = try quantity.map { value throws(OrderReason) in
                try Self.checkedQuantity(value, field: "quantity", instrument).get()
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
        if candidate.quantity == .zero { candidate.quantity = account(portfolio, now: now).estimatedQuantity(of: candidate) }
        if let reason = check(candidate, portfolio: portfolio, now: now) { return reason }
        switch exchange.replace(id, quantity: newQuantity, type: type, now: now) {
        case .success(let changes):
            events.append(contentsOf: changes)
            return nil
        case .failure(let error):
            return error.reason
        }
    }

    /// Closes the whole position with a reduce-only market order; nil when
    /// there is no position. Working reduce-only orders on the closing side
    /// (a bracket's exits, a stop) protect a position the close takes away,
    /// and would only flip it once it fills; they also make the close look
    /// like more than the position to the risk gate, so under a reduce-only
    /// state or kill switch the user could not get out. So when the close
    /// would pass without them, they are canceled (`closedPosition`) and the
    /// close is sent; when it would not, they stay and the close is refused
    /// with the gate's reason.
    mutating func close(symbol: String, portfolio: Portfolio, now: Int64, events: inout [ExchangeEvent]) -> OrderSubmission? {
        guard let position = portfolio.position(symbol), position.quantity.lots != 0,
              let instrument = instruments[symbol] else { return nil }
        let side: Side = position.quantity.lots > 0 ? .sell : .buy
        let request = OrderRequest(symbol: symbol, side: side, size: .quantity(instrument.double(position.quantity.magnitude)),
                                   tag: "close", reduceOnly: true)
        let exits = exchange.openOrders(symbol: symbol).filter { $0.reduceOnly && $0.side == side }.map(\.id)
        if !exits.isEmpty && closeWouldPass(request, exactQuantity: position.quantity.magnitude, without: exits,
                                            instrument: instrument, portfolio: portfolio, now: now) {
            let reason = OrderReason(code: .closedPosition, message: "the position it protected was closed")
            for id in exits { events.append(contentsOf: exchange.cancel(id, now: now, reason: reason)) }
        }
        return submit(request, exactQuantity: position.quantity.magnitude, portfolio: portfolio, now: now, events: &events)
    }

    /// Whether a copy of the risk gate would accept the close with `exits`
    /// canceled (nothing is recorded: the copy is thrown away).
    private func closeWouldPass(_ request: OrderRequest, exactQuantity: Quantity, without exits: [OrderID],
                                instrument: Instrument, portfolio: Portfolio, now: Int64) -> Bool {
        guard case .success(var order) = makeOrder(request, id: nextOrderID, account: account(portfolio, now: now)) else {
            return false
        }
        order.quantity = exactQuantity
        var trialGate = risk
        return trialGate.check(order, instrument: instrument,
                               account: account(portfolio, now: now, excluding: Set(exits))).isAccepted
    }
}
