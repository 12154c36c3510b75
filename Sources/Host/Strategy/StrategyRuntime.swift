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

    /// `ctx.position(symbol)`: the table, or the published entry that now
    /// holds it (`PositionAnswer`).
    func position(symbol: String) -> PositionAnswer
    /// `ctx.position(symbol)`'s table as a value (no publishing).
    func positionValue(symbol: String) -> LuaValue
    func positions() -> LuaValue
    func openOrders(symbol: String?) -> LuaValue
    func cash() -> Double
    func equity() -> Double

    func subscribe(symbol: String, kinds: [SubscriptionKind]) throws(HostCallError)
    func unsubscribe(symbol: String)
    func setTimer(name: String, seconds: Double, repeating: Bool) throws(HostCallError)
    func cancelTimer(name: String) -> Bool

    /// A native indicator value for a symbol's kept series (nil: not enough
    /// history); one to three numbers.
    /// `symbol` nil: the current event's symbol.
    func indicator(_ kind: IndicatorKind, symbol: String?, parameters: IndicatorParameters) throws(HostCallError) -> IndicatorValue?
}

/// The indicators `ta` offers.
public enum IndicatorKind: String, Sendable, CaseIterable {
    case sma, ema, rsi, macd, bollinger, atr, highest, lowest, stdev, roc

    /// How many numeric parameters a script may pass.
    var parameterCounts: ClosedRange<Int> {
        switch self {
        case .macd: 0...3
        case .bollinger: 0...2
        case .atr, .rsi: 0...1
        default: 1...1
        }
    }
}

/// Up to three numeric indicator parameters, without an array allocation
/// (indicators are called on every bar).
public struct IndicatorParameters: Sendable {
    public private(set) var count = 0
    private var values: (Double, Double, Double) = (0, 0, 0)

    public init() {}

    mutating func append(_ value: Double) {
        switch count {
        case 0: values.0 = value
        case 1: values.1 = value
        default: values.2 = value
        }
        count += 1
    }

    public subscript(index: Int) -> Double {
        switch index {
        case 0: values.0
        case 1: values.1
        default: values.2
        }
    }
}

/// What `ctx.position` answers with: a published entry the kernel has just
/// written (pushed from C memory, no `LuaValue` built), or a value.
public enum PositionAnswer {
    case published(PublishedResult)
    case value(LuaValue)
}
