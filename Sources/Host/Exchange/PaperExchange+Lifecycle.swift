/// Order state changes shared by every kind of market event: validation,
/// sizing at the fill, applying a fill, time in force after an opportunity,
/// and the bracket bookkeeping that follows a fill or an ending.
extension PaperExchange {
    // MARK: - Validation

    /// Why the exchange cannot take `order`, or nil when it can.
    func refusal(of order: Order) -> OrderReason? {
        guard instrumentIndex[order.symbol] != nil else {
            return .exchange(.unknownInstrument, "no instrument \(order.symbol) on this exchange")
        }
        if locations[order.id] != nil {
            return .exchange(.duplicateOrderID, "order \(order.id) is already working")
        }
        if order.filledQuantity != .zero {
            return .exchange(.invalidOrder, "order \(order.id) already has fills")
        }
        if let problem = Self.priceProblem(order.type) { return .exchange(.invalidOrder, problem) }
        switch order.sizing {
        case .quantity:
            if order.quantity.lots <= 0 {
                return .exchange(.invalidOrder, "quantity \(order.quantity.lots) lots is not positive")
            }
        case .notional(let notional):
            if notional.units <= 0 || order.quantity.lots < 0 {
                return .exchange(.invalidOrder, "notional \(notional.description) is not positive")
            }
        case .equityFraction(let fraction):
            if !(fraction.isFinite && fraction > 0 && fraction <= 1) || order.quantity.lots < 0 {
                return .exchange(.invalidOrder, "equity fraction \(fraction) is outside (0, 1]", limit: "1")
            }
        }
        return nil
    }

    /// Prices must be positive ticks.
    static func priceProblem(_ type: OrderType) -> String? {
        switch type {
        case .market: nil
        case .limit(let limit): limit.ticks > 0 ? nil : "limit price \(limit.ticks) ticks is not positive"
        case .stop(let trigger): trigger.ticks > 0 ? nil : "stop trigger \(trigger.ticks) ticks is not positive"
        case .stopLimit(let trigger, let limit):
            trigger.ticks > 0 && limit.ticks > 0 ? nil : "stop-limit prices must be positive"
        }
    }

    static func rejected(_ order: Order, _ reason: OrderReason, _ time: Int64) -> Order {
        var order = order
        order.status = .rejected
        order.reason = reason
        order.updatedAt = time
        return order
    }

    // MARK: - Ending

    /// Moves order `index` of `instrument` to a terminal status (if the state
    /// machine allows) and reports it. A bracket entry that ends without any
    /// fill takes its dormant legs with it.
    mutating func terminate(_ instrument: Int, _ index: Int, _ status: OrderStatus, _ reason: OrderReason,
                            time: Int64, into events: inout [ExchangeEvent]) {
        guard working[instrument][index].order.status.canMove(to: status) else { return }
        working[instrument][index].order.status = status
        working[instrument][index].order.reason = reason
        working[instrument][index].order.updatedAt = time
        hasFinishedOrders = true
        events.append(.orderUpdated(working[instrument][index].order))
        guard working[instrument][index].role == .entry,
              working[instrument][index].order.filledQuantity == .zero else { return }
        let entryID = working[instrument][index].order.id
        for leg in working[instrument].indices where isLiveLeg(instrument, leg, of: entryID) {
            let legReason = OrderReason.exchange(.parentCanceled,
                                                 "entry \(entryID) ended without a fill (\(reason.code))")
            terminate(instrument, leg, .canceled, legReason, time: time, into: &events)
        }
    }

    @inline(__always)
    func isLiveLeg(_ instrument: Int, _ index: Int, of entryID: OrderID) -> Bool {
        working[instrument][index].role.isLeg && working[instrument][index].order.parentID == entryID
            && !working[instrument][index].order.status.isTerminal
    }

    // MARK: - Sizing and filling

    /// The order's total quantity, resolving a notional or equity-fraction
    /// size at `price` on its first fill. Rejects the order and returns nil
    /// when the size comes out below the instrument's minimum.
    mutating func resolveTotal(_ instrument: Int, _ index: Int, price: Price, sizer: some FillSizer,
                               time: Int64, into events: inout [ExchangeEvent]) -> Quantity? {
        guard needsSizing(instrument, index) else { return working[instrument][index].order.quantity }
        let quantity = sizedQuantity(instrument, index, price: price, sizer: sizer)
        let minimum = max(instruments[instrument].minimumQuantity.lots, 1)
        guard quantity.lots < minimum else { return quantity }
        let isNotional: Bool
        if case .notional = working[instrument][index].order.sizing { isNotional = true } else { isNotional = false }
        let reason = OrderReason.exchange(
            isNotional ? .notionalTooSmall : .insufficientEquity,
            "sized to \(quantity.lots) lots at \(price.ticks) ticks, below the minimum of \(minimum) lots",
            limit: String(minimum))
        terminate(instrument, index, .rejected, reason, time: time, into: &events)
        return nil
    }

    @inline(__always)
    func needsSizing(_ instrument: Int, _ index: Int) -> Bool {
        guard working[instrument][index].order.quantity == .zero,
              working[instrument][index].order.filledQuantity == .zero else { return false }
        if case .quantity = working[instrument][index].order.sizing { return false }
        return true
    }

    /// What a notional or equity-fraction order comes to at `price`.
    func sizedQuantity(_ instrument: Int, _ index: Int, price: Price, sizer: some FillSizer) -> Quantity {
        let order = working[instrument][index].order
        switch order.sizing {
        case .quantity: return order.quantity
        case .notional(let notional):
            return instruments[instrument].quantity(affordableWith: notional, at: price)
        case .equityFraction(let fraction):
            return sizer.quantity(forEquityFraction: fraction, side: order.side, price: price,
                                  instrument: instruments[instrument], order: order)
        }
    }

    /// Executes `quantity` at `price` and reports the fill with its fee. The
    /// fixed fee goes on the order's first fill. `total` is the order's size
    /// (fixes a notional or equity-fraction size on its first fill).
    mutating func applyFill(_ instrument: Int, _ index: Int, price: Price, quantity: Quantity, total: Quantity,
                            time: Int64, sizer: some FillSizer, into events: inout [ExchangeEvent]) {
        let notional = instruments[instrument].notional(price, quantity)
        let fee = configuration.commission.fee(notional: notional,
                                               firstFill: working[instrument][index].order.filledQuantity == .zero)
        if working[instrument][index].order.quantity == .zero { working[instrument][index].order.quantity = total }
        working[instrument][index].order.filledQuantity += quantity
        working[instrument][index].order.filledNotional += notional
        working[instrument][index].order.status =
            working[instrument][index].order.remainingQuantity.lots <= 0 ? .filled : .partiallyFilled
        working[instrument][index].order.updatedAt = time
        if working[instrument][index].order.status == .filled { hasFinishedOrders = true }
        let order = working[instrument][index].order
        let fill = Fill(orderID: order.id, symbol: order.symbol, side: order.side, quantity: quantity, price: price,
                        fee: fee, notional: notional, time: time, tag: order.tag)
        sizer.didFill(fill)
        events.append(.filled(fill, order))
    }

    /// After an order had its chance at an event: bracket bookkeeping for
    /// what it filled, then time in force (IOC/FOK end at their first
    /// opportunity), then a plain update if only its trigger changed.
    /// Returns the index of a stop-loss leg armed by this fill, if any.
    mutating func finishOpportunity(_ instrument: Int, _ index: Int, opportunity: Bool, filled: Quantity,
                                    triggered: Bool, time: Int64,
                                    into events: inout [ExchangeEvent]) -> Int? {
        var armedStopLoss: Int?
        if filled != .zero { armedStopLoss = settleBracket(instrument, index, filled: filled, time: time, into: &events) }
        // Field reads, not a copy of the order: this runs for every working
        // order on every event of its symbol.
        let status = working[instrument][index].order.status
        guard !status.isTerminal else { return armedStopLoss }
        let unfilled = working[instrument][index].order.remainingQuantity.lots > 0
            || working[instrument][index].order.quantity == .zero
        if opportunity && unfilled {
            switch working[instrument][index].order.timeInForce {
            case .ioc:
                terminate(instrument, index, .canceled, .exchange(
                    .iocUnfilled, "the unfilled rest is canceled after the first opportunity"),
                          time: time, into: &events)
                return armedStopLoss
            case .fok:
                terminate(instrument, index, .canceled, .exchange(
                    .fokUnfilled, "could not fill completely at the first opportunity"),
                          time: time, into: &events)
                return armedStopLoss
            case .gtc, .day:
                break
            }
        }
        if triggered && filled == .zero { events.append(.orderUpdated(working[instrument][index].order)) }
        return armedStopLoss
    }
}
