/// Where every order goes, the strategy's and the owner's alike: put on the
/// instrument's grid (range-checked, on ticks and lots), checked by the risk
/// gate, sent to the paper exchange. A refusal at any step becomes a REJECTED
/// order with a stable `OrderReasonCode`, and a refused order never reaches
/// the exchange.
///
/// A value the kernel owns, holding the exchange and the risk engine it
/// routes through; each call takes the account's portfolio and the time of
/// the current event, and appends the order updates it causes to `events`
/// (the kernel delivers them to the strategy). So the routing rules are
/// tested without a Lua state (`OrderRouterTests`).
struct OrderRouter {
    /// The instruments the deployment's account knows, by symbol.
    let instruments: [String: Instrument]
    /// The symbols the deployment trades; orders for any other are refused.
    let symbols: [String]
    /// The exchange's fee schedule: buying power counts the fees an order would pay.
    let commission: CommissionModel
    /// The paper exchange orders are sent to; the kernel matches events on it.
    var exchange: PaperExchange
    /// The risk gate every order passes before the exchange.
    var risk: RiskEngine
    /// The id the next order gets (the exchange and the risk gate see ids in order).
    var nextOrderID: OrderID = 1
    /// Orders refused before reaching the exchange, oldest first (bounded).
    var rejectedHistory = BoundedHistory<Order>(limit: 1_000)

    /// A router for `instruments`, trading `symbols`, in front of `exchange`
    /// and behind `risk`.
    init(instruments: [Instrument], symbols: [String], exchange: PaperExchange, risk: RiskEngine) {
        self.instruments = Dictionary(instruments.map { ($0.symbol, $0) }, uniquingKeysWith: { first, _ in first })
        self.symbols = symbols
        commission = exchange.configuration.commission
        self.exchange = exchange
        self.risk = risk
    }

    /// Routes one order. `exactQuantity` replaces the request's quantity
    /// after it is put on the grid: a close must take exactly the position's
    /// lots, which a trip through a Double may not give back.
    mutating func submit(_ request: OrderRequest, exactQuantity: Quantity? = nil, portfolio: Portfolio, now: Int64,
                         events: inout [ExchangeEvent]) -> OrderSubmission {
        let id = takeOrderID()
        switch makeOrder(request, id: id, account: account(portfolio, now: now)) {
        case .failure(let reason):
            return reject(request, id: id, reason: reason, now: now, events: &events)
        case .success(var order):
            if let exactQuantity {
                order.quantity = exactQuantity
                order.sizing = .quantity(exactQuantity)
            }
            if let reason = check(order, portfolio: portfolio, now: now) {
                return reject(order, reason: reason, now: now, events: &events)
            }
            events.append(contentsOf: exchange.submit(Self.unsized(order), now: now))
            return OrderSubmission(id: id, rejection: nil)
        }
    }

    /// Routes an entry with its take-profit and stop-loss legs; the legs are
    /// reduce-only exits of the entry's size, and the gate checks the entry.
    mutating func submitBracket(_ request: BracketRequest, portfolio: Portfolio, now: Int64,
                                events: inout [ExchangeEvent]) -> [OrderSubmission] {
        let entryID = takeOrderID()
        let entry: Order
        switch makeOrder(request.entry, id: entryID, account: account(portfolio, now: now)) {
        case .failure(let reason): return [reject(request.entry, id: entryID, reason: reason, now: now, events: &events)]
        case .success(let order): entry = order
        }
        guard let instrument = instruments[entry.symbol] else { return [] }
        var legPrices: [Price?] = []
        for (value, field) in [(request.takeProfit, "take_profit"), (request.stopLoss, "stop_loss")] {
            guard let value else { legPrices.append(nil); continue }
            switch Self.checkedPrice(value, field: field, instrument) {
            case .failure(let reason): return [reject(entry, reason: reason, now: now, events: &events)]
            case .success(let price): legPrices.append(price)
            }
        }
        func leg(_ type: OrderType) -> Order {
            Order(id: takeOrderID(), symbol: entry.symbol, side: entry.side.opposite, type: type,
                  timeInForce: .gtc, sizing: .quantity(entry.quantity), quantity: entry.quantity,
                  reduceOnly: true, tag: entry.tag, parentID: entry.id, createdAt: now)
        }
        let takeProfit = legPrices[0].map { leg(.limit($0)) }
        let stopLoss = legPrices[1].map { leg(.stop(trigger: $0)) }
        if let reason = check(entry, portfolio: portfolio, now: now) {
            return [reject(entry, reason: reason, now: now, events: &events)]
        }
        events.append(contentsOf: exchange.submitBracket(entry: Self.unsized(entry), takeProfit: takeProfit,
                                                         stopLoss: stopLoss, now: now))
        return [entry.id, takeProfit?.id, stopLoss?.id].compactMap { $0 }.map { OrderSubmission(id: $0, rejection: nil) }
    }

    // MARK: - Shared steps

    /// The risk gate's view of the account now. It holds copies of the
    /// portfolio and the exchange: build it for one step, as a temporary,
    /// and let it go before the exchange changes (a change while a copy lives
    /// would copy the exchange's storage).
    func account(_ portfolio: Portfolio, now: Int64, excluding excluded: Set<OrderID> = []) -> RoutingAccount {
        RoutingAccount(portfolio: portfolio, exchange: exchange, instruments: instruments, commission: commission,
                       isCashAccount: risk.effective.accountType?.value == .cash, now: now, excluded: excluded)
    }

    mutating func takeOrderID() -> OrderID {
        defer { nextOrderID += 1 }
        return nextOrderID
    }

    /// The risk gate, on the account as it is now; a denial is recorded by the engine.
    mutating func check(_ order: Order, portfolio: Portfolio, now: Int64) -> OrderReason? {
        guard let instrument = instruments[order.symbol] else { return nil }
        return risk.check(order, instrument: instrument, account: account(portfolio, now: now)).reason
    }

    /// The order as the exchange takes it: notional and equity-fraction
    /// orders unsized (quantity zero), to be sized at their fill.
    static func unsized(_ order: Order) -> Order {
        if case .quantity = order.sizing { return order }
        var working = order
        working.quantity = .zero
        return working
    }

    /// Records a refusal and queues its REJECTED update.
    mutating func reject(_ order: Order, reason: OrderReason, now: Int64, events: inout [ExchangeEvent]) -> OrderSubmission {
        var rejected = order
        rejected.status = .rejected
        rejected.reason = reason
        rejected.updatedAt = now
        rejectedHistory.append(rejected)
        events.append(.orderUpdated(rejected))
        return OrderSubmission(id: order.id, rejection: reason)
    }

    /// A request that never became an order (off the grid, unknown symbol),
    /// recorded as a rejected market order of zero quantity.
    private mutating func reject(_ request: OrderRequest, id: OrderID, reason: OrderReason, now: Int64,
                                 events: inout [ExchangeEvent]) -> OrderSubmission {
        let order = Order(id: id, symbol: request.symbol, side: request.side, type: .market, timeInForce: request.timeInForce,
                          sizing: .quantity(.zero), quantity: .zero, reduceOnly: request.reduceOnly, tag: request.tag,
                          createdAt: now)
        return reject(order, reason: reason, now: now, events: &events)
    }
}
