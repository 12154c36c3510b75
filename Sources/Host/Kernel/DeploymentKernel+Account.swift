import Sandbox

/// Fills into the portfolio, updates to the strategy, and the account as the
/// strategy sees it.
extension DeploymentKernel {
    /// Applies the fills among exchange events to the portfolio at once (so
    /// the account is current in every callback) and queues all of them for
    /// delivery.
    func absorb(_ events: [ExchangeEvent]) {
        for event in events {
            if let fill = event.fill {
                guard let index = portfolio.index(of: fill.symbol), portfolio.canApply(fill, at: index) else {
                    fault("numeric overflow: a fill of \(fill.quantity.lots) lots of \(fill.symbol) at \(fill.price.ticks) ticks "
                          + "would take the account beyond the numeric model's range (docs/numeric-model.md)")
                    return
                }
                portfolio.apply(fill, at: index)
                fillCount += 1
            }
        }
        deliveries.append(contentsOf: events)
    }

    /// Delivers queued updates in order: `on_order` for each status change,
    /// then `on_fill` for a fill. Orders placed by these callbacks queue more
    /// updates, delivered in the same loop. Fills were applied to the
    /// portfolio by `absorb` already (the exchange never fills on submission).
    func deliverPending() {
        if deliveries.isEmpty { return }  // most events: nothing to deliver
        var index = 0
        while index < deliveries.count {
            let event = deliveries[index]
            index += 1
            // Only built for an observer: a backtest without one would copy
            // each order and fill into a notification for nothing.
            if observer != nil {
                notify(.order(event.order))
                if let fill = event.fill { notify(.fill(fill)) }
            }
            guard acceptsEvents else { continue }
            if let onOrder = callbacks.onOrder { invoke(onOrder) { self.appendOrder(event.order, to: &$0) } }
            if let fill = event.fill, let onFill = callbacks.onFill {
                invoke(onFill) { self.appendFill(fill, to: &$0) }
            }
        }
        deliveries.removeAll(keepingCapacity: true)
    }

    private func appendOrder(_ order: Order, to arguments: inout CallArguments) {
        let instrument = instruments[order.symbol]
        func price(_ value: Price?) -> Double? { value.flatMap { instrument?.double($0) } }
        var limit: Price?
        var trigger: Price?
        switch order.type {
        case .market: break
        case .limit(let value): limit = value
        case .stop(let value): trigger = value
        case .stopLimit(let triggerValue, let limitValue):
            trigger = triggerValue
            limit = limitValue
        }
        let average: Double? = order.filledQuantity.lots > 0 && instrument != nil
            ? order.filledNotional.doubleValue / instrument!.double(order.filledQuantity) : nil
        arguments.append(eventArguments.context)
        arguments.appendRecord(eventArguments.order) { record in
            record.integer(order.id)
            record.string(order.symbol)
            record.string(order.side.rawValue)
            record.string(order.type.name)
            record.string(order.status.rawValue)
            record.number(instrument.map { $0.double(order.quantity) } ?? 0)
            record.number(instrument.map { $0.double(order.filledQuantity) } ?? 0)
            record.number(price(limit))
            record.number(price(trigger))
            record.string(order.timeInForce.rawValue)
            record.string(order.tag)
            record.number(average)
            record.string(order.reason?.code.rawValue)
            record.string(order.reason?.message)
            record.string(order.reason?.limit)
        }
    }

    private func appendFill(_ fill: Fill, to arguments: inout CallArguments) {
        guard let instrument = instruments[fill.symbol] else { return }
        arguments.append(eventArguments.context)
        arguments.appendRecord(eventArguments.fill) { record in
            record.integer(fill.orderID)
            record.string(fill.symbol)
            record.string(fill.side.rawValue)
            record.number(instrument.double(fill.quantity))
            record.number(instrument.double(fill.price))
            record.number(fill.fee.doubleValue)
            record.integer(fill.time)
            record.string(fill.tag)
        }
    }

    // MARK: - The account as Lua values

    func positionValue(symbol: String) -> LuaValue {
        guard let instrument = instruments[symbol] else { return .nil }
        return PositionFields(symbol: symbol, instrument: instrument, portfolio: portfolio).luaValue
    }

    /// `ctx.position(symbol)` from the Swift body: the answer, which is then
    /// published for the symbol's scope (its bar series) so later calls are
    /// answered in C until the portfolio next changes
    /// (`PublishedAnswers.positionAnswered`).
    /// The answer is that entry itself when it could be published (the
    /// trampoline pushes it from C memory: no `LuaValue` table, no sorted
    /// keys, no results tape), else the table as a value.
    func answerPosition(symbol: String) -> PositionAnswer {
        guard let instrument = instruments[symbol] else { return .value(.nil) }
        let fields = PositionFields(symbol: symbol, instrument: instrument, portfolio: portfolio)
        var answer: PublishedResult?
        if let entry = published.position(of: symbol) {
            if PublishedAnswers.publish(fields, to: entry, keys: published.positionKeys, in: sandbox) { answer = entry }
        } else if let series = indicators.id(for: symbol) {
            answer = published.positionAnswered(fields, instrument: instrument, series: series.index, sandbox: sandbox)
        }
        if let answer, !answersPositionsAsValues { return .published(answer) }
        return .value(fields.luaValue)
    }

    /// Withdraws every published position after the portfolio changed (the
    /// only input of a position's answer besides its fixed instrument):
    /// one store each, so a portfolio change on every bar costs next to
    /// nothing; the next call of each then runs the body, which republishes.
    func withdrawPositions() {
        for entry in published.positions { sandbox.publishUnavailable(entry.result) }
    }

    func positionsValue() -> LuaValue {
        .array(portfolio.openPositions.map { positionValue(symbol: $0.symbol) })
    }

    func openOrdersValue(symbol: String?) -> LuaValue {
        .array(router.exchange.openOrders(symbol: symbol).map { order in
            let instrument = instruments[order.symbol]
            var fields: [String: LuaValue] = [
                "id": .integer(order.id), "symbol": .string(order.symbol), "side": .string(order.side.rawValue),
                "type": .string(order.type.name), "status": .string(order.status.rawValue),
                "quantity": .number(instrument.map { $0.double(order.quantity) } ?? 0),
                "filled": .number(instrument.map { $0.double(order.filledQuantity) } ?? 0),
                "tif": .string(order.timeInForce.rawValue),
            ]
            if let tag = order.tag { fields["tag"] = .string(tag) }
            if let price = order.type.referencePrice, let instrument { fields["price"] = .number(instrument.double(price)) }
            return .table(fields)
        })
    }

    // MARK: - Subscriptions, timers, indicators

    func subscribe(symbol: String, kinds: [SubscriptionKind]) throws(HostCallError) {
        guard symbols.contains(symbol) else {
            throw .failed("'\(symbol.prefix(32))' is not one of this deployment's symbols (\(symbols.joined(separator: ", ")))")
        }
        guard instruments[symbol] != nil else {
            throw .failed("'\(symbol)' is not traded by this deployment (known: \(instruments.keys.sorted().joined(separator: ", ")))")
        }
        subscriptions[symbol, default: []].formUnion(kinds)
        _ = indicators.addSymbol(symbol)
    }

    func setTimer(name: String, seconds: Double, repeating: Bool) throws(HostCallError) {
        try timers.add(name: name, seconds: seconds, repeating: repeating, now: currentTimeValue)
    }

    func cancelTimer(name: String) -> Bool { timers.cancel(name: name) }

    /// Runs `on_timer` for each timer due at or before `time`, in the
    /// schedule's order, at the timer's own time (`TimerSchedule.takeNext`).
    func fireTimers(upTo time: Int64) {
        guard !timers.isEmpty else { return }
        while acceptsEvents, let timer = timers.takeNext(dueBy: time) {
            currentTimeValue = timer.due
            sandbox.setClock(.manual(Double(timer.due)))
            if let onTimer = callbacks.onTimer {
                invoke(onTimer) { arguments in
                    arguments.append(self.eventArguments.context)
                    try? arguments.append(.string(timer.name))
                }
            }
            deliverPending()
        }
    }

    /// `symbol` nil: the current event's symbol, through the event's cached
    /// series when it has one (no string comparison on the common path).
    func indicator(_ kind: IndicatorKind, symbol: String?, parameters: IndicatorParameters) throws(HostCallError) -> IndicatorValue? {
        func period(_ index: Int, _ fallback: Int) throws(HostCallError) -> Int {
            guard index < parameters.count else { return fallback }
            let value = parameters[index]
            guard value == value.rounded(), let integer = Int(exactly: value) else {
                throw .badArgument(position: index + 1, reason: "period must be a whole number")
            }
            return integer
        }
        let request: IndicatorRequest
        switch kind {
        case .sma: request = .sma(period: try period(0, 0))
        case .ema: request = .ema(period: try period(0, 0))
        case .rsi: request = .rsi(period: try period(0, 14))
        case .macd: request = .macd(fast: try period(0, 12), slow: try period(1, 26), signal: try period(2, 9))
        case .bollinger: request = .bollinger(period: try period(0, 20), k: parameters.count > 1 ? parameters[1] : 2)
        case .atr: request = .atr(period: try period(0, 14))
        case .highest: request = .highest(period: try period(0, 0))
        case .lowest: request = .lowest(period: try period(0, 0))
        case .stdev: request = .stdev(period: try period(0, 0))
        case .roc: request = .roc(period: try period(0, 0))
        }
        let series: IndicatorSet.SeriesID
        if symbol == nil, symbolCache.symbol != nil, let cached = symbolCache.series {
            series = cached
        } else {
            guard let name = symbol ?? currentSymbolValue else { throw .failed("needs a symbol (no current event)") }
            guard let found = indicators.id(for: name) else { throw .failed("no bars kept for '\(name)' (subscribe to it first)") }
            series = found
        }
        let value: IndicatorValue?
        do {
            value = try indicators.value(request, series: series)
        } catch {
            throw .failed("\(error)")
        }
        published.indicatorAnswered(kind, parameters: parameters, symbol: symbol, request: request, series: series.index,
                                    value: value, sandbox: sandbox)
        return value
    }

    /// Appends a bar to a series and republishes the series' indicators.
    func appendBar(_ bar: Bar, instrument: Instrument, to series: IndicatorSet.SeriesID) {
        indicators.append(to: series, time: Double(bar.time), open: instrument.double(bar.open),
                          high: instrument.double(bar.high), low: instrument.double(bar.low),
                          close: instrument.double(bar.close), volume: instrument.double(bar.volume))
        if !published.indicators.isEmpty { published.refresh(series: series.index, from: &indicators, in: sandbox) }
    }
}
