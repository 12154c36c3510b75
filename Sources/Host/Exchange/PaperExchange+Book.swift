/// Matching against order-book snapshots (docs/fills.md, "Books").
extension PaperExchange {
    /// Matches the working orders of `symbol` against a book snapshot. Buys
    /// take the asks and sells the bids, best level first, each level a
    /// separate fill at its own price, limits only at levels at or better
    /// than their limit. Stops trigger on the touch (buy: best ask at or
    /// above the trigger; sell: best bid at or below). Book fills take no
    /// slippage: the walk is the price impact.
    ///
    /// Each snapshot is fresh liquidity: what this exchange's orders took
    /// from one snapshot is not remembered in the next. Within a snapshot,
    /// orders in matching priority share its depth.
    public mutating func match(_ book: BookSnapshot, symbol: String, sizer: some FillSizer,
                               into events: inout [ExchangeEvent]) {
        eventSequence &+= 1
        guard let instrument = workingInstrument(symbol) else { return }
        // Depth already taken from the best level outwards by earlier orders.
        var takenAsks = Quantity.zero
        var takenBids = Quantity.zero
        for index in working[instrument].indices {
            guard prepare(instrument, index, time: book.time, into: &events) else { continue }
            if working[instrument][index].order.side == .buy {
                matchBook(instrument, index, levels: book.asks, taken: &takenAsks, time: book.time,
                          sizer: sizer, into: &events)
            } else {
                matchBook(instrument, index, levels: book.bids, taken: &takenBids, time: book.time,
                          sizer: sizer, into: &events)
            }
        }
        removeFinished(instrument)
    }

    mutating func matchBook(_ instrument: Int, _ index: Int, levels: [BookLevel], taken: inout Quantity, time: Int64,
                            sizer: some FillSizer, into events: inout [ExchangeEvent]) {
        let wasLive = isLive(instrument, index)
        let type = working[instrument][index].order.type
        let side = working[instrument][index].order.side
        let touch = Self.firstPrice(levels, skipping: taken)
        var decision = FillDecision.none
        var filled = Quantity.zero
        if let touch {
            decision = FillRule.evaluate(type, side: side, triggered: working[instrument][index].order.triggered,
                                         open: touch, high: touch, low: touch)
            if decision.triggers { markTriggered(instrument, index, time: time) }
        }
        if let touch, decision.price != nil {
            let bound = Self.limitPrice(type)
            var sizingPrice = touch
            if needsSizing(instrument, index) {
                // Size at the worst level the first estimate would reach, so
                // an all-in buy that walks the book does not overspend.
                let estimate = sizedQuantity(instrument, index, price: touch, sizer: sizer)
                sizingPrice = Self.worstPrice(levels, skipping: taken, side: side, bound: bound,
                                              quantity: estimate) ?? touch
            }
            guard let total = resolveTotal(instrument, index, price: sizingPrice, sizer: sizer,
                                           time: time, into: &events) else { return }
            var remaining = total - working[instrument][index].order.filledQuantity
            if working[instrument][index].order.timeInForce == .fok,
               Self.depth(levels, skipping: taken, side: side, bound: bound) < remaining {
                remaining = .zero  // finishOpportunity cancels it: nothing partial for FOK
            }
            var skip = taken.lots
            for level in levels where remaining.lots > 0 && level.quantity.lots > 0 {
                guard Self.within(level.price, bound, side: side) else { break }
                let skipped = min(skip, level.quantity.lots)
                skip -= skipped
                let usable = level.quantity.lots - skipped
                guard usable > 0 else { continue }
                let quantity = Quantity(lots: min(usable, remaining.lots))
                applyFill(instrument, index, price: level.price, quantity: quantity, total: total,
                          time: time, sizer: sizer, into: &events)
                remaining -= quantity
                filled += quantity
                taken += quantity
            }
        }
        // Legs armed by a book fill go live from the next event.
        _ = finishOpportunity(instrument, index, opportunity: wasLive || decision.triggers, filled: filled,
                              triggered: decision.triggers, time: time, into: &events)
    }

    static func limitPrice(_ type: OrderType) -> Price? {
        switch type {
        case .market, .stop: nil
        case .limit(let limit), .stopLimit(_, let limit): limit
        }
    }

    @inline(__always)
    static func within(_ price: Price, _ bound: Price?, side: Side) -> Bool {
        guard let bound else { return true }
        return side == .buy ? price <= bound : price >= bound
    }

    /// The price of the first level with depth left after `skipping`.
    static func firstPrice(_ levels: [BookLevel], skipping taken: Quantity) -> Price? {
        var skip = taken.lots
        for level in levels where level.quantity.lots > 0 {
            if skip >= level.quantity.lots { skip -= level.quantity.lots; continue }
            return level.price
        }
        return nil
    }

    /// Depth within `bound` left after `skipping`.
    static func depth(_ levels: [BookLevel], skipping taken: Quantity, side: Side, bound: Price?) -> Quantity {
        var skip = taken.lots
        var total: Int64 = 0
        for level in levels where level.quantity.lots > 0 {
            guard within(level.price, bound, side: side) else { break }
            let skipped = min(skip, level.quantity.lots)
            skip -= skipped
            total += level.quantity.lots - skipped
        }
        return Quantity(lots: total)
    }

    /// The last level price a walk of `quantity` within `bound` reaches.
    static func worstPrice(_ levels: [BookLevel], skipping taken: Quantity, side: Side, bound: Price?,
                           quantity: Quantity) -> Price? {
        var skip = taken.lots
        var left = quantity.lots
        var worst: Price?
        for level in levels where level.quantity.lots > 0 && left > 0 {
            guard within(level.price, bound, side: side) else { break }
            let skipped = min(skip, level.quantity.lots)
            skip -= skipped
            let usable = level.quantity.lots - skipped
            guard usable > 0 else { continue }
            worst = level.price
            left -= min(usable, left)
        }
        return worst
    }
}
