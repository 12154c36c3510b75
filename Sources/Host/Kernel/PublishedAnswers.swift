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
struct PublishedAnswers {
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

    init(sandbox: Sandbox) {
        now = sandbox.publishedFunction(named: "ctx.now").flatMap {
            sandbox.publishedResult($0, scope: 0, arguments: EmptyCollection())?.result
        }
        var functions: [IndicatorKind: PublishedFunction] = [:]
        for kind in IndicatorKind.allCases { functions[kind] = sandbox.publishedFunction(named: "ta.\(kind.rawValue)") }
        self.functions = functions
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
    func refresh(series: Int, from set: inout IndicatorSet, in sandbox: Sandbox) {
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
