import Sandbox

/// Lets the `ctx` closures, created before the kernel exists, reach it.
///
/// The kernel owns the sandbox, whose host functions hold this bridge, so the
/// bridge must not own the kernel; and every host call goes through here, so
/// it reaches the kernel without a retain/release pair (`kernel` is set
/// before the first call and outlives every call: the kernel is what makes
/// them).
final class RuntimeBridge: StrategyRuntime {
    var kernelReference: Unmanaged<DeploymentKernel>?

    @inline(__always)
    private func with<Result>(_ body: (DeploymentKernel) -> Result) -> Result {
        kernelReference.unsafelyUnwrapped._withUnsafeGuaranteedRef(body)
    }

    @inline(__always)
    private func withThrowing<Value>(
        _ body: (DeploymentKernel) throws(HostCallError) -> Value
    ) throws(HostCallError) -> Value {
        try with { kernel in Result { () throws(HostCallError) in try body(kernel) } }.get()
    }

    var currentSymbol: String? { with { $0.currentSymbolValue } }
    var currentTime: Int64 { with { $0.currentTimeValue } }
    func submit(_ request: OrderRequest) -> OrderSubmission { with { $0.submit(request) } }
    func submitBracket(_ request: BracketRequest) -> [OrderSubmission] { with { $0.submitBracket(request) } }
    func cancel(_ id: OrderID) -> Bool { with { $0.cancel(id) } }
    func replace(_ id: OrderID, quantity: Double?, price: Double?, trigger: Double?) -> OrderReason? {
        with { $0.replace(id, quantity: quantity, price: price, trigger: trigger) }
    }
    func close(symbol: String) -> OrderSubmission? { with { $0.close(symbol: symbol) } }
    func cancelAll(symbol: String?) -> Int { with { $0.cancelAll(symbol: symbol) } }
    func position(symbol: String) -> PositionAnswer { with { $0.answerPosition(symbol: symbol) } }
    func positionValue(symbol: String) -> LuaValue { with { $0.positionValue(symbol: symbol) } }
    func positions() -> LuaValue { with { $0.positionsValue() } }
    func openOrders(symbol: String?) -> LuaValue { with { $0.openOrdersValue(symbol: symbol) } }
    func cash() -> Double { with { $0.portfolio.cash.doubleValue } }
    func equity() -> Double { with { $0.portfolio.equity.doubleValue } }
    func subscribe(symbol: String, kinds: [SubscriptionKind]) throws(HostCallError) {
        try withThrowing { kernel throws(HostCallError) in try kernel.subscribe(symbol: symbol, kinds: kinds) }
    }
    func unsubscribe(symbol: String) { with { $0.subscriptions[symbol] = nil } }
    func setTimer(name: String, seconds: Double, repeating: Bool) throws(HostCallError) {
        try withThrowing { kernel throws(HostCallError) in try kernel.setTimer(name: name, seconds: seconds, repeating: repeating) }
    }
    func cancelTimer(name: String) -> Bool { with { $0.cancelTimer(name: name) } }
    func indicator(_ kind: IndicatorKind, symbol: String?, parameters: IndicatorParameters) throws(HostCallError) -> IndicatorValue? {
        try withThrowing { kernel throws(HostCallError) in try kernel.indicator(kind, symbol: symbol, parameters: parameters) }
    }
}
