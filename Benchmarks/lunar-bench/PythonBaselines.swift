import Foundation
import Host

/// The same SMA crossover in backtesting.py and backtrader, on the same
/// sample data, in the same run (scripts/bench_python_baselines.py installs
/// them from PyPI into a private virtualenv the first time).
enum PythonBaselines {
    static func run(_ report: inout Report) {
        let path = "data/sample-btcusd-1h.csv"
        guard let bars = try? BarCSV.load(path: path, instrument: HostBenchmarks.instrument) else {
            report.row("python baselines", "skipped: run from the package root")
            return
        }
        let repeats = 20
        let configuration = BacktestConfiguration(
            source: HostBenchmarks.smaCrossover, instruments: [HostBenchmarks.instrument], bars: ["BTCUSD": bars],
            timeframe: 3600, exchange: ExchangeConfiguration(commission: CommissionModel(hundredthsOfBasisPoint: 1_000)))
        let start = DispatchTime.now().uptimeNanoseconds
        for _ in 0..<repeats { _ = try? BacktestEngine.run(configuration) }
        let lunar = Double(bars.count * repeats) / (Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
        report.row("SMA crossover on sample data (8,760 bars): Lunar bars/s", String(format: "%.0f", lunar))

        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "scripts/bench_python_baselines.py", path, "3"]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        do { try process.run() } catch {
            report.row("  backtesting.py / backtrader", "skipped: no python3")
            return
        }
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0,
              let line = String(data: data, encoding: .utf8)?.split(separator: "\n").last,
              let json = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Double] else {
            report.row("  backtesting.py / backtrader", "skipped: could not install or run them")
            return
        }
        for name in ["backtesting", "backtrader"] {
            guard let rate = json[name] else { continue }
            report.row("  \(name == "backtesting" ? "backtesting.py" : "backtrader") bars/s (same strategy, same data)",
                       String(format: "%.0f", rate), baseline: String(format: "Lunar %.0f", lunar), ratio: lunar / rate)
        }
    }
}
