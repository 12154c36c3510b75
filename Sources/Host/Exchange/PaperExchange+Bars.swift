/// Matching against bars and trades (docs/fills.md, "Bars" and "Trades").
extension PaperExchange {
    /// Matches the working orders of `symbol` against `bar`, appending what
    /// happens to `events` (reuse one buffer: nothing is allocated when no
    /// order fills). An order is matched only if the bar was delivered after
    /// the order was submitted and opened at or after the submission time
    /// (`bar.time ≥ now`), so an order placed while handling bar B — at B's
    /// close — fills at the earliest at the next bar's open. DAY orders of
    /// an earlier UTC day expire before the bar is matched.
    public mutating func match(_ bar: Bar, symbol: String, sizer: some FillSizer,
                               into events: inout [ExchangeEvent]) {
        eventSequence &+= 1
        guard let instrument = workingInstrument(symbol) else { return }
        for index in working[instrument].indices {
            guard prepare(instrument, index, time: bar.time, into: &events) else { continue }
            matchBar(instrument, index, bar, open: bar.open, sizer: sizer, into: &events)
        }
        removeFinished(instrument)
    }

    /// Matches the working orders of `symbol` against one printed trade.
    /// Every order type prices as on a bar whose open, high and low are the
    /// trade price; fills are capped by the trade's size, which this
    /// exchange's buys share in matching priority (and its sells likewise).
    public mutating func match(_ trade: Trade, symbol: String, sizer: some FillSizer,
                               into events: inout [ExchangeEvent]) {
        eventSequence &+= 1
        guard let instrument = workingInstrument(symbol) else { return }
        // What is left of the print for this exchange's buys and for its sells.
        var forBuys = trade.quantity
        var forSells = trade.quantity
        for index in working[instrument].indices {
            guard prepare(instrument, index, time: trade.time, into: &events) else { continue }
            if working[instrument][index].order.side == .buy {
                matchTrade(instrument, index, trade, available: &forBuys, sizer: sizer, into: &events)
            } else {
                matchTrade(instrument, index, trade, available: &forSells, sizer: sizer, into: &events)
            }
        }
        removeFinished(instrument)
    }

    /// Expires a stale DAY order and says whether the order takes part in
    /// the current event.
    @inline(__always)
    mutating func prepare(_ instrument: Int, _ index: Int, time: Int64,
                          into events: inout [ExchangeEvent]) -> Bool {
        // An earlier order's fill may have ended this one (one-cancels-other).
        guard !working[instrument][index].order.status.isTerminal else { return false }
        if working[instrument][index].order.timeInForce == .day,
           WorkingOrder.utcDay(time) > WorkingOrder.utcDay(working[instrument][index].order.createdAt) {
            terminate(instrument, index, .expired, .exchange(
                .dayExpired, "DAY order created on an earlier UTC day"), time: time, into: &events)
            return false
        }
        // Delivered after the order was submitted (or armed), stamped at or
        // after its submission time; bracket legs only once armed.
        return eventSequence > working[instrument][index].armedSequence
            && time >= working[instrument][index].eligibleFrom
            && (working[instrument][index].armed || !working[instrument][index].role.isLeg)
    }

    /// Whether the order executes when its price is met (market, limit, or a
    /// stop whose trigger has traded), as opposed to waiting for a trigger.
    @inline(__always)
    func isLive(_ instrument: Int, _ index: Int) -> Bool {
        switch working[instrument][index].order.type {
        case .market, .limit: true
        case .stop, .stopLimit: working[instrument][index].order.triggered
        }
    }

    /// One order against one bar whose first price is `open` (the bar's open,
    /// or the entry's fill price when checking a just-armed stop-loss).
    mutating func matchBar(_ instrument: Int, _ index: Int, _ bar: Bar, open: Price, sizer: some FillSizer,
                           into events: inout [ExchangeEvent]) {
        let wasLive = isLive(instrument, index)
        let side = working[instrument][index].order.side
        let decision = FillRule.evaluate(working[instrument][index].order.type, side: side,
                                         triggered: working[instrument][index].order.triggered,
                                         open: open, high: bar.high, low: bar.low)
        if decision.triggers { markTriggered(instrument, index, time: bar.time) }
        var filled = Quantity.zero
        if let marketPrice = decision.price {
            let price = decision.aggressive ? configuration.slippage.adjust(marketPrice, side: side) : marketPrice
            guard let total = resolveTotal(instrument, index, price: price, sizer: sizer,
                                           time: bar.time, into: &events) else { return }
            let remaining = total - working[instrument][index].order.filledQuantity
            var quantity = remaining
            if let cap = configuration.barCap(bar), cap < quantity { quantity = cap }
            if working[instrument][index].order.timeInForce == .fok && quantity < remaining {
                quantity = .zero  // finishOpportunity cancels it: nothing partial for FOK
            }
            if quantity.lots > 0 {
                applyFill(instrument, index, price: price, quantity: quantity, total: total,
                          time: bar.time, sizer: sizer, into: &events)
                filled = quantity
            }
        }
        let armedStopLoss = finishOpportunity(instrument, index, opportunity: wasLive || decision.triggers,
                                              filled: filled, triggered: decision.triggers,
                                              time: bar.time, into: &events)
        // The entry filled inside this bar at `marketPrice`; the rest of the
        // bar may already have reached the new stop-loss.
        if let leg = armedStopLoss, let marketPrice = decision.price {
            matchBar(instrument, leg, bar, open: marketPrice, sizer: sizer, into: &events)
        }
    }

    mutating func matchTrade(_ instrument: Int, _ index: Int, _ trade: Trade, available: inout Quantity,
                             sizer: some FillSizer, into events: inout [ExchangeEvent]) {
        let wasLive = isLive(instrument, index)
        let side = working[instrument][index].order.side
        let decision = FillRule.evaluate(working[instrument][index].order.type, side: side,
                                         triggered: working[instrument][index].order.triggered,
                                         open: trade.price, high: trade.price, low: trade.price)
        if decision.triggers { markTriggered(instrument, index, time: trade.time) }
        var filled = Quantity.zero
        if let marketPrice = decision.price {
            let price = decision.aggressive ? configuration.slippage.adjust(marketPrice, side: side) : marketPrice
            guard let total = resolveTotal(instrument, index, price: price, sizer: sizer,
                                           time: trade.time, into: &events) else { return }
            let remaining = total - working[instrument][index].order.filledQuantity
            var quantity = min(remaining, max(available, .zero))
            if working[instrument][index].order.timeInForce == .fok && quantity < remaining { quantity = .zero }
            if quantity.lots > 0 {
                applyFill(instrument, index, price: price, quantity: quantity, total: total,
                          time: trade.time, sizer: sizer, into: &events)
                available -= quantity
                filled = quantity
            }
        }
        // Legs armed by a trade go live from the next event.
        _ = finishOpportunity(instrument, index, opportunity: wasLive || decision.triggers, filled: filled,
                              triggered: decision.triggers, time: trade.time, into: &events)
    }

    @inline(__always)
    mutating func markTriggered(_ instrument: Int, _ index: Int, time: Int64) {
        working[instrument][index].order.triggered = true
        working[instrument][index].order.updatedAt = time
    }
}
