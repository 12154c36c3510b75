import ArgumentParser
import Foundation
import Host
import Sandbox
import Synchronization

/// `lunar run STRATEGY.lua [--feed synthetic|FILE.csv]`: a live paper run in
/// the terminal: orders, fills and log lines as they happen, and the account
/// every few seconds.
struct Run: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Run a strategy live on paper against a market feed.")

    @Argument(help: "The strategy script.") var script: String
    @Option(help: "\"synthetic\" (seeded random market) or a CSV of bars to replay.") var feed: String = "synthetic"
    @Option(help: "Symbol name for a CSV feed.") var symbol: String = "BTCUSD"
    @Option(help: "Market time per real second (synthetic default 10, CSV default 3600).") var speed: Double?
    @Option(help: "Stop after this many real seconds (default: run until the feed ends or Ctrl-C).") var duration: Double?
    @Option(name: .customLong("param"), help: "Parameter override name=value (repeatable).") var parameters: [String] = []
    @Option(help: "Starting cash.") var cash: String = "100000"
    @Option(help: "Seed of the synthetic market and of math.random.") var seed: UInt64 = 42
    @Option(help: "Comma-separated symbols to trade (default: the script's strategy.symbols, else the feed's first symbol).")
    var symbols: String?
    @Option(help: "Seconds per bar the strategy sees, a multiple of the feed's bars (default: the feed's).")
    var timeframe: Int64?
    @Flag(help: "Run the strategy in a supervised worker process (docs/isolation.md) instead of a thread.")
    var isolated = false

    func validate() throws {
        if let timeframe, !(1...86_400).contains(timeframe) { throw ValidationError("--timeframe must be 1...86400 seconds") }
        if let symbols, symbols.split(separator: ",").isEmpty { throw ValidationError("--symbols needs at least one symbol") }
    }

    func run() throws {
        let source = try ScriptFile.read(script)
        guard let startingCash = Money(decimalText: cash), startingCash > .zero else {
            throw ValidationError("--cash must be a positive decimal")
        }
        var overrides: [String: String] = [:]
        for parameter in parameters {
            let parts = parameter.split(separator: "=", maxSplits: 1)
            guard parts.count == 2 else { throw ValidationError("--param expects name=value, got '\(parameter)'") }
            overrides[String(parts[0])] = String(parts[1])
        }
        let sandbox = try Sandbox()
        try sandbox.load(source, chunkName: ScriptFile.chunkName(script))
        let schema = try StrategySchema(declaration: sandbox.global(named: "strategy"))
        let values = try schema.resolve(texts: overrides)

        // The instruments fills are printed with (the feed's own come first).
        let known = Dictionary((SyntheticMarket().instruments + [Instrument(symbol: symbol)]).map { ($0.symbol, $0) },
                               uniquingKeysWith: { first, _ in first })
        let mode: HostMode = isolated
            ? .isolated(IsolationConfiguration(executablePath: IsolationConfiguration.siblingExecutable(), workers: 1))
            : .inProcess(.init(workers: 1))
        let host = try makeDeploymentHost(mode) { _, notification in
            switch notification {
            case .order(let order):
                print("order  #\(order.id) \(order.side.rawValue) \(order.symbol) \(order.type.name) \(order.status.rawValue)"
                      + (order.reason.map { " (\($0.code): \($0.message))" } ?? ""))
            case .fill(let fill):
                let instrument = known[fill.symbol] ?? Instrument(symbol: fill.symbol)
                print("fill   #\(fill.orderID) \(fill.side.rawValue) \(instrument.double(fill.quantity)) \(fill.symbol) @ \(instrument.double(fill.price)) fee \(fill.fee.description)")
            case .log(let entry):
                print("log    [\(entry.level)] \(entry.message)")
            case .status(let status):
                print("status \(status)")
            case .equity(let sample):
                print("equity \(sample.equity.description) cash \(sample.cash.description) realized \(sample.realizedPnL.description) unrealized \(sample.unrealizedPnL.description)")
            }
        }
        let stopRequested = Atomic<Bool>(false)
        signal(SIGINT, SIG_IGN)
        let interrupt = DispatchSource.makeSignalSource(signal: SIGINT, queue: .global())
        interrupt.setEventHandler { stopRequested.store(true, ordering: .relaxed) }
        interrupt.resume()
        let deadline = duration.map { Date().addingTimeInterval($0) }
        let keepGoing = { !stopRequested.load(ordering: .relaxed) && (deadline.map { Date() < $0 } ?? true) }

        if feed == "synthetic" {
            var market = SyntheticMarket(configuration: .init(seed: seed, startTime: Int64(Date().timeIntervalSince1970)))
            try deploy(host, source: source, values: values, instruments: market.instruments,
                       cash: startingCash, start: Int64(Date().timeIntervalSince1970))
            print("running \(script) on a synthetic market (\(market.instruments.map(\.symbol).joined(separator: ", "))) — Ctrl-C to stop")
            runFeed(host) { host.feed(from: &market, speed: speed ?? 10, shouldContinue: keepGoing) }
        } else {
            let instrument = Instrument(symbol: symbol)
            let bars: [Bar]
            do { bars = try BarCSV.load(path: feed, instrument: instrument) } catch {
                throw ValidationError("\(feed): \(error)")
            }
            var replay = BarReplaySource(bars: [symbol: bars], instruments: [instrument], timeframe: BarCSV.timeframe(of: bars))
            try deploy(host, source: source, values: values, instruments: [instrument], cash: startingCash, start: bars[0].time)
            print("replaying \(bars.count) bars of \(symbol) from \(feed) — Ctrl-C to stop")
            runFeed(host) { host.feed(from: &replay, speed: speed ?? 3600, shouldContinue: keepGoing) }
        }
        guard let final = host.stop("terminal") else { return }
        print(String(format: "final: equity %@, cash %@, realized %@, fees %@, fills %d",
                     final.equity.description, final.cash.description, final.realizedPnL.description,
                     final.fees.description, final.fillCount))
        if final.status.isFaulted { throw ExitCode(65) }
    }

    private func deploy(_ host: any DeploymentHost, source: String, values: [String: LuaValue], instruments: [Instrument],
                        cash: Money, start: Int64) throws {
        var limits = SandboxLimits.standard
        limits.randomSeed = seed
        do {
            let chosen = symbols.map { $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } }
            for symbol in chosen ?? [] where !instruments.contains(where: { $0.symbol == symbol }) {
                throw ValidationError("--symbols: '\(symbol)' is not on this feed (it has \(instruments.map(\.symbol).joined(separator: ", ")))")
            }
            try host.deploy(DeploymentConfiguration(
                id: "terminal", source: source, chunkName: ScriptFile.chunkName(script), parameters: values,
                instruments: instruments, symbols: chosen, timeframe: timeframe, startingCash: cash,
                sandboxLimits: limits), startAt: start)
        } catch let error as ValidationError {
            throw error
        } catch {
            FileHandle.standardError.write(Data("error: \(error)\n".utf8))
            throw ExitCode(65)
        }
    }

    /// Feeds on this thread while another prints the account every 5 s.
    private func runFeed(_ host: any DeploymentHost, _ feed: () -> Int) {
        let ticker = DispatchSource.makeTimerSource(queue: .global())
        ticker.schedule(deadline: .now() + 5, repeating: 5)
        ticker.setEventHandler {
            guard let snapshot = host.snapshot("terminal") else { return }
            print("account equity \(snapshot.equity.description) cash \(snapshot.cash.description) "
                  + "positions \(snapshot.positions.count) open orders \(snapshot.openOrders.count) [\(snapshot.status)]")
        }
        ticker.resume()
        let events = feed()
        ticker.cancel()
        host.drain()
        print("feed ended after \(events) events")
    }
}
