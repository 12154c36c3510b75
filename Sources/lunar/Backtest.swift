import ArgumentParser
import Foundation
import Host
import Sandbox

/// `lunar backtest STRATEGY.lua --data FILE.csv ...`: a deterministic
/// backtest with a summary table, optional JSON and an HTML report.
struct Backtest: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Backtest a strategy on OHLCV bars.")

    @Argument(help: "The strategy script.") var script: String
    @Option(help: "CSV with time,open,high,low,close,volume (epoch seconds or ISO-8601).") var data: String
    @Option(help: "Symbol name for the data.") var symbol: String = "BTCUSD"
    @Option(name: .customLong("param"), help: "Parameter override name=value (repeatable).") var parameters: [String] = []
    @Option(help: "Starting cash in quote currency.") var cash: String = "100000"
    @Option(name: .customLong("commission-bps"), help: "Commission in basis points of notional.") var commissionBasisPoints: Double = 0
    @Option(name: .customLong("commission-fixed"), help: "Fixed commission per order.") var commissionFixed: String = "0"
    @Option(name: .customLong("slippage-bps"), help: "Slippage on market and stop fills, in basis points.") var slippageBasisPoints: Double = 0
    @Option(help: "Seed of math.random.") var seed: UInt64 = 1
    @Option(name: .customLong("price-decimals"), help: "Digits after the point in a price.") var priceDecimals: Int = 2
    @Option(name: .customLong("quantity-decimals"), help: "Digits after the point in a quantity.") var quantityDecimals: Int = 8
    @Option(name: .customLong("volume-participation"), help: "Max fraction of a bar's volume one order may fill.") var participation: Double?
    @Option(help: "Seconds per bar the strategy sees, a multiple of the data's bars (default: the data's).") var timeframe: Int64?
    @Option(help: "Start of the period replayed, inclusive (ISO-8601 or epoch seconds; default: the first bar).") var from: String?
    @Option(help: "End of the period replayed, exclusive (ISO-8601 or epoch seconds; default: after the last bar).") var to: String?
    @Flag(help: "Print the result as JSON (byte-identical for identical inputs).") var json = false
    @Flag(help: "Print the strategy's log lines as they happen.") var log = false
    @Option(help: "Write a self-contained HTML report to this path.") var report: String?

    func validate() throws {
        guard (0...8).contains(priceDecimals), (0...8).contains(quantityDecimals) else {
            throw ValidationError("--price-decimals and --quantity-decimals must be 0...8")
        }
        guard commissionBasisPoints >= 0, commissionBasisPoints <= 10_000, slippageBasisPoints >= 0, slippageBasisPoints <= 10_000 else {
            throw ValidationError("--commission-bps and --slippage-bps must be between 0 and 10000")
        }
        if let timeframe, !(1...86_400).contains(timeframe) { throw ValidationError("--timeframe must be 1...86400 seconds") }
        if let participation, !(participation > 0 && participation <= 1) {
            throw ValidationError("--volume-participation must be in (0, 1]")
        }
    }

    func run() throws {
        let source = try ScriptFile.read(script)
        let instrument = Instrument(symbol: symbol, priceDecimals: priceDecimals, quantityDecimals: quantityDecimals)
        let raw: Data
        do { raw = try Data(contentsOf: URL(fileURLWithPath: data)) } catch {
            throw ValidationError("cannot read \(data): \(error.localizedDescription)")
        }
        let bars: [Bar]
        do { bars = try BarCSV.parse(String(decoding: raw, as: UTF8.self), instrument: instrument) } catch {
            throw ValidationError("\(data): \(error)")
        }
        var overrides: [String: String] = [:]
        for parameter in parameters {
            let parts = parameter.split(separator: "=", maxSplits: 1)
            guard parts.count == 2, !parts[0].isEmpty else { throw ValidationError("--param expects name=value, got '\(parameter)'") }
            overrides[String(parts[0])] = String(parts[1])
        }
        // The API's path too (`BacktestSettings`): one set of defaults and checks.
        var settings: BacktestSettings
        do throws(BacktestSettingsError) {
            settings = BacktestSettings(
                dataset: data, symbol: symbol, timeframe: timeframe, cash: try BacktestSettings.money(cash, field: "cash"),
                commission: Int64((commissionBasisPoints * 100).rounded()),
                fixedCommission: try BacktestSettings.money(commissionFixed, field: "fixedCommission"),
                slippage: Int64((slippageBasisPoints * 100).rounded()), seed: seed)
            settings.from = try from.map { (text) throws(BacktestSettingsError) in try Self.time(text, field: "from") }
            settings.to = try to.map { (text) throws(BacktestSettingsError) in try Self.time(text, field: "to") }
            try settings.validate()
        } catch {
            throw ValidationError("--\(Self.option(for: error.field)): \(error.issue)")
        }
        let progress = ProgressBar(enabled: !json && isatty(STDERR_FILENO) != 0 && bars.count >= 50_000)
        let outcome: BacktestOutcome
        do {
            let parametersFromText = try parameterValues(source: source, texts: overrides)
            var configuration: BacktestConfiguration
            do throws(BacktestSettingsError) {
                configuration = try settings.configuration(
                    source: source, chunkName: ScriptFile.chunkName(script), parameters: parametersFromText,
                    instrument: instrument, bars: bars, dataHash: SHA256.hex(SHA256.hash(raw)))
            } catch {
                throw ValidationError("--\(Self.option(for: error.field)): \(error.issue)")
            }
            configuration.exchange.barVolumeParticipation = participation
            outcome = try BacktestEngine.run(configuration, progress: progress.update,
                log: log ? { entry in print("\(Self.timestamp(entry.time)) [\(entry.level)] \(entry.message)") } : nil)
        } catch {
            // The script failed before its first bar (compiling, its main
            // chunk, its declaration or parameters).
            let scriptError: SandboxError? = switch error {
            case DeploymentError.script(let sandboxError): sandboxError
            case let sandboxError as SandboxError: sandboxError
            default: nil
            }
            if json, let scriptError {
                let fault = StrategyFault(scriptError, location: nil, callback: "main chunk", time: 0)
                FileHandle.standardOutput.write(try FaultJSON.data(fault))
                FileHandle.standardOutput.write(Data("\n".utf8))
            }
            progress.finish()
            FileHandle.standardError.write(Data("error: \(error)\n".utf8))
            throw ExitCode(65)
        }
        progress.finish()
        if let report {
            try Data(BacktestReport.html(for: outcome.result, series: outcome.report).utf8).write(to: URL(fileURLWithPath: report))
        }
        if json {
            FileHandle.standardOutput.write(try outcome.result.jsonData())
            FileHandle.standardOutput.write(Data("\n".utf8))
        } else {
            print(BacktestSummary.table(for: outcome.result))
            for entry in outcome.log.suffix(10) where entry.level != "info" {
                print("[\(entry.level)] \(entry.message)")
            }
            if !outcome.rejectedOrders.isEmpty { print("rejected orders: \(outcome.rejectedOrders.count)") }
            if let report { print("report written to \(report)") }
        }
        // A fault fails the run (exit 65) in every mode; what was printed
        // above is the partial result up to the fault.
        if let fault = outcome.ending.fault {
            var text = "error: strategy faulted: \(fault.summary) at \(Self.timestamp(fault.time)); the result is partial\n"
            if let traceback = fault.traceback { text += traceback + "\n" }
            FileHandle.standardError.write(Data(text.utf8))
            throw ExitCode(65)
        }
    }

    static func time(_ text: String, field: String) throws(BacktestSettingsError) -> Int64 {
        guard let seconds = BarCSV.time(text) else {
            throw BacktestSettingsError(field: field, issue: "must be an ISO-8601 time or epoch seconds")
        }
        return seconds
    }

    /// The option that sets a `BacktestSettings` field.
    static func option(for field: String) -> String {
        switch field {
        case "dataset": "data"
        case "fixedCommission": "commission-fixed"
        case "commission": "commission-bps"
        case "slippage": "slippage-bps"
        default: field
        }
    }

    static func timestamp(_ seconds: Int64) -> String {
        let formatter = ISO8601DateFormatter()
        return formatter.string(from: Date(timeIntervalSince1970: TimeInterval(seconds)))
    }

    /// Parses `--param` texts by the script's declared types (loading the
    /// script once in a throwaway sandbox to read its declaration).
    private func parameterValues(source: String, texts: [String: String]) throws -> [String: LuaValue] {
        guard !texts.isEmpty else { return [:] }
        let sandbox = try Sandbox()
        try sandbox.load(source, chunkName: ScriptFile.chunkName(script))
        let schema = try StrategySchema(declaration: sandbox.global(named: "strategy"))
        return try schema.resolve(texts: texts)
    }
}

/// `{"error": {...}}`: the JSON of a backtest that failed before its first
/// bar, in the same shape as the `error` object of a result.
enum FaultJSON {
    private struct Envelope: Encodable { let error: StrategyFault }

    static func data(_ fault: StrategyFault) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(Envelope(error: fault))
    }
}

/// A one-line progress bar on stderr for long runs on a terminal.
final class ProgressBar: @unchecked Sendable {
    let enabled: Bool
    init(enabled: Bool) { self.enabled = enabled }

    var update: ((Int, Int) -> Void)? {
        guard enabled else { return nil }
        return { done, total in
            let width = 40
            let filled = total > 0 ? width * done / total : width
            let bar = String(repeating: "█", count: filled) + String(repeating: "·", count: width - filled)
            FileHandle.standardError.write(Data("\r\(bar) \(done * 100 / max(total, 1))%".utf8))
        }
    }

    func finish() {
        if enabled { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
    }
}
