/// The first step of routing: a request's numbers, from a script or the API,
/// range-checked against the instrument (docs/numeric-model.md, "Ranges")
/// and put on its tick and lot grid, before anything converts them.
extension OrderRouter {
    /// Puts a request on the instrument's grid; the reason when it cannot be.
    ///
    /// A notional or equity-fraction order carries an *estimate* of its size
    /// at the reference price (limit or trigger, else the last mark) for the
    /// risk gate; `submit` sends it to the exchange unsized, and the exchange
    /// sizes it at its fill (docs/fills.md, "Sizing at the fill").
    func makeOrder(_ request: OrderRequest, id: OrderID, account: RoutingAccount) -> Result<Order, OrderReason> {
        guard let instrument = instruments[request.symbol], symbols.contains(request.symbol) else {
            return .failure(OrderReason(code: .unknownSymbol,
                                        message: "'\(request.symbol.prefix(32))' is not traded by this deployment "
                                            + "(its symbols: \(symbols.joined(separator: ", ")))"))
        }
        let portfolio = account.portfolio
        func price(_ value: Double?, _ name: String) -> Result<Price, OrderReason> {
            Self.checkedPrice(value ?? 0, field: name, instrument)
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
            switch Self.checkedQuantity(units, field: "quantity", instrument) {
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
            quantity = account.estimatedQuantity(of: Order(id: id, symbol: request.symbol, side: request.side, type: type,
                                                           sizing: sizing, quantity: .zero, createdAt: account.now))
            if quantity.lots < max(instrument.minimumQuantity.lots, 1) {
                let isNotional: Bool
                if case .notional = sizing { isNotional = true } else { isNotional = false }
                return .failure(OrderReason(
                    code: isNotional ? .notionalTooSmall : .insufficientEquity,
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
                          reduceOnly: request.reduceOnly, tag: request.tag, createdAt: account.now)
        if case .quantity = sizing { order.sizing = .quantity(quantity) }
        return .success(order)
    }

    /// A price from a script or a request, on the grid and in range.
    static func checkedPrice(_ value: Double, field: String, _ instrument: Instrument) -> Result<Price, OrderReason> {
        guard let price = instrument.checkedPrice(value) else {
            return .failure(outOfRange(field, value, limit: RiskDenials.text(instrument.maximumPrice, instrument)))
        }
        guard price.ticks > 0 else {
            return .failure(OrderReason(code: .invalidPrice, message: "\(field) rounds to zero ticks"))
        }
        return .success(price)
    }

    /// A quantity from a script or a request, in range (it may round to zero lots).
    static func checkedQuantity(_ value: Double, field: String, _ instrument: Instrument) -> Result<Quantity, OrderReason> {
        guard let quantity = instrument.checkedQuantity(value) else {
            return .failure(outOfRange(field, value, limit: RiskDenials.text(instrument.maximumQuantity, instrument)))
        }
        return .success(quantity)
    }

    static func outOfRange(_ field: String, _ value: Double, limit: String) -> OrderReason {
        let code: OrderReasonCode = field == "notional" ? .notionalOutOfRange
            : (field == "quantity" ? .quantityOutOfRange : .priceOutOfRange)
        return OrderReason(code: code, message: "order field '\(field)' is \(value); it must be a positive finite number "
                           + "of at most \(limit)", limit: limit)
    }

    static func noPriceToSize(_ symbol: String) -> OrderReason {
        OrderReason(code: .noReferencePrice,
                    message: "no price of \(symbol) yet to size a notional or equity order; give a quantity or wait for a bar")
    }
}
