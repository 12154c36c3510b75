import ArgumentParser
import Foundation
import Host
import Sandbox

/// `lunar optimize STRATEGY.lua --data FILE.csv --range fast=5:30:5 --range slow=20,40,60`:
/// a sweep over declared parameters (grid or seeded random, at most 1,000
/// runs), each run a backtest in a `lunar worker` process of its own, `--jobs`
/// at a time; the runs ranked by the objective. With `--walk-forward K` the
/// period is cut into K windows: each is optimized on its first part and its
/// winner run on the rest, so the out-of-sample figures show what the
/// optimization is worth.
struct Optimize: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Sweep a strategy's parameters over backtests, ranked; optional walk-forward.")

    @Argument(help: "The strategy script.") var script: String
    @Option(help: "CSV with time,open,high,low,close,volume.") var data: String
    @Option(help: "Symbol name for the data.") var symbol: String = "BTCUSD"
    @Option(name: .customLong("range"), help: "name=min:max:step or name=v1,v2,... (repeatable; declared parameters only).") var ranges: [String] = []
    @Option(help: "grid (every combination) or random.") var search: String = "grid"
    @Option(help: "Runs of a random search.") var trials: Int = 50
    @Option(help: "Seed of the random search and of math.random.") var seed: UInt64 = 1
    @Option(help: "sharpe, return or return_over_drawdown.") var objective: String = "sharpe"
    @Option(help: "Starting cash.") var cash: String = "100000"
    @Option(name: .customLong("commission-bps"), help: "Commission in basis points of notional.") var commissionBasisPoints: Double = 10
    @Option(name: .customLong("slippage-bps"), help: "Slippage on market and stop fills, in basis points.") var slippageBasisPoints: Double = 5
    @Option(help: "Start of the period, inclusive (ISO-8601 or epoch seconds).") var from: String?
    @Option(help: "End of the period, exclusive.") var to: String?
    @Option(name: .customLong("walk-forward"), help: "Windows of a walk-forward analysis (1-20).") var walkForward: Int?
    @Option(name: .customLong("in-sample"), help: "In-sample fraction of each walk-forward window (0.5-0.9).") var inSample: Double = 0.7
    @Option(help: "Runs at a time (default: the number of cores).") var jobs: Int = ProcessInfo.processInfo.activeProcessorCount
    @Flag(name: .customLong("in-process"), help: "Run the backtests in this process instead of worker processes (trusted code only).") var inProcess = false
    @Option(help: "Rows of the ranking printed.") var top: Int = 10
    @Flag(help: "Print the ranking (and windows) as JSON.") var json = false

    func validate() throws {
        guard !ranges.isEmpty else { throw ValidationError("give at least one --range name=min:max:step or name=v1,v2,...") }
        guard ["grid", "random"].contains(search) else { throw ValidationError("--search must be grid or random") }
        guard OptimizationObjective(rawValue: objective) != nil else {
            throw ValidationError("--objective must be one of \(OptimizationObjective.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        guard (1...64).contains(jobs) else { throw ValidationError("--jobs must be 1...64") }
        guard (1...1_000).contains(top) else { throw ValidationError("--top must be 1...1000") }
        guard commissionBasisPoints >= 0, commissionBasisPoints <= 10_000, slippageBasisPoints >= 0, slippageBasisPoints <= 10_000 else {
            throw ValidationError("--commission-bps and --slippage-bps must be between 0 and 10000")
        }
    }

    func run() throws {
        let source = try ScriptFile.read(script)
        let instrument = Instrument(symbol: symbol)
        let raw: Data
        do { raw = try Data(contentsOf: URL(fileURLWithPath: data)) } catch { throw ValidationError("cannot read \(data): \(error.localizedDescription)") }
        let bars: [Bar]
        do { bars = try BarCSV.parse(String(decoding: raw, as: UTF8.self), instrument: instrument) } catch { throw ValidationError("\(data): \(error)") }
        let sandbox = try Sandbox()
        try sandbox.load(source, chunkName: ScriptFile.chunkName(script))
        let schema = try StrategySchema(declaration: sandbox.global(named: "strategy"))

        var settings = BacktestSettings(dataset: data, symbol: symbol)
        do throws(BacktestSettingsError) {
            settings = BacktestSettings(dataset: data, symbol: symbol, cash: try BacktestSettings.money(cash, field: "cash"),
                                        commission: Int64((commissionBasisPoints * 100).rounded()),
                                        slippage: Int64((slippageBasisPoints * 100).rounded()), seed: seed)
            settings.from = try from.map { (text) throws(BacktestSettingsError) in try Backtest.time(text, field: "from") }
            settings.to = try to.map { (text) throws(BacktestSettingsError) in try Backtest.time(text, field: "to") }
            try settings.validate()
        } catch {
            throw ValidationError("--\(Backtest.option(for: error.field)): \(error.issue)")
        }
        let candidates: [[String: LuaValue]]
        do {
            let space = try ParameterSpace(schema: schema, ranges: try Self.ranges(ranges, schema: schema))
            candidates = try space.candidates(search == "grid" ? .grid : .random(count: trials, seed: seed))
        } catch let issues as SchemaIssues {
            throw ValidationError(issues.issues.map { "--range \($0.field.replacingOccurrences(of: "ranges.", with: "")): \($0.message)" }
                .joined(separator: "\n"))
        }
        let objective = OptimizationObjective(rawValue: objective)!
        let isolation = inProcess ? nil : IsolationConfiguration(executablePath: IsolationConfiguration.siblingExecutable(), workers: 1)
        let trials = BacktestTrials(settings: settings, source: source, chunkName: ScriptFile.chunkName(script), instrument: instrument,
                                    bars: bars, dataHash: SHA256.hex(SHA256.hash(raw)), isolation: isolation)
        let started = ContinuousClock.now
        if let windows = walkForward {
            let plan: WalkForwardPlan
            do {
                plan = try WalkForwardPlan(windows: windows, inSampleFraction: inSample)
                let results = try Optimizer.walkForward(candidates, plan: plan, times: trials.times, objective: objective, concurrency: jobs) {
                    trials.run($0, period: $1)
                }
                print(json ? try OptimizeOutput.json(windows: results, objective: objective)
                           : OptimizeOutput.table(windows: results, objective: objective, runs: candidates.count, elapsed: ContinuousClock.now - started))
            } catch let issues as SchemaIssues {
                throw ValidationError(issues.issues.map { "--walk-forward: \($0.message)" }.joined(separator: "\n"))
            }
            return
        }
        let ranked = Optimizer.evaluate(candidates, objective: objective, concurrency: jobs) { trials.run($0) }
        print(json ? try OptimizeOutput.json(trials: ranked, objective: objective, top: top)
                   : OptimizeOutput.table(trials: ranked, objective: objective, top: top, elapsed: ContinuousClock.now - started))
    }

    /// `name=min:max:step` or `name=v1,v2,...`, each value read by the parameter's declared type.
    static func ranges(_ texts: [String], schema: StrategySchema) throws -> [String: ParameterRange] {
        var ranges: [String: ParameterRange] = [:]
        for text in texts {
            let parts = text.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else { throw ValidationError("--range expects name=..., got '\(text)'") }
            let (name, spec) = (parts[0], parts[1])
            let stepped = spec.split(separator: ":").map(String.init)
            if stepped.count == 3 {
                guard let from = Double(stepped[0]), let to = Double(stepped[1]), let step = Double(stepped[2]) else {
                    throw ValidationError("--range \(name): min:max:step must be numbers, got '\(spec)'")
                }
                ranges[name] = .stepped(from: from, to: to, step: step)
            } else {
                let type = schema.parameters.first { $0.name == name }?.type
                ranges[name] = .values(spec.split(separator: ",").map { item in
                    let item = String(item)
                    switch type {
                    case .integer: return Int64(item).map(LuaValue.integer) ?? .string(item)
                    case .number: return Double(item).map(LuaValue.number) ?? .string(item)
                    case .boolean: return item == "true" ? .boolean(true) : item == "false" ? .boolean(false) : .string(item)
                    case .string, nil: return .string(item)
                    }
                })
            }
        }
        return ranges
    }
}
