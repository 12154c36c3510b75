import Sandbox

/// Builds the Lua-side strategy API: the `ctx` module (orders, account,
/// subscriptions, timers, logging) and the `ta` module (native indicators),
/// both read-only, calling into a `StrategyRuntime`. Documented in
/// docs/strategy-api.md.
public enum StrategyModules {
    /// The closures hold `runtime` strongly: it must not own the sandbox
    /// (hold the kernel weakly or unowned) or the two would keep each other alive.
    public static func make(runtime: StrategyRuntime) -> [HostModule] {
        [context(runtime), technicalAnalysis(runtime)]
    }

    private static func context(_ runtime: StrategyRuntime) -> HostModule {
        var ctx = HostModule(name: "ctx")
        func submitted(_ submission: OrderSubmission, into call: inout HostCall) {
            call.result(.integer(submission.id))
            if let rejection = submission.rejection { call.result(.string(rejection.code.rawValue)) }
        }
        ctx.add("order") { call throws(HostCallError) in
            let request = try OrderRequest.parse(try call.table(1), side: nil, defaultSymbol: runtime.currentSymbol)
            submitted(runtime.submit(request), into: &call)
        }
        for side in [Side.buy, .sell] {
            ctx.add(side.rawValue) { call throws(HostCallError) in
                let request = try OrderRequest.parse(try call.table(1), side: side, defaultSymbol: runtime.currentSymbol)
                submitted(runtime.submit(request), into: &call)
            }
        }
        ctx.add("bracket") { call throws(HostCallError) in
            var table = try call.table(1)
            let takeProfit = try OrderRequest.positive(table, "take_profit")
            let stopLoss = try OrderRequest.positive(table, "stop_loss")
            guard takeProfit != nil || stopLoss != nil else {
                throw .failed("a bracket needs take_profit, stop_loss or both")
            }
            table["take_profit"] = nil
            table["stop_loss"] = nil
            let entry = try OrderRequest.parse(table, side: nil, defaultSymbol: runtime.currentSymbol)
            let results = runtime.submitBracket(BracketRequest(entry: entry, takeProfit: takeProfit, stopLoss: stopLoss))
            for result in results { call.result(.integer(result.id)) }
            if let rejection = results.first?.rejection { call.result(.string(rejection.code.rawValue)) }
        }
        ctx.add("cancel") { call throws(HostCallError) in
            call.result(.boolean(runtime.cancel(try call.integer(1))))
        }
        ctx.add("replace") { call throws(HostCallError) in
            let id = try call.integer(1)
            let changes = try call.table(2)
            for key in changes.keys.sorted() where !["quantity", "price", "trigger"].contains(key) {
                throw .failed("ctx.replace changes only quantity, price or trigger, not '\(key)'")
            }
            let reason = runtime.replace(
                id, quantity: try OrderRequest.positive(changes, "quantity"),
                price: try OrderRequest.positive(changes, "price"), trigger: try OrderRequest.positive(changes, "trigger"))
            call.result(.boolean(reason == nil))
            if let reason { call.result(.string(reason.code.rawValue)) }
        }
        ctx.add("close") { call throws(HostCallError) in
            guard let symbol = try call.optionalString(1, maxLength: 32) ?? runtime.currentSymbol else {
                throw .badArgument(position: 1, reason: "symbol expected (no current event)")
            }
            if let submission = runtime.close(symbol: symbol) { submitted(submission, into: &call) } else { call.result(.nil) }
        }
        ctx.add("cancel_all") { call throws(HostCallError) in
            call.result(.integer(Int64(runtime.cancelAll(symbol: try call.optionalString(1, maxLength: 32)))))
        }
        ctx.add("position", publishing: .scoped) { call throws(HostCallError) in
            guard let symbol = try call.optionalString(1, maxLength: 32) ?? runtime.currentSymbol else {
                throw .badArgument(position: 1, reason: "symbol expected (no current event)")
            }
            switch runtime.position(symbol: symbol) {
            case .published(let entry): if !call.answer(with: entry) { call.result(runtime.positionValue(symbol: symbol)) }
            case .value(let value): call.result(value)
            }
        }
        ctx.add("positions") { call throws(HostCallError) in call.result(runtime.positions()) }
        ctx.add("open_orders") { call throws(HostCallError) in
            call.result(runtime.openOrders(symbol: try call.optionalString(1, maxLength: 32)))
        }
        ctx.add("cash") { call throws(HostCallError) in call.result(.number(runtime.cash())) }
        ctx.add("equity") { call throws(HostCallError) in call.result(.number(runtime.equity())) }
        ctx.add("now", publishing: .unscoped) { call throws(HostCallError) in call.result(.integer(runtime.currentTime)) }
        ctx.add("subscribe") { call throws(HostCallError) in
            let symbol = try call.string(1, maxLength: 32)
            var kinds: [SubscriptionKind] = [.bars]
            if call.argumentCount >= 2 {
                guard case .array(let list) = try call.value(2) else {
                    throw .badArgument(position: 2, reason: "list of kinds expected, e.g. {\"bars\", \"book\"}")
                }
                kinds = []
                for entry in list {
                    guard case .string(let text) = entry, let kind = SubscriptionKind(rawValue: text) else {
                        throw .badArgument(position: 2, reason: "kinds are \"bars\", \"trades\" and \"book\"")
                    }
                    kinds.append(kind)
                }
            }
            try runtime.subscribe(symbol: symbol, kinds: kinds)
        }
        ctx.add("unsubscribe") { call throws(HostCallError) in runtime.unsubscribe(symbol: try call.string(1, maxLength: 32)) }
        ctx.add("set_timer") { call throws(HostCallError) in
            let name = try call.string(1, maxLength: 64)
            let seconds = try call.number(2)
            let repeating = call.argumentCount >= 3 ? try call.boolean(3) : false
            try runtime.setTimer(name: name, seconds: seconds, repeating: repeating)
        }
        ctx.add("cancel_timer") { call throws(HostCallError) in
            call.result(.boolean(runtime.cancelTimer(name: try call.string(1, maxLength: 64))))
        }
        ctx.add("log") { call throws(HostCallError) in
            // ctx.log("message") or ctx.log("warn", "message"). The line goes
            // down the sandbox's output path with print and warn (escaped,
            // capped, budgeted), which hands it to the kernel's log.
            if call.argumentCount >= 2 {
                let level = try call.string(1, maxLength: 8)
                let levels: [String: SandboxLogLine.Level] = ["debug": .debug, "info": .info, "warn": .warning, "error": .error]
                guard let chosen = levels[level] else {
                    throw .badArgument(position: 1, reason: "level must be debug, info, warn or error")
                }
                try call.log(chosen, argument: 2)
            } else {
                try call.log(.info, argument: 1)
            }
        }
        return ctx
    }

    private static func technicalAnalysis(_ runtime: StrategyRuntime) -> HostModule {
        var ta = HostModule(name: "ta")
        for kind in IndicatorKind.allCases {
            let counts = kind.parameterCounts
            // Published: once answered here, a call with the same numbers
            // (and symbol) is answered in C until the next bar (PublishedAnswers).
            ta.add(kind.rawValue, publishing: .scoped) { call throws(HostCallError) in
                // ta.sma(20) or ta.sma(20, "BTCUSD"): numbers first, then an optional symbol.
                var parameters = IndicatorParameters()
                var symbol: String? = nil
                var position = 1
                while position <= call.argumentCount {
                    if call.isString(position) {
                        symbol = try call.string(position, maxLength: 32)
                        break
                    }
                    guard parameters.count < counts.upperBound else {
                        throw .failed("takes at most \(counts.upperBound) numeric parameters")
                    }
                    parameters.append(try call.number(position))
                    position += 1
                }
                guard counts.contains(parameters.count) else {
                    throw .failed("takes \(counts.lowerBound == counts.upperBound ? "\(counts.lowerBound)" : "\(counts.lowerBound) to \(counts.upperBound)") numeric parameters, got \(parameters.count)")
                }
                switch try runtime.indicator(kind, symbol: symbol, parameters: parameters) {
                case nil: call.result(.nil)
                case .number(let value)?: call.result(number: value)
                case .macd(let macd, let signal, let histogram)?:
                    call.result(number: macd); call.result(number: signal); call.result(number: histogram)
                case .bands(let upper, let middle, let lower)?:
                    call.result(number: upper); call.result(number: middle); call.result(number: lower)
                }
            }
        }
        return ta
    }
}
