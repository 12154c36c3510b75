/// The peers' comparison, where `HostBenchmarks.run` has always called it: it
/// now runs backtesting.py, backtrader and vectorbt on the same 1,000,000
/// bars as Lunar (`PeerBenchmarks`) instead of the 8,760-bar sample file.
enum PythonBaselines {
    static func run(_ report: inout Report) {
        do { try PeerBenchmarks.run(&report) } catch {
            report.row("peers", "skipped: \(error)")
        }
    }
}
