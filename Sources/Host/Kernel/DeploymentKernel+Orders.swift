import Sandbox

/// Orders from the strategy, through the kernel's `OrderRouter` (grid → risk
/// gate → exchange); cancellations, which need no routing; and the risk
/// gate's daily-loss halt after each event. Every update lands in
/// `deliveries` for the strategy to hear.
extension DeploymentKernel {
    func submit(_ request: OrderRequest) -> OrderSubmission {
        router.submit(request, portfolio: portfolio, now: currentTimeValue, events: &deliveries)
    }

    func submitBracket(_ request: BracketRequest) -> [OrderSubmission] {
        router.submitBracket(request, portfolio: portfolio, now: currentTimeValue, events: &deliveries)
    }

    func replace(_ id: OrderID, quantity: Double?, price: Double?, trigger: Double?) -> OrderReason? {
        router.replace(id, quantity: quantity, price: price, trigger: trigger, portfolio: portfolio,
                       now: currentTimeValue, events: &deliveries)
    }

    func close(symbol: String) -> OrderSubmission? {
        router.close(symbol: symbol, portfolio: portfolio, now: currentTimeValue, events: &deliveries)
    }

    func cancel(_ id: OrderID) -> Bool {
        let events = router.exchange.cancel(id, now: currentTimeValue, reason: Self.canceledByStrategy)
        deliveries.append(contentsOf: events)
        return !events.isEmpty
    }

    func cancelAll(symbol: String?) -> Int {
        let events = router.exchange.cancelAll(symbol: symbol, now: currentTimeValue, reason: Self.canceledByStrategy)
        deliveries.append(contentsOf: events)
        return events.count
    }

    static let canceledByStrategy = OrderReason(code: .canceledByStrategy, message: "canceled by the strategy")

    func cancelAllWorking(code: OrderReasonCode, message: String) {
        deliveries.append(contentsOf: router.exchange.cancelAll(symbol: nil, now: currentTimeValue,
                                                                reason: OrderReason(code: code, message: message)))
        // Cancellations are recorded and observed even when the strategy no
        // longer runs (faulted): absorb them without callbacks.
        if status.isFaulted {
            for event in deliveries { notify(.order(event.order)) }
            deliveries.removeAll()
        }
    }

    /// After fills and marks: the daily loss limit may halt the deployment.
    func checkLossLimit() {
        guard let action = router.risk.evaluateLoss(account: SessionLossAccount(kernel: self)) else { return }
        switch action {
        case .halt(let reason):
            status = .halted(reason: reason.message)
            appendLog(level: "warn", message: "halted by the risk gate: \(reason.message)")
            deliveries.append(contentsOf: router.exchange.cancelAll(symbol: nil, now: currentTimeValue, reason: reason))
            notify(.status(status))
        }
    }
}

/// The account as `RiskEngine.evaluateLoss` reads it after every event: the
/// time and the session's P&L, answered from the kernel's portfolio in place.
/// A reference to the kernel, not a `RoutingAccount`: copying the portfolio
/// and the exchange per event would retain all their storage, on the hot
/// path. It reads nothing of the router, which the evaluation is mutating.
///
/// Only the time and P&L are ever asked; the order-related answers are those
/// of an account with no working orders, so this must not be used to check
/// an order (the router builds a `RoutingAccount` for that).
struct SessionLossAccount: RiskAccount {
    unowned(unsafe) let kernel: DeploymentKernel

    var nowNanoseconds: Int64 { kernel.currentTimeValue &* 1_000_000_000 }
    var realizedPnL: Money { kernel.portfolio.realizedPnL - kernel.portfolio.fees }
    var unrealizedPnL: Money { kernel.portfolio.unrealizedPnL }
    var cash: Money? { kernel.portfolio.cash }
    var equity: Money? { kernel.portfolio.equity }
    var grossExposure: Money { kernel.portfolio.grossExposure }
    func position(_ symbol: String) -> Quantity { kernel.portfolio.position(symbol)?.quantity ?? .zero }
    func lastPrice(_ symbol: String) -> Price? { kernel.portfolio.mark(of: symbol) }
    func openQuantity(_ symbol: String, side: Side) -> Quantity { .zero }
    var openOrderCount: Int { 0 }
}
