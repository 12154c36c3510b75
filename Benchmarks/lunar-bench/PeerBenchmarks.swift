import Foundation
import Host
import Sandbox

/// Lunar against backtesting.py, backtrader and vectorbt on the same bars in
/// the same run: the benchmark's seeded one-minute series is written to a CSV
/// that `scripts/bench_peers.py` replays in each engine, with the strategy,
/// fills and fees of the differential tests (docs/benchmarks.md, "Peers on
/// the same 1,000,000 bars"). `PEER_BARS` shrinks the series; `PEER_ENGINES`
/// (e.g. `backtesting,vectorbt`) picks the engines.
enum PeerBenchmarks {
    static let strategyPath = "scripts/differential/sma_cross_long_only.lua"
    static let parameters: [String: LuaValue] = ["fast": .integer(10), "slow": .integer(30), "fraction": .number(0.95)]
    /// 1 bp, in hundredths of a basis point (0.0001 of notional in the peers).
    /// Not the 10 bps of `HostBenchmarks`: over the ~12,000 round trips of a
    /// million bars, 10 bps compounds the equity down to about 10^-6 of the
    /// start, where Lunar's 10^-8 lots round an entry to nothing while the
    /// float engines keep trading, and the trade lists part ways.
    static let commission: Int64 = 100

    static var barCount: Int {
        ProcessInfo.processInfo.environment["PEER_BARS"].flatMap { Int($0) }.map { max(100, $0) } ?? 1_000_000
    }

    static func run(_ report: inout Report) throws {
        let count = barCount
        report.section("Peers on the same \(count) bars (SMA 10/30 cross, long only, 95% of equity, 1 bp)")
        guard let source = try? String(contentsOfFile: strategyPath, encoding: .utf8) else {
            report.row("peers", "skipped: run from the package root (\(strategyPath))")
            return
        }
        let series = HostBenchmarks.bars(count)
        let configuration = BacktestConfiguration(
            source: source, parameters: parameters, instruments: [HostBenchmarks.instrument],
            bars: ["BTCUSD": series], timeframe: 60,
            exchange: ExchangeConfiguration(commission: CommissionModel(hundredthsOfBasisPoint: commission)),
            risk: HostBenchmarks.risk, sandboxLimits: SandboxLimits(cpuTimePerCall: .seconds(1), wallTimePerCall: .seconds(5)))
        var first = 0.0
        var best = Double.infinity
        var outcome: BacktestOutcome?
        for round in 0..<3 {
            let start = DispatchTime.now().uptimeNanoseconds
            outcome = try BacktestEngine.run(configuration)
            let elapsed = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
            if round == 0 { first = elapsed }
            best = min(best, elapsed)
        }
        guard let result = outcome?.result else { return }
        let lunar = Double(count) / best
        let lunarFirst = Double(count) / first
        report.row("Lunar bars/s (best of 3; first run \(String(format: "%.0f", lunarFirst)))", String(format: "%.0f", lunar),
                   baseline: String(format: "%.2f s", best))
        report.row("  Lunar trades (closed + open at end), end equity",
                   "\(result.metrics.tradeCount) + \(result.finalPositions.count)", baseline: String(format: "%.2f", result.metrics.endEquity.doubleValue))

        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("lunar-peers-\(getpid())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        // PEER_CSV keeps a copy of the bars there, to replay them by hand.
        let kept = ProcessInfo.processInfo.environment["PEER_CSV"]
        let csv = kept.map { URL(fileURLWithPath: $0) } ?? folder.appendingPathComponent("bars.csv")
        try writeCSV(series, to: csv)
        // The peers read this file; Lunar ran on `series`: they are the same bars.
        let reread = try BarCSV.load(path: csv.path, instrument: HostBenchmarks.instrument)
        report.row("  bars written for the peers, read back equal", reread == series ? "yes" : "NO", baseline: csv.lastPathComponent)
        let stderrFile = folder.appendingPathComponent("stderr.txt")
        FileManager.default.createFile(atPath: stderrFile.path, contents: nil)

        print("  (running the peers on the same bars; backtrader on 1M bars takes minutes — PEER_BARS=100000 shrinks it)")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "scripts/bench_peers.py", csv.path, "--fast=10", "--slow=30", "--fraction=0.95",
                             "--commission=0.0001", "--cash=100000",
                             "--engines=" + (ProcessInfo.processInfo.environment["PEER_ENGINES"] ?? "vectorbt,backtesting,backtrader")]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = try FileHandle(forWritingTo: stderrFile)
        do { try process.run() } catch {
            report.row("  backtesting.py / backtrader / vectorbt", "skipped: cannot start python3 (\(error))")
            return
        }
        // One JSON line per engine, printed as each one finishes.
        var pending = Data()
        var engines = 0
        let handle = output.fileHandleForReading
        while true {
            let chunk = handle.availableData
            if chunk.isEmpty { break }
            pending.append(chunk)
            while let newline = pending.firstIndex(of: UInt8(ascii: "\n")) {
                let line = pending[pending.startIndex..<newline]
                pending = Data(pending[(newline + 1)...])
                guard let json = try? JSONSerialization.jsonObject(with: line) as? [String: Any] else { continue }
                engines += 1
                row(json, lunar: lunar, lunarFirst: lunarFirst, lunarTrades: result.metrics.tradeCount, &report)
            }
        }
        process.waitUntilExit()
        if process.terminationStatus != 0 {
            let tail = (try? String(contentsOf: stderrFile, encoding: .utf8))?
                .split(separator: "\n").last.map(String.init) ?? ""
            let why = process.terminationStatus == 127 ? "no python3" : "install or run failed (no network?)"
            report.row("  peers skipped: \(why)", "\(engines) of 4 ran")
            print("    python said: \(tail.prefix(200))")
        }
    }

    /// Prints one engine's speed and its trade count next to Lunar's.
    static func row(_ json: [String: Any], lunar: Double, lunarFirst: Double, lunarTrades: Int, _ report: inout Report) {
        guard let engine = json["engine"] as? String, let rate = json["bars_per_second"] as? Double,
              let seconds = json["seconds"] as? Double else { return }
        let coldRun = engine.hasPrefix("vectorbt end to end")
        // End to end is compared with Lunar's first run in this process
        // (sandbox creation and script compile included); warm with its best.
        let reference = coldRun ? lunarFirst : lunar
        let goal = engine == "backtesting.py" ? ">= 15x" : engine == "backtrader" ? ">= 150x" : coldRun ? "> 1x" : ""
        report.row("  \(engine) bars/s", String(format: "%.0f", rate),
                   baseline: String(format: "Lunar %.0f", reference), ratio: reference / rate, goal: goal)
        let trades = json["trades"] as? Int ?? -1
        let open = json["open"] as? Int ?? 0
        let equity = json["equity"] as? Double ?? .nan
        report.row("    trades (closed + open), end equity, run time", "\(trades) + \(open)",
                   baseline: String(format: "%.2f", equity),
                   goal: String(format: "%.2f s", seconds) + (trades == lunarTrades ? "" : "  (Lunar \(lunarTrades))"))
    }

    /// The bars as `time,open,high,low,close,volume` with Lunar's decimals,
    /// the format `lunar backtest --data` and the peers' loaders read.
    static func writeCSV(_ bars: [Bar], to url: URL) throws {
        let instrument = HostBenchmarks.instrument
        var text = "time,open,high,low,close,volume\n"
        text.reserveCapacity(bars.count * 64)
        for bar in bars {
            text += "\(bar.time),\(FixedPoint.format(bar.open.ticks, decimals: instrument.priceDecimals)),"
            text += "\(FixedPoint.format(bar.high.ticks, decimals: instrument.priceDecimals)),"
            text += "\(FixedPoint.format(bar.low.ticks, decimals: instrument.priceDecimals)),"
            text += "\(FixedPoint.format(bar.close.ticks, decimals: instrument.priceDecimals)),"
            text += "\(FixedPoint.format(bar.volume.lots, decimals: instrument.quantityDecimals))\n"
        }
        try text.write(to: url, atomically: false, encoding: .utf8)
    }
}
