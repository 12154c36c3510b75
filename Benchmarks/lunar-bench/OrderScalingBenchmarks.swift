import Foundation
import Host
import Sandbox

/// Order-heavy backtests stay linear: a strategy that places a market order on
/// every bar (buy 0.01 when flat, sell 0.01 when long; each fills at the next
/// bar's open) through the whole backtest kernel, for 1k to 1M bars. Each size
/// runs in a fresh process (`lunar-bench orders-one N KIND`) so its peak
/// resident set (VmHWM) is its own; the same bars with an `on_bar` that places
/// nothing give the baseline, so the difference is what the orders cost.
enum OrderScalingBenchmarks {
    static let sizes = [1_000, 10_000, 100_000, 1_000_000]
    static let idleStrategy = "function on_bar(ctx, bar) end"

    struct Sample {
        var bars = 0
        var seconds = 0.0
        var fills = 0
        var rejected = 0
        var peakBytes = 0
        var cpuSeconds = 0.0
        var heapGrowth = 0
    }

    static func run(_ report: inout Report) throws {
        report.section("Order-heavy runs (an order every bar; one fresh process per size)")
        var perOrder: [Double] = []
        var perOrderCPU: [Double] = []
        for count in sizes {
            guard let orders = child(count, kind: "orders"), let idle = child(count, kind: "idle") else {
                report.row("orders \(count)", "skipped: could not run lunar-bench orders-one")
                return
            }
            let cost = orders.seconds * 1e9 / Double(max(1, orders.fills))
            let cpu = orders.cpuSeconds * 1e9 / Double(max(1, orders.fills))
            perOrder.append(cost)
            perOrderCPU.append(cpu)
            report.row("\(count) bars: per order, wall (whole run / fills)", format(nanoseconds: cost),
                       baseline: "CPU " + format(nanoseconds: cpu), goal: "\(orders.fills) fills, \(orders.rejected) rejected")
            report.row("  same bars, no orders: per bar", format(nanoseconds: idle.seconds * 1e9 / Double(count)),
                       baseline: String(format: "orders add %@", format(nanoseconds: (orders.seconds - idle.seconds) * 1e9
                                                                            / Double(max(1, orders.fills)))))
            let extra = Double(orders.peakBytes - idle.peakBytes)
            report.row("  peak resident (VmHWM): orders / no orders", format(bytes: Double(orders.peakBytes)),
                       baseline: format(bytes: Double(idle.peakBytes)),
                       goal: String(format: "+%@ (%.0f B/order)", format(bytes: max(0, extra)),
                                    max(0, extra) / Double(max(1, orders.fills))))
        }
        if let low = perOrder.min(), let high = perOrder.max(), let lowCPU = perOrderCPU.min(),
           let highCPU = perOrderCPU.max() {
            report.row("per-order cost, largest / smallest over 1k…1M (wall)", String(format: "%.2fx", high / low),
                       baseline: String(format: "CPU %.2fx", highCPU / lowCPU), goal: "<= 1.5x")
        }
        // The live kernel (no result to build): what its resident set gains between
        // the 10,000th and the 1,000,000th order is what orders leave behind.
        if let live = child(1_000_000, kind: "live") {
            report.row("live kernel, 1M orders: resident growth after order 10k", format(bytes: Double(live.heapGrowth)),
                       baseline: String(format: "%.2f B/order", Double(live.heapGrowth) / Double(max(1, live.fills - 10_000))),
                       goal: "bounded (~0)")
        }
    }

    /// Runs one size in a fresh process of this executable and reads its line.
    static func child(_ count: Int, kind: String) -> Sample? {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Bundle.main.executablePath ?? "/proc/self/exe")
        process.arguments = ["orders-one", String(count), kind]
        let output = Pipe()
        process.standardOutput = output
        do { try process.run() } catch { return nil }
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0,
              let line = String(data: data, encoding: .utf8)?.split(separator: "\n").last,
              let json = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Double] else { return nil }
        return Sample(bars: Int(json["bars"] ?? 0), seconds: json["seconds"] ?? 0, fills: Int(json["fills"] ?? 0),
                      rejected: Int(json["rejected"] ?? 0), peakBytes: Int(json["peak"] ?? 0),
                      cpuSeconds: json["cpu"] ?? 0, heapGrowth: Int(json["heapGrowth"] ?? 0))
    }

    /// The child: one size, best of a few runs (more for the small sizes, whose
    /// single run is short), then the peak resident set, as one JSON line.
    static func runOne(_ arguments: [String]) throws {
        guard arguments.count >= 2, let count = Int(arguments[0]) else {
            print("usage: lunar-bench orders-one N orders|idle")
            exit(2)
        }
        let source = arguments[1] == "idle" ? idleStrategy : HostBenchmarks.everyBarTrader
        let series = HostBenchmarks.bars(count)
        if arguments[1] == "live" { return try runLive(series) }
        let configuration = BacktestConfiguration(
            source: source, instruments: [HostBenchmarks.instrument], bars: ["BTCUSD": series], timeframe: 60,
            // Enough cash that a million fees never exhaust it: every order fills.
            startingCash: Money(10_000_000), exchange: ExchangeConfiguration(commission: CommissionModel(hundredthsOfBasisPoint: 1_000)),
            risk: HostBenchmarks.risk,
            sandboxLimits: SandboxLimits(cpuTimePerCall: .seconds(1), wallTimePerCall: .seconds(5)))
        let rounds = max(3, min(50, 2_000_000 / count))
        var best = Double.infinity
        var bestCPU = Double.infinity
        var fills = 0
        var rejected = 0
        for _ in 0..<rounds {
            let start = DispatchTime.now().uptimeNanoseconds
            let startCPU = cpuSeconds()
            let outcome = try BacktestEngine.run(configuration)
            best = min(best, Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
            bestCPU = min(bestCPU, cpuSeconds() - startCPU)
            // Every trade here is one buy fill and one sell fill of 0.01.
            fills = 2 * outcome.result.metrics.tradeCount + outcome.result.finalPositions.count
            rejected = outcome.rejectedOrders.count
        }
        let json: [String: Double] = ["bars": Double(count), "seconds": best, "fills": Double(fills),
                                      "rejected": Double(rejected), "peak": Double(peakResidentBytes()), "cpu": bestCPU]
        try printJSON(json)
    }

    /// The live path: the every-bar trader in a `DeploymentKernel` fed bar by
    /// bar, with the resident set read after order 10,000 and at the end (the C
    /// heap counters leave out large blocks, which glibc maps on their own).
    static func runLive(_ series: [Bar]) throws {
        let kernel = try DeploymentKernel(configuration: DeploymentConfiguration(
            source: HostBenchmarks.everyBarTrader, instruments: [HostBenchmarks.instrument],
            startingCash: Money(10_000_000), risk: HostBenchmarks.risk))
        kernel.start(at: series[0].time)
        var early = 0
        for (index, bar) in series.enumerated() {
            kernel.handle(.bar(bar, symbol: "BTCUSD", timeframe: 60))
            if index == 10_000 { early = Measure.residentBytes() }
        }
        let grown = Measure.residentBytes() - early
        try printJSON(["bars": Double(series.count), "fills": Double(kernel.fillCount), "heapGrowth": Double(grown),
                       "peak": Double(peakResidentBytes())])
    }

    static func printJSON(_ json: [String: Double]) throws {
        let data = try JSONSerialization.data(withJSONObject: json, options: [.sortedKeys])
        print(String(decoding: data, as: UTF8.self))
    }

    /// CPU time this process has used, user and system (immune to waiting
    /// for a core on a shared machine, unlike wall time).
    static func cpuSeconds() -> Double {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec)
            + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
    }

    /// VmHWM of /proc/self/status: the largest resident set this process had.
    static func peakResidentBytes() -> Int {
        guard let text = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return 0 }
        for line in text.split(separator: "\n") where line.hasPrefix("VmHWM:") {
            let digits = line.split(whereSeparator: { $0 == " " || $0 == "\t" }).dropFirst().first.flatMap { Int($0) } ?? 0
            return digits * 1024
        }
        return 0
    }
}
