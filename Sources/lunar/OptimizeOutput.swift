import Foundation
import Host
import Sandbox

/// How `lunar optimize` prints its ranking and walk-forward windows.
enum OptimizeOutput {
    static func parameters(_ values: [String: LuaValue]) -> String {
        values.keys.sorted().map { "\($0)=\(text(values[$0]!))" }.joined(separator: " ")
    }

    static func text(_ value: LuaValue) -> String {
        switch value {
        case .integer(let integer): String(integer)
        case .number(let number): String(number)
        case .string(let string): string
        case .boolean(let flag): String(flag)
        default: "\(value)"
        }
    }

    static func figure(_ value: Double?, percent: Bool = false) -> String {
        guard let value, value.isFinite else { return "n/a" }
        return percent ? String(format: "%.2f%%", value * 100) : String(format: "%.3f", value)
    }

    static func table(trials: [OptimizationTrial], objective: OptimizationObjective, top: Int, elapsed: Duration) -> String {
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        var lines = ["\(trials.count) runs in \(String(format: "%.1f", seconds)) s (\(String(format: "%.1f", Double(trials.count) / max(seconds, 1e-9))) runs/s), ranked by \(objective.rawValue):",
                     "rank  score      return     sharpe   drawdown  trades  parameters"]
        for (rank, trial) in trials.prefix(top).enumerated() {
            let m = trial.metrics
            lines.append(pad(String(rank + 1), 4, right: true) + "  " + pad(figure(trial.score), 9) + "  "
                         + pad(figure(m?.totalReturn, percent: true), 9) + "  " + pad(figure(m?.sharpe), 7) + "  "
                         + pad(figure(m?.maxDrawdown, percent: true), 8) + "  " + pad(m.map { String($0.tradeCount) } ?? "-", 6, right: true)
                         + "  " + parameters(trial.parameters) + (trial.failure.map { "  (\($0))" } ?? ""))
        }
        let failed = trials.filter { $0.failure != nil }.count
        if failed > 0 { lines.append("\(failed) runs failed (listed last)") }
        return lines.joined(separator: "\n")
    }

    static func table(windows: [WalkForwardWindow], objective: OptimizationObjective, runs: Int, elapsed: Duration) -> String {
        var lines = ["walk-forward, \(windows.count) windows × \(runs) runs, ranked by \(objective.rawValue):",
                     "window  in-sample                                 IS score  out-of-sample                             OOS return  OOS score  parameters"]
        var compounded = 1.0
        for (index, window) in windows.enumerated() {
            let oosReturn = window.outOfSampleMetrics?.totalReturn
            if let oosReturn { compounded *= 1 + oosReturn }
            lines.append(pad(String(index + 1), 6, right: true) + "  " + period(window.inSample) + "  " + pad(figure(window.best?.score), 8)
                         + "  " + period(window.outOfSample) + "  " + pad(figure(oosReturn, percent: true), 10) + "  "
                         + pad(figure(window.outOfSampleScore), 9) + "  " + (window.best.map { parameters($0.parameters) } ?? "no run scored"))
        }
        lines.append("out-of-sample return, compounded over the windows: \(figure(compounded - 1, percent: true))")
        return lines.joined(separator: "\n")
    }

    static func pad(_ text: String, _ width: Int, right: Bool = false) -> String {
        let fill = String(repeating: " ", count: max(0, width - text.count))
        return right ? fill + text : text + fill
    }

    static func period(_ range: ClosedRange<Int64>) -> String { "\(day(range.lowerBound)) to \(day(range.upperBound))" }

    static func day(_ seconds: Int64) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.string(from: Date(timeIntervalSince1970: TimeInterval(seconds)))
    }

    private struct TrialJSON: Encodable {
        var rank: Int
        var score: Double?
        var parameters: [String: LuaValue]
        var totalReturn: Double?
        var sharpe: Double?
        var maxDrawdown: Double?
        var tradeCount: Int?
        var failure: String?
    }

    private struct WindowJSON: Encodable {
        var inSample: [String]
        var outOfSample: [String]
        var best: TrialJSON?
        var outOfSampleReturn: Double?
        var outOfSampleSharpe: Double?
        var outOfSampleScore: Double?
        var outOfSampleFailure: String?
    }

    private static func trialJSON(_ trial: OptimizationTrial, rank: Int) -> TrialJSON {
        TrialJSON(rank: rank, score: trial.score, parameters: trial.parameters, totalReturn: finite(trial.metrics?.totalReturn),
                  sharpe: finite(trial.metrics?.sharpe), maxDrawdown: trial.metrics?.maxDrawdown, tradeCount: trial.metrics?.tradeCount,
                  failure: trial.failure)
    }

    private static func finite(_ value: Double?) -> Double? { value.flatMap { $0.isFinite ? $0 : nil } }

    private static func encode(_ value: some Encodable) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    private struct RankingJSON: Encodable {
        var objective: String
        var runs: Int
        var ranking: [TrialJSON]
    }

    static func json(trials: [OptimizationTrial], objective: OptimizationObjective, top: Int) throws -> String {
        try encode(RankingJSON(objective: objective.rawValue, runs: trials.count,
                               ranking: trials.prefix(top).enumerated().map { trialJSON($1, rank: $0 + 1) }))
    }

    static func json(windows: [WalkForwardWindow], objective: OptimizationObjective) throws -> String {
        try encode(windows.map { window in
            WindowJSON(inSample: [day(window.inSample.lowerBound), day(window.inSample.upperBound)],
                       outOfSample: [day(window.outOfSample.lowerBound), day(window.outOfSample.upperBound)],
                       best: window.best.map { trialJSON($0, rank: 1) }, outOfSampleReturn: finite(window.outOfSampleMetrics?.totalReturn),
                       outOfSampleSharpe: finite(window.outOfSampleMetrics?.sharpe), outOfSampleScore: window.outOfSampleScore,
                       outOfSampleFailure: window.outOfSampleFailure)
        })
    }
}
