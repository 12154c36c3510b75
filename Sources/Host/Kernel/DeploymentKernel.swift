import Sandbox

/// Runs one strategy deployment: its sandbox, its paper account (exchange,
/// portfolio), its risk gate, its indicators and timers. The flow for every
/// event is event → exchange matching → fills into the portfolio → `on_order`
/// / `on_fill` → the event's own callback → orders through the `OrderRouter`
/// (grid → risk → exchange).
///
/// Its parts, each a value it owns: `OrderRouter` (with the `PaperExchange`
/// and the `RiskEngine` inside it), `Portfolio`, `TimerSchedule`,
/// `IndicatorSet`, `BarBuilder`, `EventSymbolCache`; and what it keeps about
/// the script, `StrategyCallbacks`.
///
/// Confinement: one kernel is used by one thread at a time (it owns a
/// `Sandbox`); a host runs many kernels, each pinned to one worker. The
/// backtest engine and the live host drive the same kernel.
public final class DeploymentKernel {
    // Exclusivity: every stored `var` below is `@exclusivity(unchecked)`. A
    // kernel is confined to one thread and never re-enters itself while it
    // mutates a property (host calls from Lua reach it only between those
    // mutations), so the runtime's per-access check (a thread-local access
    // set, about 15% of a backtest bar) guards nothing here. Debug test runs
    // of the same code paths exercised the checks before they were turned off.
    // State that changes together lives in one value (`router`, `symbolCache`,
    // `timers`): one property, one annotation, no check inside it.
    public let id: String
    public let ownerID: String
    public let schema: StrategySchema
    /// The validated parameter values the strategy runs with.
    public let parameters: [String: LuaValue]
    @exclusivity(unchecked) public internal(set) var status: DeploymentStatus = .ready
    /// Every change withdraws the positions `ctx.position` answers in C
    /// until the body answers again: one choke point for fills, marks,
    /// restores and anything else.
    @exclusivity(unchecked) public internal(set) var portfolio: Portfolio {
        didSet { if !published.positions.isEmpty { withdrawPositions() } }
    }
    /// Receives every order change, fill, log line and status change (live
    /// streaming, persistence). Nil in backtests that need none of it.
    @exclusivity(unchecked) public var observer: ((DeploymentNotification) -> Void)?
    /// Called before every strategy callback. A worker process uses it to
    /// tell its watchdog which deployment is inside a callback since when;
    /// nil in process (one load and branch per callback).
    @exclusivity(unchecked) var callbackWillRun: (() -> Void)?

    let sandbox: Sandbox
    /// Grid → risk gate → exchange for every order; holds the exchange the
    /// events are matched on and the risk gate that may halt the deployment.
    @exclusivity(unchecked) var router: OrderRouter
    @exclusivity(unchecked) var indicators: IndicatorSet
    /// Sizes equity-fraction orders at their fill from this account.
    let fillSizer: AccountFillSizer
    let instruments: [String: Instrument]
    @exclusivity(unchecked) var subscriptions: [String: Set<SubscriptionKind>] = [:] {
        didSet { symbolCache.symbol = nil }
    }
    @exclusivity(unchecked) var symbolCache = EventSymbolCache()
    /// Each traded symbol pinned as a Lua string (`Sandbox.reference(string:)`),
    /// so an event's `symbol` field is neither copied nor hashed per event.
    @exclusivity(unchecked) var symbolReferences: [String: LuaReference] = [:]
    /// Tests: `ctx.position`'s body answers with its `LuaValue` table even
    /// when it published the answer (`answerPosition`), the reference form
    /// `PublishedPositionTests` compares the published entries with.
    @exclusivity(unchecked) var answersPositionsAsValues = false
    @exclusivity(unchecked) var timers = TimerSchedule()
    /// Exchange events waiting for delivery to the strategy, in order.
    @exclusivity(unchecked) var deliveries: [ExchangeEvent] = []
    @exclusivity(unchecked) var matchBuffer: [ExchangeEvent] = []
    @exclusivity(unchecked) var currentTimeValue: Int64 = 0 {
        didSet { if let now = published.now { sandbox.publish(now, integer: currentTimeValue) } }
    }
    /// `ctx.now` and the indicators answered in C (see `PublishedAnswers`).
    @exclusivity(unchecked) var published: PublishedAnswers
    @exclusivity(unchecked) var currentSymbolValue: String?
    @exclusivity(unchecked) var logHistory = BoundedHistory<DeploymentLogEntry>(limit: DeploymentKernel.logLimit)
    /// The latest orders refused before reaching the exchange, oldest first (at most 1,000).
    public var rejectedOrders: [Order] { router.rejectedHistory.elements }
    /// The latest log lines, oldest first (at most `logLimit`).
    public var logEntries: [DeploymentLogEntry] { logHistory.elements }
    @exclusivity(unchecked) public internal(set) var fillCount = 0
    /// Market seconds between equity samples (`EquitySample`); nil (the
    /// default, and backtests) samples nothing. Live hosts set it.
    @exclusivity(unchecked) public var equityInterval: Int64?
    /// The market time and fill count of the last sample (a restore sets
    /// them from its checkpoint: it resumes after the sample its event took).
    @exclusivity(unchecked) var equitySampledTime: Int64?
    @exclusivity(unchecked) var equitySampledFills = -1
    /// What faulted the strategy, with its line, callback, event time and
    /// traceback; nil unless `status` is `.faulted` by a strategy failure.
    @exclusivity(unchecked) public internal(set) var strategyFault: StrategyFault?
    static let logLimit = 1_000

    /// The symbols the deployment trades (`ctx.symbols`), as chosen at deploy time.
    public let symbols: [String]
    /// Builds the strategy's bars when its timeframe is longer than the feed's.
    @exclusivity(unchecked) var barBuilder: BarBuilder

    let callbacks: StrategyCallbacks
    let eventArguments: EventArguments
    @exclusivity(unchecked) var arguments = CallArguments()

    /// Loads the script, validates its declaration and parameters, and
    /// prepares the account. Nothing of the strategy runs yet but its main
    /// chunk (declarations).
    public init(configuration: DeploymentConfiguration, killSwitches: KillSwitchBoard = KillSwitchBoard()) throws(DeploymentError) {
        id = configuration.id
        ownerID = configuration.ownerID
        instruments = Dictionary(configuration.instruments.map { ($0.symbol, $0) }, uniquingKeysWith: { first, _ in first })
        fillSizer = AccountFillSizer(commission: configuration.exchange.commission)
        // No list of finished round trips: a live deployment would grow it by
        // one per trade for as long as it runs, and nothing reads it (fills
        // are journaled, a checkpoint leaves it out). `BacktestEngine` turns
        // it on, since its result lists every trade.
        portfolio = Portfolio(cash: configuration.startingCash, instruments: configuration.instruments,
                              recordsTrades: false)
        indicators = IndicatorSet()
        var logBuffer: [DeploymentLogEntry] = []
        let bridge = RuntimeBridge()
        do {
            sandbox = try Sandbox(limits: configuration.sandboxLimits, modules: StrategyModules.make(runtime: bridge)) { line in
                logBuffer.append(DeploymentLogEntry(time: 0, level: line.level.name, message: line.text))
            }
            try sandbox.load(configuration.source, chunkName: configuration.chunkName)
        } catch {
            throw .script(error)
        }
        do {
            schema = try StrategySchema(declaration: sandbox.global(named: "strategy"))
            parameters = try schema.resolve(configuration.parameters)
        } catch let error as SchemaIssues {
            throw .schema(error)
        } catch let error as SandboxError {
            throw .script(error)
        } catch {
            throw .schema(SchemaIssues(issues: [SchemaIssue(field: "strategy", message: "\(error)")]))
        }
        do {
            try sandbox.setModuleField(module: "ctx", field: "params", value: .table(parameters), readOnly: true)
            var state = configuration.restoredState ?? .table([:])
            if state == .array([]) { state = .table([:]) }
            try sandbox.setModuleField(module: "ctx", field: "state", value: state, readOnly: false)
            published = PublishedAnswers(sandbox: sandbox)
            callbacks = try StrategyCallbacks(sandbox)
            eventArguments = try EventArguments(sandbox)
        } catch {
            throw .script(error)
        }
        let symbols = configuration.symbols
            ?? (schema.symbols.isEmpty ? configuration.instruments.prefix(1).map(\.symbol) : schema.symbols)
        for symbol in symbols {
            guard instruments[symbol] != nil else { throw .unknownSymbol(symbol) }
            subscriptions[symbol] = [.bars]
            _ = indicators.addSymbol(symbol)
        }
        self.symbols = symbols
        router = OrderRouter(instruments: configuration.instruments, symbols: symbols,
                             exchange: PaperExchange(configuration: configuration.exchange, instruments: configuration.instruments),
                             risk: RiskEngine(deploymentID: configuration.id, ownerID: configuration.ownerID,
                                              limits: configuration.risk, killSwitches: killSwitches))
        if let timeframe = configuration.timeframe, !(1...86_400).contains(timeframe) { throw .invalidTimeframe(timeframe) }
        barBuilder = BarBuilder(timeframe: configuration.timeframe)
        do {
            // A plain table (a copy), not a read-only proxy: `#` and
            // table.concat see its length; changing it changes nothing.
            try sandbox.setModuleField(module: "ctx", field: "symbols", value: .array(symbols.map { .string($0) }), readOnly: false)
        } catch {
            throw .script(error)
        }
        bridge.kernelReference = Unmanaged.passUnretained(self)
        sandbox.logHandler = { [unowned self] line in
            self.appendLog(level: line.level.name, message: line.text)
        }
        for entry in logBuffer { appendLog(level: entry.level, message: entry.message) }
    }

    // MARK: - Lifecycle

    /// Calls `on_start` and begins accepting events. `time` is the clock
    /// before the first event.
    public func start(at time: Int64) {
        guard status == .ready else { return }
        currentTimeValue = time
        sandbox.setClock(.manual(Double(time)))
        status = .running
        notify(.status(status))
        if let onStart = callbacks.onStart { invoke(onStart) { $0.append(self.eventArguments.context) } }
        deliverPending()
        sampleEquityIfDue()
    }

    /// Calls `on_stop` (when running), cancels working orders and stops.
    public func stop(reason: String = "stopped") {
        guard acceptsEvents else { return }
        if let onStop = callbacks.onStop { invoke(onStop) { $0.append(self.eventArguments.context) } }
        cancelAllWorking(code: .deploymentStopped, message: reason)
        deliverPending()
        sandbox.flushLog()
        // The account as it stops: the last point of its history.
        equitySampledFills = -1
        sampleEquityIfDue()
        if !status.isFaulted { status = .stopped }
        notify(.status(status))
    }

    /// The strategy's `ctx.state`, for persisting between restarts.
    public func persistedState() -> LuaValue? {
        try? sandbox.moduleField(module: "ctx", field: "state")
    }

    /// Memory the strategy's sandbox holds now.
    public var sandboxMemory: Int { sandbox.memoryUsed }

    var isHalted: Bool { if case .halted = status { true } else { false } }
    /// Pattern matching, not `==`: this runs several times per event and
    /// comparing enums with payloads goes through the runtime.
    var acceptsEvents: Bool {
        switch status {
        case .running, .halted: true
        case .ready, .faulted, .stopped: false
        }
    }

    // MARK: - Events

    /// Handles one market event: timers due first, then matching, fills and
    /// order updates, then the event's own callback if subscribed.
    public func handle(_ event: MarketEvent) {
        guard acceptsEvents else { return }
        fireTimers(upTo: event.time)
        guard acceptsEvents, resolve(event.symbol) else { return }
        currentTimeValue = event.time
        currentSymbolValue = event.symbol
        sandbox.setPublishedScope(symbolCache.series?.index)
        sandbox.setClock(.manual(Double(event.time)))
        // `fillSizer` is passed straight from the stored `let`: a local copy
        // of the reference would cost a retain and release on every event.
        let portfolioIndex = symbolCache.portfolioIndex
        if router.exchange.hasWorkingOrders {
            let position = portfolio.position(at: portfolioIndex).quantity
            let mark = portfolio.mark(at: portfolioIndex)
            fillSizer.isCashAccount = router.risk.effective.accountType?.value == .cash
            fillSizer.begin(cash: portfolio.cash, equity: portfolio.equity, position: position,
                        positionValue: mark.map { symbolCache.instrument.notional($0, position) } ?? .zero)
        }
        matchBuffer.removeAll(keepingCapacity: true)
        switch event.payload {
        case .bar(let bar, _):
            router.exchange.match(bar, symbol: event.symbol, sizer: fillSizer, into: &matchBuffer)
            portfolio.mark(at: portfolioIndex, price: bar.close)
        case .trade(let trade):
            router.exchange.match(trade, symbol: event.symbol, sizer: fillSizer, into: &matchBuffer)
            portfolio.mark(at: portfolioIndex, price: trade.price)
        case .book(let book):
            router.exchange.match(book, symbol: event.symbol, sizer: fillSizer, into: &matchBuffer)
            if let bid = book.bids.first, let ask = book.asks.first {
                portfolio.mark(at: portfolioIndex, price: Price(ticks: (bid.price.ticks + ask.price.ticks) / 2))
            }
        }
        if !matchBuffer.isEmpty { absorb(matchBuffer) }
        checkLossLimit()
        deliverPending()
        guard acceptsEvents else { return }
        dispatchCallback(for: event)
        deliverPending()
        sampleEquityIfDue()
    }

    /// Points the symbol cache at `symbol`; false if it is not traded here.
    private func resolve(_ symbol: String) -> Bool {
        if symbolCache.symbol == symbol { return true }
        guard let instrument = instruments[symbol], let index = portfolio.index(of: symbol) else { return false }
        symbolCache.point(at: symbol, instrument: instrument, kinds: subscriptions[symbol] ?? [], portfolioIndex: index,
                          series: indicators.id(for: symbol))
        symbolCache.symbolReference = pinnedSymbol(symbol)
        return true
    }

    /// `symbol` as a pinned Lua string; nil if it cannot be pinned (the
    /// sandbox is out of memory or faulted), when events carry the string.
    private func pinnedSymbol(_ symbol: String) -> LuaReference? {
        if let pinned = symbolReferences[symbol] { return pinned }
        guard let pinned = try? sandbox.reference(string: symbol) else { return nil }
        symbolReferences[symbol] = pinned
        return pinned
    }

    private func dispatchCallback(for event: MarketEvent) {
        let instrument = symbolCache.instrument
        switch event.payload {
        case .bar(let feedBar, let feedTimeframe):
            var bar = feedBar
            var timeframe = feedTimeframe
            if barBuilder.isActive {
                switch barBuilder.add(feedBar, timeframe: feedTimeframe, symbol: event.symbol) {
                case .pending: return
                case .invalid(let reason): fault(reason); return
                case .complete(let built, let seconds):
                    bar = built
                    timeframe = seconds
                }
            }
            if symbolCache.series == nil {
                symbolCache.series = indicators.addSymbol(event.symbol)
                sandbox.setPublishedScope(symbolCache.series?.index)
            }
            appendBar(bar, instrument: instrument, to: symbolCache.series!)
            guard let onBar = callbacks.onBar, symbolCache.wantsBars else { return }
            invoke(onBar) { arguments in
                arguments.append(self.eventArguments.context)
                arguments.appendRecord(self.eventArguments.bar) { record in
                    record.string(event.symbol, pinned: self.symbolCache.symbolReference)
                    record.integer(bar.time)
                    record.integer(timeframe)
                    record.number(instrument.double(bar.open))
                    record.number(instrument.double(bar.high))
                    record.number(instrument.double(bar.low))
                    record.number(instrument.double(bar.close))
                    record.number(instrument.double(bar.volume))
                }
            }
        case .trade(let trade):
            guard let onTick = callbacks.onTick, symbolCache.wantsTrades else { return }
            invoke(onTick) { arguments in
                arguments.append(self.eventArguments.context)
                arguments.appendRecord(self.eventArguments.trade) { record in
                    record.string(event.symbol, pinned: self.symbolCache.symbolReference)
                    record.integer(trade.time)
                    record.number(instrument.double(trade.price))
                    record.number(instrument.double(trade.quantity))
                }
            }
        case .book(let book):
            guard let onBook = callbacks.onBook, symbolCache.wantsBook else { return }
            func levels(_ side: [BookLevel]) -> LuaValue {
                .array(side.map { .table(["price": .number(instrument.double($0.price)),
                                          "quantity": .number(instrument.double($0.quantity))]) })
            }
            let table: LuaValue = .table(["symbol": .string(event.symbol), "time": .integer(book.time),
                                          "bids": levels(book.bids), "asks": levels(book.asks)])
            invoke(onBook) { arguments in
                arguments.append(self.eventArguments.context)
                try? arguments.append(table)
            }
        }
    }

    // MARK: - Calling the strategy

    /// Calls a callback; any failure faults the deployment with the reason
    /// and cancels its working orders. Other deployments are unaffected.
    func invoke(_ function: LuaFunction, _ build: (inout CallArguments) -> Void) {
        guard acceptsEvents else { return }
        // Built in a local and borrowed by the call: passing the stored
        // property would copy (retain and release) its buffers every event.
        var local = CallArguments()
        swap(&local, &arguments)
        defer { swap(&local, &arguments) }
        local.removeAll()
        build(&local)
        callbackWillRun?()
        do {
            try sandbox.callIgnoringResults(function, local, reusingTables: true)
        } catch {
            fault(StrategyFault(error, location: sandbox.faultLocation, callback: function.name, time: currentTimeValue))
        }
    }

    /// Faults the deployment for a strategy failure, keeping the structured
    /// fault alongside the status's reason.
    func fault(_ strategyFault: StrategyFault) {
        guard !status.isFaulted else { return }
        self.strategyFault = strategyFault
        sandbox.flushLog()
        fault(strategyFault.summary, subject: "strategy")
        // The traceback as one more line of the log, at the fault's event
        // time: it reaches every host's log and the API's /logs (one line:
        // frames joined, so a log viewer shows one entry).
        if let traceback = strategyFault.traceback {
            let frames = traceback.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
                .filter { !$0.isEmpty && $0 != "stack traceback:" }
            if !frames.isEmpty { appendLog(level: "error", message: "traceback: " + frames.joined(separator: " ← ")) }
        }
    }

    func fault(_ reason: String, subject: String = "deployment") {
        guard !status.isFaulted else { return }
        status = .faulted(reason: reason)
        appendLog(level: "error", message: "\(subject) faulted: \(reason)")
        cancelAllWorking(code: .deploymentFaulted, message: reason)
        deliveries.removeAll()
        notify(.status(status))
    }

    func notify(_ notification: DeploymentNotification) {
        observer?(notification)
    }

    func appendLog(level: String, message: String) {
        let entry = DeploymentLogEntry(time: currentTimeValue, level: level, message: message)
        logHistory.append(entry)
        notify(.log(entry))
    }
}

/// What a deployment reports as it runs.
public enum DeploymentNotification: Sendable {
    case order(Order)
    case fill(Fill)
    case log(DeploymentLogEntry)
    case status(DeploymentStatus)
    /// The account at a market time (live hosts only: `equityInterval`).
    case equity(EquitySample)
}
