extension RiskEngine {
    /// The first check the order fails, or nil. The order (docs/risk.md):
    /// 0. a positive quantity on the instrument's symbol,
    /// 1. kill switch, then the trading state (halted / reducing / loss halt),
    /// 2. trading window, 3. order quantity and notional, 4. price collar,
    /// 5. position, 6. gross exposure, 7. open orders, 8. order rate,
    /// 9. daily loss.
    ///
    /// Only integer comparisons and lookups on the accept path: every message
    /// is built in `RiskDenials`, after a check has failed.
    @inline(__always)
    mutating func firstDenial(
        _ order: Order, instrument: Instrument, account: some RiskAccount, now: Int64
    ) -> OrderReason? {
        let quantity = order.quantity
        guard quantity.lots > 0 else { return RiskDenials.invalidQuantity(quantity, instrument) }
        guard order.symbol == instrument.symbol else { return RiskDenials.instrumentMismatch(order, instrument) }

        // Whether the order reduces the position; looked up at most once.
        var reduces: Bool?
        // 1. The emergency stop (strictest switch covering the deployment;
        // one atomic load when none is engaged), then the deployment's own state.
        if let engaged = killSwitches.strictest(owner: ownerID, deployment: deploymentID) {
            if engaged.level == .halt { return RiskDenials.killSwitch(engaged) }
            let reducing = reducesPosition(order, account: account)
            reduces = reducing
            if !reducing {
                return RiskDenials.killSwitchReduceOnly(engaged, order, position: account.position(order.symbol), instrument)
            }
        }
        switch state {
        case .active:
            break
        case .halted:
            return RiskDenials.halted(deploymentID)
        case .reducing:
            let reducing = reduces ?? reducesPosition(order, account: account)
            reduces = reducing
            if !reducing {
                return lossHalt ?? RiskDenials.reducing(order, position: account.position(order.symbol), instrument)
            }
        }

        // 2. Trading window: every layer's window must be open.
        if effective.hasTradingWindow {
            let moment = RiskTime.DayAndMinute(nanoseconds: now)
            if let window = effective.deploymentWindow, !window.contains(moment) {
                return RiskDenials.outsideTradingWindow(now: now, window: window, layer: .deployment)
            }
            if let window = effective.ownerWindow, !window.contains(moment) {
                return RiskDenials.outsideTradingWindow(now: now, window: window, layer: .owner)
            }
            if let window = effective.globalWindow, !window.contains(moment) {
                return RiskDenials.outsideTradingWindow(now: now, window: window, layer: .global)
            }
        }

        // 3. Order quantity and notional.
        let symbolLimits = effective.hasOrderQuantityLimit || effective.hasPositionLimit
            ? resolvedSymbolLimits(order.symbol, instrument: instrument) : nil
        if let limit = symbolLimits?.maxOrderQuantity, quantity.lots > limit.value {
            return RiskDenials.maxOrderQuantity(quantity, limit: limit, limits: limits, symbol: order.symbol, instrument)
        }
        let lastPrice = effective.needsLastPrice ? account.lastPrice(order.symbol) : nil
        // Market orders are valued at the last price; limit and stop orders at their own.
        // Valued only when a notional or exposure limit needs it (one Int128 division).
        let notional = effective.needsNotional
            ? (order.type.referencePrice ?? lastPrice).map { instrument.notional($0, quantity) } : nil
        if let limit = effective.maxOrderNotional {
            guard let notional else { return RiskDenials.noReferencePrice(order, check: "the order notional limit") }
            if notional > limit.value { return RiskDenials.maxOrderNotional(notional, limit: limit) }
        }

        // 4. Price collar on the limit or stop price.
        if let collar = effective.priceCollarBasisPoints, let orderPrice = order.type.referencePrice {
            guard let lastPrice, lastPrice.ticks > 0 else {
                return RiskDenials.noReferencePrice(order, check: "the price collar")
            }
            let distance = Int128(orderPrice.ticks) - Int128(lastPrice.ticks)
            if distance.magnitude * 10_000 > UInt128(collar.value) * UInt128(lastPrice.ticks) {
                return RiskDenials.priceCollar(order, price: orderPrice, last: lastPrice, limit: collar, instrument)
            }
        }

        // 5. Position if this order and the open orders on its side all fill.
        // An order that shrinks |position| always passes, so exits are never
        // blocked by a limit that was lowered below the current position.
        if let limit = symbolLimits?.maxPositionQuantity {
            let position = account.position(order.symbol)
            let open = account.openQuantity(order.symbol, side: order.side)
            let after = Int128(position.lots) + Int128(order.side.sign) * (Int128(open.lots) + Int128(quantity.lots))
            if after.magnitude > UInt128(limit.value), after.magnitude > Int128(position.lots).magnitude {
                return RiskDenials.maxPosition(after: after, open: open, side: order.side, limit: limit,
                                               limits: limits, symbol: order.symbol, instrument)
            }
        }

        // 6. Gross exposure plus this order's notional; a reducing order lowers it.
        if let limit = effective.maxGrossExposure {
            if reduces == nil { reduces = reducesPosition(order, account: account) }
            if reduces == false {
                guard let notional else { return RiskDenials.noReferencePrice(order, check: "the gross exposure limit") }
                let gross = account.grossExposure
                if Int128(gross.units) + Int128(notional.units) > Int128(limit.value.units) {
                    return RiskDenials.maxGrossExposure(gross: gross, notional: notional, limit: limit)
                }
            }
        }

        // 6b. Buying power: an order that reduces a position always passes.
        if let cash = account.cash, let equity = account.equity {
            if reduces == nil { reduces = reducesPosition(order, account: account) }
            if reduces == false, let reason = buyingPowerDenial(order, instrument: instrument, account: account,
                                                                cash: cash, equity: equity) {
                return reason
            }
        }

        // 7. Open orders.
        if let limit = effective.maxOpenOrders, account.openOrderCount >= limit.value {
            return RiskDenials.maxOpenOrders(account.openOrderCount, limit: limit)
        }

        // 8. Order rate: a token in every layer's bucket (taken on accept).
        if effective.hasOrderRate, let layer = rateBuckets.refillAndFindEmpty(at: now) {
            return RiskDenials.orderRate(applied[layer].orderRate, layer: layer)
        }

        // 9. Daily loss: a breach halts the session; exits still pass.
        if effective.dailyLossLimit != nil {
            if lossHalt == nil { haltIfLossLimitReached(account: account) }
            if let lossHalt {
                if reduces == nil { reduces = reducesPosition(order, account: account) }
                if reduces == false { return lossHalt }
            }
        }
        return nil
    }

    /// The buying-power check of an order that does not reduce a position
    /// (docs/risk.md, "Buying power"), valued at its limit or trigger price,
    /// else the last price.
    func buyingPowerDenial(_ order: Order, instrument: Instrument, account: some RiskAccount,
                           cash: Money, equity: Money) -> OrderReason? {
        guard let price = order.type.referencePrice ?? account.lastPrice(order.symbol) else {
            return RiskDenials.noReferencePrice(order, check: "the buying-power check")
        }
        let notional = RiskMath.value(lots: order.quantity.lots.magnitude, price: price, instrument)
        let fee = Int128(account.fee(on: Money(units: Int64(clamping: notional))).units)
        switch effective.accountType?.value ?? RiskDefaults.accountType {
        case .cash:
            if order.side == .sell {
                // Not reducing: the sell, with the open sells, would go short.
                return RiskDenials.cashAccountShort(order, position: account.position(order.symbol), instrument)
            }
            let need = notional + fee + account.openBuyCommitment
            if need > Int128(cash.units) {
                return RiskDenials.insufficientBuyingPower(need: need, available: Int128(cash.units), account: "cash account")
            }
        case .margin:
            let leverage = effective.maxLeverageHundredths?.value ?? 100
            let power = Int128(equity.units) * Int128(leverage) / 100
            let need = account.projectedGrossExposure(symbol: order.symbol, side: order.side, quantity: order.quantity,
                                                      price: price, instrument: instrument) + fee
            if need > power {
                return RiskDenials.insufficientBuyingPower(
                    need: need, available: power,
                    account: "margin account at leverage \(FixedPoint.format(leverage, decimals: 2))")
            }
        }
        return nil
    }

    /// Whether the order only shrinks the position: it is on the other side,
    /// and it together with the open orders on its side cannot flip it.
    @inline(__always)
    func reducesPosition(_ order: Order, account: some RiskAccount) -> Bool {
        let position = account.position(order.symbol).lots
        if position == 0 || (position > 0) == (order.side == .buy) { return false }
        let pending = Int128(account.openQuantity(order.symbol, side: order.side).lots) + Int128(order.quantity.lots)
        return pending <= Int128(position).magnitude
    }

    /// The symbol's quantity limits in the instrument's lots, from the cache.
    @inline(__always)
    mutating func resolvedSymbolLimits(_ symbol: String, instrument: Instrument) -> SymbolRiskLimits {
        let decimals = instrument.quantityDecimals
        if let last = lastSymbolLimits, last.symbol == symbol, last.quantityDecimals == decimals { return last }
        var resolved: SymbolRiskLimits
        if let cached = symbolLimits[symbol], cached.quantityDecimals == decimals {
            resolved = cached
        } else {
            resolved = SymbolRiskLimits(limits, symbol: symbol, quantityDecimals: decimals)
            symbolLimits[symbol] = resolved
        }
        lastSymbolLimits = resolved
        return resolved
    }
}
