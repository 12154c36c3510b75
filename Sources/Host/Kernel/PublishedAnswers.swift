import Sandbox

/// What the kernel keeps published in its sandbox (`PublishedResult`), so the
/// hottest host calls are answered in C without entering Swift: `ctx.now()`
/// and every `ta.*` indicator a strategy has asked for, per series.
///
/// The invariant: each entry equals what the Swift body would answer for its
/// key now. `ctx.now` is republished whenever the kernel's time changes; an
/// indicator entry is created when its body first answers (so creating the
/// indicator's state still happens there, in the order the script asks) and
/// republished after every bar appended to its series (the only thing that
/// changes an indicator's answer). The current scope is the current event's
/// series, set with the current symbol.
///
/// `ctx.position(symbol)` is published as a table answer per symbol, in the
/// scope of the symbol's bar series (so `ctx.position()` on the current
/// event and `ctx.position("SYM")` both find it): created when the Swift
/// body first answers for a symbol that has a series, withdrawn whenever the
/// kernel's portfolio changes (`DeploymentKernel.portfolio`'s observer:
/// fills, marks, restores alike) and republished by the body's next answer.
/// Lazily, because marks change the answer on every bar while many
/// strategies ask for it only now and then.
struct PublishedAnswers {
    struct Position {
        let symbol: String
        let instrument: Instrument
        let result: PublishedResult
    }

    /// The keys of a position table, in the order `LuaValue.table` pushes
    /// them (sorted), so both paths build the same table.
    struct PositionKeys {
        let averagePrice, marketValue, quantity, realizedPnL, symbol, unrealizedPnL: PublishedKey

        init?(sandbox: Sandbox) {
            guard let averagePrice = sandbox.publishedKey("average_price"),
                  let marketValue = sandbox.publishedKey("market_value"),
                  let quantity = sandbox.publishedKey("quantity"),
                  let realizedPnL = sandbox.publishedKey("realized_pnl"),
                  let symbol = sandbox.publishedKey("symbol"),
                  let unrealizedPnL = sandbox.publishedKey("unrealized_pnl") else { return nil }
            (self.averagePrice, self.marketValue, self.quantity) = (averagePrice, marketValue, quantity)
            (self.realizedPnL, self.symbol, self.unrealizedPnL) = (realizedPnL, symbol, unrealizedPnL)
        }
    }

    struct Indicator {
        let series: Int
        let request: IndicatorRequest
        let result: PublishedResult
    }

    /// `ctx.now()`'s entry.
    let now: PublishedResult?
    /// The `ta` function of each indicator kind.
    private let functions: [IndicatorKind: PublishedFunction]
    /// Published indicators in creation order (refreshed in that order).
    private(set) var indicators: [Indicator] = []
    /// `ctx.position`'s function and table keys (nil: not published).
    private let positionFunction: PublishedFunction?
    let positionKeys: PositionKeys?
    /// Published positions, one per symbol.
    private(set) var positions: [Position] = []

    init(sandbox: Sandbox) {
        now = sandbox.publishedFunction(named: "ctx.now").flatMap {
            sandbox.publishedResult($0, scope: 0, arguments: EmptyCollection())?.result
        }
        var functions: [IndicatorKind: PublishedFunction] = [:]
        for kind in IndicatorKind.allCases { functions[kind] = sandbox.publishedFunction(named: "ta.\(kind.rawValue)") }
        self.functions = functions
        positionKeys = PositionKeys(sandbox: sandbox)
        positionFunction = positionKeys == nil ? nil : sandbox.publishedFunction(named: "ctx.position")
    }

    /// Publishes `fields`, the answer `ctx.position` just got for a symbol
    /// whose bar series is `series`, creating its entry on first use.
    /// Returns the entry when the table was published.
    @discardableResult
    mutating func positionAnswered(_ fields: PositionFields, instrument: Instrument, series: Int, sandbox: Sandbox) -> PublishedResult? {
        guard position(of: fields.symbol) == nil, let function = positionFunction, let keys = positionKeys,
              let (result, created) = sandbox.publishedResult(function, scope: series, arguments: EmptyCollection())
        else { return nil }
        if created {
            // Named before the answer exists would be harmless too: the
            // entry answers nil only until the publish below.
            sandbox.namePublishedScope(fields.symbol, scope: series)
            positions.append(Position(symbol: fields.symbol, instrument: instrument, result: result))
        }
        return Self.publish(fields, to: result, keys: keys, in: sandbox) ? result : nil
    }

    /// `symbol`'s published position entry, if it has one.
    func position(of symbol: String) -> PublishedResult? { positions.first { $0.symbol == symbol }?.result }

    /// Publishes a position table, fields in sorted key order as the Swift
    /// body's `LuaValue.table` is pushed. A non-finite number (which the
    /// body's result conversion treats its own way) withdraws the answer.
    /// Returns whether the table was published (false: withdrawn).
    @discardableResult
    static func publish(_ fields: PositionFields, to result: PublishedResult, keys: PositionKeys?, in sandbox: Sandbox) -> Bool {
        guard let keys else { return false }
        guard fields.quantity.isFinite, fields.realizedPnL.isFinite, (fields.averagePrice ?? 0).isFinite,
              (fields.marketValue ?? 0).isFinite, (fields.unrealizedPnL ?? 0).isFinite
        else { sandbox.publishUnavailable(result); return false }
        sandbox.publishTable(result)
        if let averagePrice = fields.averagePrice { sandbox.publishField(result, keys.averagePrice, number: averagePrice) }
        if let marketValue = fields.marketValue { sandbox.publishField(result, keys.marketValue, number: marketValue) }
        sandbox.publishField(result, keys.quantity, number: fields.quantity)
        sandbox.publishField(result, keys.realizedPnL, number: fields.realizedPnL)
        sandbox.publishField(result, keys.symbol, string: fields.symbol)
        if let unrealizedPnL = fields.unrealizedPnL { sandbox.publishField(result, keys.unrealizedPnL, number: unrealizedPnL) }
        return true
    }

    /// Publishes `value`, the answer `ta.<kind>(parameters..., symbol)` just
    /// got from series `series`, creating its entry on first use.
    mutating func indicatorAnswered(
        _ kind: IndicatorKind, parameters: IndicatorParameters, symbol: String?, request: IndicatorRequest,
        series: Int, value: IndicatorValue?, sandbox: Sandbox
    ) {
        guard let function = functions[kind] else { return }
        let arguments = (0..<parameters.count).map { parameters[$0] }
        guard let (result, created) = sandbox.publishedResult(function, scope: series, arguments: arguments) else { return }
        if let symbol { sandbox.namePublishedScope(symbol, scope: series) }
        Self.publish(value, to: result, in: sandbox)
        if created { indicators.append(Indicator(series: series, request: request, result: result)) }
    }

    /// Republishes every indicator of `series` after a bar was appended to it.
    /// `mutating` though it changes nothing here: the kernel then passes its
    /// stored value in place, where a non-mutating call beside the `inout`
    /// indicator set copied it (retaining its arrays) on every bar.
    mutating func refresh(series: Int, from set: inout IndicatorSet, in sandbox: Sandbox) {
        // One access to the series' cache for all of its indicators.
        set.withCache(IndicatorSet.SeriesID(index: series)) { cache in
            for indicator in indicators where indicator.series == series {
                // Cannot throw: the request was valid when its entry was
                // created, and its state exists since (roc has none).
                let value = try? cache.value(indicator.request)
                Self.publish(value, to: indicator.result, in: sandbox)
            }
        }
    }

    @inline(__always)
    static func publish(_ value: IndicatorValue?, to result: PublishedResult, in sandbox: Sandbox) {
        switch value {
        case nil: sandbox.publishNil(result)
        case .number(let number)?: sandbox.publish(result, numbers: 1, number)
        case .macd(let macd, let signal, let histogram)?: sandbox.publish(result, numbers: 3, macd, signal, histogram)
        case .bands(let upper, let middle, let lower)?: sandbox.publish(result, numbers: 3, upper, middle, lower)
        }
    }
}
