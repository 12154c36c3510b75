import Foundation
import Testing
import TestSupport

/// The `lunar` executable's `check` and `backtest --json` on scripts in a
/// temporary folder: what a user sees, exit code included.
@Suite struct LunarCommandTests {
    struct Output {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    static func lunar(_ arguments: [String]) throws -> Output {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: TestPaths.lunarExecutable)
        process.arguments = arguments
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Output(status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self),
                      stderr: String(decoding: stderr, as: UTF8.self))
    }

    static func temporaryFile(_ name: String, _ contents: String) throws -> String {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("lunar-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let url = folder.appendingPathComponent(name)
        try contents.write(to: url, atomically: true, encoding: .utf8)
        return url.path
    }

    @Test func checkListsParametersAndWarnsWithoutATradingCallback() throws {
        let script = try Self.temporaryFile("quiet.lua", """
            strategy = {
              name = "Quiet", version = "1.2",
              params = {
                fast = { type = "integer", default = 10, min = 2, max = 50, description = "Fast period" },
                mode = { type = "string", default = "long", choices = { "long", "short" } },
              },
            }
            function on_start(ctx) end
            """)
        let output = try Self.lunar(["check", script])
        #expect(output.status == 0, "\(output.stderr)")
        #expect(output.stdout.contains("strategy: Quiet 1.2"), "\(output.stdout)")
        let fast = output.stdout.split(separator: "\n").first { $0.contains("fast") }.map(String.init) ?? ""
        #expect(fast.contains("integer") && fast.contains("default 10") && fast.contains("range 2...50")
                && fast.contains("Fast period"), "\(fast)")
        let mode = output.stdout.split(separator: "\n").first { $0.contains("mode") }.map(String.init) ?? ""
        #expect(mode.contains("string") && mode.contains("default \"long\"") && mode.contains("one of \"long\", \"short\""), "\(mode)")
        #expect(output.stdout.contains("warning: callbacks: defines none of on_bar, on_tick, on_book, on_timer"), "\(output.stdout)")

        let invalid = try Self.lunar(["check", script, "--param", "fast=99"])
        #expect(invalid.status == 65)
        #expect(invalid.stderr.contains("parameters.fast"), "\(invalid.stderr)")
    }

    @Test func checkRefusesAnInvalidDeclaration() throws {
        let script = try Self.temporaryFile("bad.lua", """
            strategy = { name = "Bad", params = { n = { type = "integer", default = 1.5 } } }
            function on_bar(ctx, bar) end
            """)
        let output = try Self.lunar(["check", script])
        #expect(output.status == 65)
        #expect(output.stderr.contains("strategy.params.n"), "\(output.stderr)")
        #expect(!output.stdout.contains("warning:"))
    }

    @Test func backtestJSONOfAFaultedRunHasTheErrorObject() throws {
        let script = try Self.temporaryFile("faulty.lua", """
            local n = 0
            function on_bar(ctx, bar)
              n = n + 1
              if n == 2 then error("second bar") end
            end
            """)
        var csv = "time,open,high,low,close,volume\n"
        for index in 0..<5 { csv += "\(1_700_000_000 + index * 3600),100,101,99,100,10\n" }
        let data = try Self.temporaryFile("bars.csv", csv)
        let output = try Self.lunar(["backtest", script, "--data", data, "--json"])
        #expect(output.status == 65)
        #expect(output.stderr.contains("strategy faulted"), "\(output.stderr)")
        let json = try JSONSerialization.jsonObject(with: Data(output.stdout.utf8)) as? [String: Any]
        let error = try #require(json?["error"] as? [String: Any], "\(output.stdout.prefix(300))")
        #expect(error["kind"] as? String == "runtimeError")
        #expect(error["line"] as? Int == 4)
        #expect(error["callback"] as? String == "on_bar")
        // The second bar's event time: it is delivered when it closes.
        #expect((error["time"] as? NSNumber)?.int64Value == 1_700_007_200)
        #expect((error["message"] as? String)?.contains("second bar") == true)
        #expect((error["traceback"] as? String)?.contains("faulty.lua:4:") == true)
    }

    /// The period, cash and costs go through `BacktestSettings`, as the
    /// API's do: the same checks, the same refusals naming the option.
    @Test func backtestReplaysThePeriodAndRefusesAnEmptyOne() throws {
        let script = try Self.temporaryFile("quiet.lua", "function on_bar(ctx, bar) end\n")
        var csv = "time,open,high,low,close,volume\n"
        for index in 0..<10 { csv += "\(1_700_000_000 + index * 3600),100,101,99,100,10\n" }
        let data = try Self.temporaryFile("bars.csv", csv)
        let period = try Self.lunar(["backtest", script, "--data", data, "--json", "--from", "1700007200", "--to", "2023-11-15T04:00:00Z"])
        #expect(period.status == 0, "\(period.stderr)")
        let json = try JSONSerialization.jsonObject(with: Data(period.stdout.utf8)) as? [String: Any]
        // The bars at 00:13:20, 01:13:20, 02:13:20 and 03:13:20 on the 15th.
        #expect((json?["metrics"] as? [String: Any])?["barCount"] as? Int == 4, "\(period.stdout.prefix(300))")
        let backwards = try Self.lunar(["backtest", script, "--data", data, "--from", "2023-11-15", "--to", "2023-11-14"])
        #expect(backwards.status != 0 && backwards.stderr.contains("--to"), "\(backwards.stderr)")
        let empty = try Self.lunar(["backtest", script, "--data", data, "--from", "2030-01-01"])
        #expect(empty.status != 0 && empty.stderr.contains("--from"), "\(empty.stderr)")
        let cash = try Self.lunar(["backtest", script, "--data", data, "--cash", "NaN"])
        #expect(cash.status != 0 && cash.stderr.contains("--cash"), "\(cash.stderr)")
    }
}

/// `lunar optimize`: each run in a worker process is the backtest `lunar
/// backtest` gives for those parameters, ranked by the objective; a
/// walk-forward prints its windows; bad ranges name themselves.
@Suite struct LunarOptimizeTests {
    static let period = ["--from", "2023-01-01", "--to", "2023-03-01", "--commission-bps", "10", "--slippage-bps", "5"]

    @Test func theRankingIsTheBacktestsOfEachParameterSet() throws {
        let script = TestPaths.strategy("sma_crossover.lua").path, data = TestPaths.data("sample-btcusd-1h.csv").path
        let sweep = try LunarCommandTests.lunar(["optimize", script, "--data", data, "--range", "fast=5,10", "--range", "slow=20,40",
                                                 "--objective", "return", "--jobs", "2", "--json"] + Self.period)
        #expect(sweep.status == 0, "\(sweep.stderr)")
        let ranking = try #require((try JSONSerialization.jsonObject(with: Data(sweep.stdout.utf8)) as? [String: Any])?["ranking"] as? [[String: Any]])
        #expect(ranking.count == 4)
        let returns = ranking.compactMap { $0["totalReturn"] as? Double }
        #expect(returns == returns.sorted(by: >), "ranked by return")
        for row in ranking.prefix(2) {
            let parameters = try #require(row["parameters"] as? [String: Any])
            let single = try LunarCommandTests.lunar(["backtest", script, "--data", data, "--json",
                                                      "--param", "fast=\(parameters["fast"]!)", "--param", "slow=\(parameters["slow"]!)"] + Self.period)
            let metrics = try #require((try JSONSerialization.jsonObject(with: Data(single.stdout.utf8)) as? [String: Any])?["metrics"] as? [String: Any])
            #expect(metrics["totalReturn"] as? Double == row["totalReturn"] as? Double, "\(parameters)")
        }
        let walk = try LunarCommandTests.lunar(["optimize", script, "--data", data, "--range", "fast=5,10", "--range", "slow=20,40",
                                                "--walk-forward", "2", "--jobs", "2"] + Self.period)
        #expect(walk.status == 0 && walk.stdout.contains("walk-forward, 2 windows") && walk.stdout.contains("out-of-sample return"), "\(walk.stdout)\(walk.stderr)")
        let bad = try LunarCommandTests.lunar(["optimize", script, "--data", data, "--range", "fast=1,5", "--range", "nope=3"])
        #expect(bad.status != 0 && bad.stderr.contains("--range nope") && bad.stderr.contains("--range fast[0]"), "\(bad.stderr)")
    }
}
