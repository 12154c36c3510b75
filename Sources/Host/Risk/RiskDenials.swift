/// Builds the denial for each failed check: a stable code, a message naming
/// the value and the limit (and which layer set it), and the limit as exact
/// text. Only called once a check has failed, so allocating here is fine.
enum RiskDenials {
    static func reason(_ code: OrderReasonCode, _ message: String, limit: String? = nil) -> OrderReason {
        OrderReason(code: code, message: message, limit: limit)
    }

    static func text(_ price: Price, _ instrument: Instrument) -> String {
        FixedPoint.format(price.ticks, decimals: instrument.priceDecimals)
    }

    static func text(_ quantity: Quantity, _ instrument: Instrument) -> String {
        FixedPoint.format(quantity.lots, decimals: instrument.quantityDecimals)
    }

    static func invalidQuantity(_ quantity: Quantity, _ instrument: Instrument) -> OrderReason {
        reason(.invalidQuantity, "order quantity \(text(quantity, instrument)) must be positive")
    }

    static func instrumentMismatch(_ order: Order, _ instrument: Instrument) -> OrderReason {
        reason(.instrumentMismatch, "order on \(order.symbol) was checked against instrument \(instrument.symbol)")
    }

    static func killSwitch(_ engaged: KillSwitch) -> OrderReason {
        reason(.killSwitch, engaged.name + " is engaged" + (engaged.reason.isEmpty ? "" : " (" + engaged.reason + ")")
               + "; no order passes")
    }

    static func killSwitchReduceOnly(_ engaged: KillSwitch, _ order: Order, position: Quantity,
                                     _ instrument: Instrument) -> OrderReason {
        reason(.killSwitchReduceOnly, engaged.name + " is engaged reduce-only"
               + (engaged.reason.isEmpty ? "" : " (" + engaged.reason + ")") + ": a \(order.side.rawValue) of "
               + "\(text(order.quantity, instrument)) \(order.symbol) with position \(text(position, instrument)) "
               + "and the open \(order.side.rawValue) orders would not reduce it")
    }

    static func halted(_ deploymentID: String) -> OrderReason {
        reason(.halted, "deployment \(deploymentID) is halted; no order passes")
    }

    static func reducing(_ order: Order, position: Quantity, _ instrument: Instrument) -> OrderReason {
        reason(.reducing, "deployment only reduces positions: a \(order.side.rawValue) of "
               + "\(text(order.quantity, instrument)) \(order.symbol) with position \(text(position, instrument)) "
               + "and the open \(order.side.rawValue) orders would not reduce it")
    }

    static func outsideTradingWindow(now: Int64, window: TradingWindow, layer: RiskLayer) -> OrderReason {
        reason(.outsideTradingWindow,
               "\(RiskTime.text(nanoseconds: now)) is outside the \(layer.rawValue) trading window \(window.text)",
               limit: window.text)
    }

    /// The configured text of the quantity limit that fired ("1.5").
    private static func configured(
        _ pick: (RiskLimits) -> QuantityLimit?, _ limits: LayeredRiskLimits, _ layer: RiskLayer, _ symbol: String
    ) -> String {
        pick(limits[layer])?.limit(for: symbol)?.description ?? "?"
    }

    static func maxOrderQuantity(
        _ quantity: Quantity, limit: LayeredValue<Int64>, limits: LayeredRiskLimits, symbol: String, _ instrument: Instrument
    ) -> OrderReason {
        let limitText = configured({ $0.maxOrderQuantity }, limits, limit.layer, symbol)
        return reason(.maxOrderQuantity,
                      "order quantity \(text(quantity, instrument)) \(symbol) exceeds the \(limit.layer.rawValue) "
                      + "limit of \(limitText) per order", limit: limitText)
    }

    static func maxOrderNotional(_ notional: Money, limit: LayeredValue<Money>) -> OrderReason {
        reason(.maxOrderNotional,
               "order notional \(notional.description) exceeds the \(limit.layer.rawValue) limit of "
               + "\(limit.value.description) per order", limit: limit.value.description)
    }

    static func noReferencePrice(_ order: Order, check: String) -> OrderReason {
        reason(.noReferencePrice, "no last price for \(order.symbol) to value this \(order.type.name) order "
               + "against \(check)")
    }

    static func priceCollar(
        _ order: Order, price: Price, last: Price, limit: LayeredValue<Int>, _ instrument: Instrument
    ) -> OrderReason {
        // Distance in hundredths of a basis point, rounded down, for the message only.
        let distance = (Int128(price.ticks) - Int128(last.ticks)).magnitude * 1_000_000 / UInt128(last.ticks)
        let distanceText = FixedPoint.format(Int64(clamping: distance), decimals: 2)
        return reason(.priceCollar,
                      "\(order.type.name) price \(text(price, instrument)) is \(distanceText) bps from the last price "
                      + "\(text(last, instrument)), beyond the \(limit.layer.rawValue) collar of \(limit.value) bps",
                      limit: String(limit.value))
    }

    static func maxPosition(
        after: Int128, open: Quantity, side: Side, limit: LayeredValue<Int64>, limits: LayeredRiskLimits,
        symbol: String, _ instrument: Instrument
    ) -> OrderReason {
        let limitText = configured({ $0.maxPositionQuantity }, limits, limit.layer, symbol)
        let afterText = text(Quantity(lots: Int64(clamping: after)), instrument)
        return reason(.maxPosition,
                      "position \(afterText) \(symbol) after this order and the open \(side.rawValue) orders "
                      + "(\(text(open, instrument))) fill exceeds the \(limit.layer.rawValue) limit of \(limitText)",
                      limit: limitText)
    }

    static func maxGrossExposure(gross: Money, notional: Money, limit: LayeredValue<Money>) -> OrderReason {
        let total = Money(units: Int64(clamping: Int128(gross.units) + Int128(notional.units)))
        return reason(.maxGrossExposure,
                      "gross exposure \(gross.description) plus this order's notional \(notional.description) is "
                      + "\(total.description), over the \(limit.layer.rawValue) limit of \(limit.value.description)",
                      limit: limit.value.description)
    }

    static func maxOpenOrders(_ count: Int, limit: LayeredValue<Int>) -> OrderReason {
        reason(.maxOpenOrders,
               "\(count) orders are open; the \(limit.layer.rawValue) limit of \(limit.value) allows no more",
               limit: String(limit.value))
    }

    static func orderRate(_ limit: OrderRateLimit?, layer: RiskLayer) -> OrderReason {
        let text = limit?.text ?? "?"
        return reason(.orderRate, "order rate over the \(layer.rawValue) limit (\(text)): no token left", limit: text)
    }

    static func dailyLoss(pnl: Money, limit: LayeredValue<Money>) -> OrderReason {
        reason(.dailyLoss,
               "session P&L \(pnl.description) reached the \(limit.layer.rawValue) daily loss limit of "
               + "\(limit.value.description); only orders that reduce a position pass until the next UTC session",
               limit: limit.value.description)
    }

    static func insufficientBuyingPower(need: Int128, available: Int128, account: String) -> OrderReason {
        let needText = FixedPoint.format(Int64(clamping: need), decimals: Money.decimals)
        let availableText = FixedPoint.format(Int64(clamping: max(available, 0)), decimals: Money.decimals)
        return reason(.insufficientBuyingPower,
                      "insufficient buying power (\(account)): the order needs \(needText) "
                      + "(with fees and open orders) and \(availableText) is available", limit: availableText)
    }

    static func cashAccountShort(_ order: Order, position: Quantity, _ instrument: Instrument) -> OrderReason {
        reason(.insufficientBuyingPower,
               "a cash account cannot sell short: a sell of \(text(order.quantity, instrument)) \(order.symbol) "
               + "with position \(text(position, instrument)) and the open sells would go below zero", limit: "0")
    }
}
