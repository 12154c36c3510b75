/// A routing account plus the bulk legs already checked, counted as if they
/// were open orders: a bulk order is judged as a whole
/// (`OrderRouter.firstRefusal(amongLegs:)`).
struct TrialRiskAccount: RiskAccount {
    let base: RoutingAccount
    private var pending: [Order] = []
    /// The pending legs that do not reduce a position: they add exposure.
    private var adding: [Order] = []

    /// The account with no leg counted yet.
    init(base: RoutingAccount) { self.base = base }

    /// Counts a checked leg; `reducing` legs add no exposure.
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
            guard let instrument = base.instruments[order.symbol],
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
        guard let instrument = base.instruments[order.symbol],
              let price = order.type.referencePrice ?? base.lastPrice(order.symbol) else { return 0 }
        return RiskMath.value(lots: order.quantity.lots.magnitude, price: price, instrument)
    }
}

extension OrderRouter {
    /// Checks every leg of a bulk order, each by a copy of the risk gate that
    /// counts the legs before it as open orders, without sending anything or
    /// taking ids; the first refusal with its leg's index, nil when all pass.
    func firstRefusal(amongLegs legs: [OrderRequest], portfolio: Portfolio, now: Int64) -> (leg: Int, reason: OrderReason)? {
        var trialGate = risk
        let base = account(portfolio, now: now)
        var trialAccount = TrialRiskAccount(base: base)
        for (index, leg) in legs.enumerated() {
            switch makeOrder(leg, id: nextOrderID + OrderID(index), account: base) {
            case .failure(let reason):
                return (index, reason)
            case .success(let order):
                guard let instrument = instruments[order.symbol] else { return nil }
                if let reason = trialGate.check(order, instrument: instrument, account: trialAccount).reason { return (index, reason) }
                trialAccount.add(order, reducing: trialGate.reducesPosition(order, account: trialAccount))
            }
        }
        return nil
    }
}
