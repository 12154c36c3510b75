import Sandbox

/// The result of asking for an order: its id, and the reason when it was
/// refused on the spot (the strategy also receives a REJECTED `on_order`).
public struct OrderSubmission: Sendable, Equatable {
    public var id: OrderID
    public var rejection: OrderReason?
}

/// Event kinds a strategy can subscribe to per symbol.
public enum SubscriptionKind: String, Sendable, CaseIterable, Codable {
    case bars, trades, book
}

/// What the strategy API (`ctx`, `ta`) needs from the kernel running the
/// strategy. Implemented by `DeploymentKernel`; every method runs on the
/// deployment's own thread, inside a callback.
public protocol StrategyRuntime: AnyObject {
    /// The symbol of the event being handled, if any (the default for orders and `ta`).
    var currentSymbol: String? { get }
    /// The time of the event being handled (seconds since the Unix epoch).
    var currentTime: Int64 { get }

    func submit(_ request: OrderRequest) -> OrderSubmission
    func submitBracket(_ request: BracketRequest) -> [OrderSubmission]
    func cancel(_ id: OrderID) -> Bool
    func replace(_ id: OrderID, quantity: Double?, price: Double?, trigger: Double?) -> OrderReason?
    /// Flattens a position with a reduce-only market order; nil when flat.
    func close(symbol: String) -> OrderSubmission?
    func cancelAll(symbol: String?) -> Int

    func position(symbol: String) -> LuaValue
    func positions() -> LuaValue
    func openOrders(symbol: String?) -> LuaValue
    func cash() -> Double
    func equity() -> Double

    func subscribe(symbol: String, kinds: [SubscriptionKind]) throws(HostCallError)
    func unsubscribe(symbol: String)
    func setTimer(name: String, seconds: Double, repeating: Bool) throws(HostCallError)
    func cancelTimer(name: String) -> Bool
    func log(level: String, message: String)

    /// A native indicator value for a symbol's kept series (nil: not enough history).
    func indicator(_ name: String, symbol: String, parameters: [Double]) throws(HostCallError) -> [Double]?
}
