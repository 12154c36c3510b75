import ArgumentParser
import Foundation
import Host
import Sandbox

/// `lunar replay STRATEGY.lua --data FILE.csv`: feeds bars to the script's
/// `on_bar(ctx, bar)` in a sandbox and prints what it printed.
struct Replay: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Replay OHLCV bars through a script's on_bar in the sandbox (no orders)."
    )

    @Argument(help: "The strategy script.") var script: String
    @Option(help: "CSV with time,open,high,low,close,volume.") var data: String
    @Option(help: "Seed of math.random.") var seed: UInt64 = 1

    func run() throws {
        let source = try ScriptFile.read(script)
        let bars: [Bar]
        let instrument = Instrument(symbol: "SAMPLE", priceDecimals: 2, quantityDecimals: 8)
        do {
            bars = try BarCSV.load(path: data, instrument: instrument)
        } catch {
            throw ValidationError("\(data): \(error)")
        }
        print("replaying \(bars.count) bars from \(data) through \(script) in a sandbox")
        let started = Date()
        do {
            var limits = SandboxLimits.standard
            limits.randomSeed = seed
            let summary = try BarReplay(limits: limits).run(
                source: source, chunkName: ScriptFile.chunkName(script), instrument: instrument, bars: bars,
                output: { print("  \($0.text)") })
            let seconds = Date().timeIntervalSince(started)
            print(String(format: "done: %d bars in %.3f s (%.0f bars/s), peak Lua memory %d KiB",
                         summary.barsDelivered, seconds, Double(summary.barsDelivered) / seconds, summary.memoryPeak / 1024))
        } catch {
            FileHandle.standardError.write(Data("error: \(error)\n".utf8))
            throw ExitCode(65)
        }
    }
}
