import Sandbox

/// What `ctx.position(symbol)` answers for a traded symbol, computed once
/// for both ways of answering it: the Lua table the Swift body returns
/// (`luaValue`) and the table answer the kernel publishes in C
/// (`PublishedAnswers`). One computation, so the two cannot disagree.
struct PositionFields: Equatable {
    let symbol: String
    let quantity: Double
    let realizedPnL: Double
    /// Nil for a flat position, or when the cost basis gives none.
    let averagePrice: Double?
    /// Nil for an open position with no mark yet; 0 for a flat one.
    let marketValue: Double?
    let unrealizedPnL: Double?

    init(symbol: String, instrument: Instrument, portfolio: Portfolio) {
        let position = portfolio.position(symbol)
        let quantity = position?.quantity ?? .zero
        self.symbol = symbol
        self.quantity = instrument.double(quantity)
        realizedPnL = position?.realizedPnL.doubleValue ?? 0
        if let position, quantity.lots != 0 {
            averagePrice = position.averagePrice(instrument).map { instrument.double($0) }
            if let mark = portfolio.mark(of: symbol) {
                marketValue = instrument.notional(mark, quantity).doubleValue
                unrealizedPnL = position.unrealizedPnL(mark: mark, instrument: instrument).doubleValue
            } else {
                marketValue = nil
                unrealizedPnL = nil
            }
        } else {
            averagePrice = nil
            marketValue = 0
            unrealizedPnL = 0
        }
    }

    /// The table `ctx.position` returns.
    var luaValue: LuaValue {
        var fields: [String: LuaValue] = [
            "symbol": .string(symbol), "quantity": .number(quantity), "realized_pnl": .number(realizedPnL),
        ]
        if let averagePrice { fields["average_price"] = .number(averagePrice) }
        if let marketValue { fields["market_value"] = .number(marketValue) }
        if let unrealizedPnL { fields["unrealized_pnl"] = .number(unrealizedPnL) }
        return .table(fields)
    }
}
