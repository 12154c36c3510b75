/// The risk gate's view of the account an order is routed from: the
/// portfolio and the exchange's working orders as they are now. Orders still
/// to be sized at their fill count with their estimate; `excluded` orders
/// count as gone (what the gate would say to a close once the exits it
/// supersedes are canceled).
///
/// Built by `OrderRouter.account` for one step of one order, never per
/// event: it holds copies of two copy-on-write values (a few retains), and
/// it is let go before the exchange changes, so no storage is copied.
struct RoutingAccount: RiskAccount {
    let portfolio: Portfolio
    let exchange: PaperExchange
    let instruments: [String: Instrument]
    let commission: CommissionModel
    /// Whether the account is a cash account (equity orders are sized within cash).
    let isCashAccount: Bool
    /// The current event's time, in seconds since the epoch.
    let now: Int64
    var excluded: Set<OrderID> = []

    /// Whether a working order counts (one emptiness check on the usual path).
    @inline(__always)
    func counts(_ order: Order) -> Bool { excluded.isEmpty || !excluded.contains(order.id) }

    var nowNanoseconds: Int64 { now &* 1_000_000_000 }
    func position(_ symbol: String) -> Quantity { portfolio.position(symbol)?.quantity ?? .zero }
    func openQuantity(_ symbol: String, side: Side) -> Quantity {
        exchange.openOrders(symbol: symbol).reduce(.zero) { total, order in
            order.side == side && counts(order) ? total + remainingQuantity(of: order) : total
        }
    }
    var openOrderCount: Int { exchange.openOrders(symbol: nil).count - excluded.count }
    func lastPrice(_ symbol: String) -> Price? { portfolio.mark(of: symbol) }
    var grossExposure: Money { portfolio.grossExposure }
    var realizedPnL: Money { portfolio.realizedPnL - portfolio.fees }
    var unrealizedPnL: Money { portfolio.unrealizedPnL }
    var cash: Money? { portfolio.cash }
    var equity: Money? { portfolio.equity }
    func fee(on notional: Money) -> Money { commission.fee(notional: notional, firstFill: true) }

    func projectedGrossExposure(symbol: String, side: Side, quantity: Quantity, price: Price,
                                instrument: Instrument) -> Int128 {
        var total: Int128 = 0
        for (index, tradable) in exchange.instruments.enumerated() {
            let position = Int128(self.position(tradable.symbol).lots)
            var buys: Int128 = 0
            var sells: Int128 = 0
            for working in exchange.working[index] where !working.order.status.isTerminal && counts(working.order) {
                let remaining = Int128(remainingQuantity(of: working.order).lots)
                if working.order.side == .buy { buys += remaining } else { sells += remaining }
            }
            let isOrderSymbol = tradable.symbol == symbol
            if position == 0 && buys == 0 && sells == 0 && !isOrderSymbol { continue }
            guard let valuation = isOrderSymbol ? price : portfolio.mark(of: tradable.symbol) else { continue }
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
        for (index, tradable) in exchange.instruments.enumerated() {
            for working in exchange.working[index]
            where working.order.side == .buy && !working.order.status.isTerminal && counts(working.order) {
                guard let price = working.order.type.referencePrice ?? portfolio.mark(of: tradable.symbol) else { continue }
                let notional = RiskMath.value(lots: remainingQuantity(of: working.order).lots.magnitude, price: price, tradable)
                total += notional + Int128(fee(on: Money(units: Int64(clamping: notional))).units)
            }
        }
        return total
    }

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
            sizer.isCashAccount = isCashAccount
            let position = portfolio.position(order.symbol)?.quantity ?? .zero
            sizer.begin(cash: portfolio.cash, equity: portfolio.equity, position: position,
                        positionValue: portfolio.mark(of: order.symbol).map { instrument.notional($0, position) } ?? .zero)
            return sizer.quantity(forEquityFraction: fraction, side: order.side, price: price,
                                  instrument: instrument, order: order)
        }
    }
}
