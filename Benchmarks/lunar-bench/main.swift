// `make bench`: prints every speed and memory figure the issues ask for, each
// with its baseline from the same run. Nothing is asserted: the machines are
// shared, so these are evidence, not tests. Method: docs/benchmarks.md.
import Foundation

var report = Report()
print("lunar-bench — \(ProcessInfo.processInfo.activeProcessorCount) cores; best of 5 rounds unless noted")
do {
    let only = CommandLine.arguments.dropFirst().first
    if only == nil || only == "sandbox" { try SandboxBenchmarks.run(&report) }
    if only == nil || only == "host" { try HostBenchmarks.run(&report) }
    if only == nil || only == "isolation" { try IsolationBenchmarks.run(&report) }
    if only == "backtest" { try HostBenchmarks.backtestThroughput(&report) }
    if only == "hostcalls" { try HostCallBenchmarks.run(&report, only: CommandLine.arguments.dropFirst(2).first) }
    if only == "breakdown" { try HostBenchmarks.costBreakdown(HostBenchmarks.bars(1_000_000), &report) }
    if only == "profile" { try HostBenchmarks.profile(step: CommandLine.arguments.dropFirst(2).first.flatMap { Int($0) } ?? 4) }
    if only == "peers" { try PeerBenchmarks.run(&report) }
    if only == nil || only == "orders" { try OrderScalingBenchmarks.run(&report) }
    if only == "orders-one" { try OrderScalingBenchmarks.runOne(Array(CommandLine.arguments.dropFirst(2))) }
    if only == nil || only == "marketplace" { try MarketplaceBenchmarks.run(&report) }
} catch {
    print("benchmark failed: \(error)")
    exit(1)
}
