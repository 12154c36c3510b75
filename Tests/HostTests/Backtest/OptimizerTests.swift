import Foundation
import Testing
import TestSupport
@testable import Host
import Sandbox

/// Parameter sweeps: the space comes from the declared parameters (checked,
/// bounded), the ranking is by the objective and stable, failed runs rank
/// last, walk-forward windows cut the period as documented. The runner here
/// is a pure function of the parameters, so the expected order is known.
@Suite struct OptimizerTests {
    static let schema = StrategySchema(name: "s", description: "", version: "1", symbols: [], parameters: [
        ParameterSpec(name: "fast", type: .integer, defaultValue: .integer(10), minimum: 2, maximum: 50, choices: nil, description: ""),
        ParameterSpec(name: "mode", type: .string, defaultValue: .string("a"), minimum: nil, maximum: nil,
                      choices: [.string("a"), .string("b")], description: ""),
        ParameterSpec(name: "size", type: .number, defaultValue: .number(0.5), minimum: 0.1, maximum: 1, choices: nil, description: ""),
    ])

    /// A curve that ends at `1 + gain` and dips by `dip`.
    static func metrics(gain: Double, dip: Double = 0.1) -> BacktestMetrics {
        let start = 100_000.0
        let points = [start, start * (1 - dip), start * (1 + gain)].enumerated().map {
            EquityPoint(time: Int64($0.offset) * 86_400, equity: Money(approximately: $0.element))
        }
        return BacktestMetrics(equityCurve: points, trades: [], barCount: 3, barsInMarket: 3)
    }

    @Test func aGridIsEveryCheckedCombinationWithDefaultsForTheRest() throws {
        let space = try ParameterSpace(schema: Self.schema, ranges: ["fast": .stepped(from: 5, to: 15, step: 5), "mode": .values([.string("a"), .string("b")])])
        let candidates = try space.candidates(.grid)
        #expect(candidates.count == 6)
        #expect(Set(candidates.map { "\($0["fast"]!)-\($0["mode"]!)" }).count == 6)
        #expect(candidates.allSatisfy { $0["size"] == .number(0.5) }, "undeclared-in-the-sweep parameters keep their defaults")
        #expect(candidates.first?["fast"] == .integer(5))
    }

    @Test func badRangesNameTheField() {
        func issues(_ ranges: [String: ParameterRange]) -> [String] {
            do { _ = try ParameterSpace(schema: Self.schema, ranges: ranges); return [] } catch { return error.issues.map(\.field) }
        }
        #expect(issues(["slow": .values([.integer(1)])]) == ["ranges.slow"])
        #expect(issues(["fast": .stepped(from: 1, to: 10, step: 1)]) == ["ranges.fast[0]"], "1 is below the declared minimum 2")
        #expect(issues(["mode": .values([.string("c")])]) == ["ranges.mode[0]"])
        #expect(issues(["fast": .stepped(from: 5, to: 1, step: 1)]) == ["ranges.fast"])
        #expect(issues(["fast": .stepped(from: 2, to: 50, step: .nan)]) == ["ranges.fast"])
        #expect(issues(["mode": .stepped(from: 1, to: 2, step: 1)]) == ["ranges.mode"])
        #expect(issues([:]) == ["ranges"])
        // Hostile sizes are refused, never converted: each of these trapped once (a crashed server).
        #expect(issues(["fast": .stepped(from: 5, to: 1e300, step: 1)]) == ["ranges.fast"])
        #expect(issues(["fast": .stepped(from: -1e308, to: 1e308, step: 1e-300)]) == ["ranges.fast"])
        #expect(issues(["fast": .stepped(from: 0, to: 1e300, step: 1e298)]) == ["ranges.fast[1]"])
        #expect(issues(["size": .stepped(from: 0.1, to: 1e300, step: 1e298)]).first == "ranges.size[1]", "above the maximum")
    }

    @Test func sweepsAreBoundedAndARandomSearchIsSeeded() throws {
        let big = try ParameterSpace(schema: Self.schema, ranges: ["fast": .stepped(from: 2, to: 50, step: 1),
                                                                   "size": .stepped(from: 0.1, to: 1, step: 0.01)])
        #expect(big.gridSize > ParameterSpace.maximumTrials)
        #expect(throws: SchemaIssues.self) { try big.candidates(.grid) }
        let first = try big.candidates(.random(count: 40, seed: 7))
        #expect(first.count == 40 && Set(first.map { "\($0["fast"]!)-\($0["size"]!)" }).count == 40, "distinct draws")
        #expect(try big.candidates(.random(count: 40, seed: 7)) == first, "the same seed draws the same sample")
        #expect(try big.candidates(.random(count: 40, seed: 8)) != first)
        #expect(throws: SchemaIssues.self) { try big.candidates(.random(count: 0, seed: 1)) }
    }

    @Test func runsRankByTheObjectiveWithFailuresLastAndTiesInOrder() throws {
        let space = try ParameterSpace(schema: Self.schema, ranges: ["fast": .stepped(from: 2, to: 20, step: 2)])
        let candidates = try space.candidates(.grid)
        let trials = Optimizer.evaluate(candidates, objective: .totalReturn, concurrency: 4) { parameters in
            guard case .integer(let fast) = parameters["fast"] else { return .failure(OptimizationFailure("no fast")) }
            if fast == 8 { return .failure(OptimizationFailure("faulted")) }
            return .success(Self.metrics(gain: fast == 12 ? 0.5 : Double(fast) / 100))
        }
        #expect(trials.count == 10)
        #expect(trials.first?.parameters["fast"] == .integer(12))
        #expect(trials.last?.failure == "faulted" && trials.last?.score == nil)
        let scores = trials.compactMap(\.score)
        #expect(scores == scores.sorted(by: >))
        // Return over drawdown prefers the smoother of two equal returns.
        let smooth = Optimizer.evaluate([["fast": .integer(2)], ["fast": .integer(4)]], objective: .returnOverDrawdown, concurrency: 2) { p in
            .success(Self.metrics(gain: 0.2, dip: p["fast"] == .integer(2) ? 0.3 : 0.05))
        }
        #expect(smooth.first?.parameters["fast"] == .integer(4))
    }

    @Test func walkForwardWindowsCutThePeriodAndRunTheWinnerOutOfSample() throws {
        let times = (0..<1_000).map { Int64($0) * 3_600 }
        let plan = try WalkForwardPlan(windows: 4, inSampleFraction: 0.75)
        let periods = try plan.periods(of: times)
        #expect(periods.count == 4)
        #expect(periods[0].inSample == 0...(186 * 3_600) && periods[0].outOfSample == (187 * 3_600)...(249 * 3_600))
        #expect(periods[3].outOfSample.upperBound == 999 * 3_600, "the last window takes the remainder")
        for (earlier, later) in zip(periods, periods.dropFirst()) { #expect(earlier.outOfSample.upperBound < later.inSample.lowerBound) }
        #expect(throws: SchemaIssues.self) { try WalkForwardPlan(windows: 60).periods(of: times) }
        #expect(throws: SchemaIssues.self) { try WalkForwardPlan(windows: 4, inSampleFraction: 0.95) }

        let seen = OutOfSampleLog()
        let windows = try Optimizer.walkForward([["fast": .integer(2)], ["fast": .integer(4)]], plan: plan, times: times,
                                                objective: .totalReturn, concurrency: 2) { parameters, period in
            // In-sample, fast=4 wins in the first half of the data, fast=2 after.
            let winner: Int64 = period.lowerBound < 500 * 3_600 ? 4 : 2
            let gain = parameters["fast"] == .integer(winner) ? 0.1 : 0.01
            if periods.contains(where: { $0.outOfSample == period }) { seen.add(period) }
            return .success(Self.metrics(gain: gain))
        }
        #expect(windows.map { $0.best?.parameters["fast"] } == [.integer(4), .integer(4), .integer(2), .integer(2)])
        #expect(windows.allSatisfy { $0.outOfSampleMetrics != nil })
        #expect(seen.periods == Set(periods.map(\.outOfSample).map { "\($0)" }), "each winner ran once out-of-sample")
    }
}

private final class OutOfSampleLog: @unchecked Sendable {
    private let lock = NSLock()
    private var seen: Set<String> = []
    func add(_ period: ClosedRange<Int64>) { lock.withLock { _ = seen.insert("\(period)") } }
    var periods: Set<String> { lock.withLock { seen } }
}
