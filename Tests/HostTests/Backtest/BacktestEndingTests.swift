import Foundation
import Testing
@testable import Host
import Sandbox
import TestSupport

/// A run whose strategy faults ends `failed` with the fault and the result
/// up to it, in-process and in a worker process alike; a clean run is
/// `completed`; a faulted status without a structured fault still fails.
/// `BacktestSettings` refuses hostile values naming the field.
@Suite struct BacktestEndingTests {
    static let faulty = """
        local n = 0
        function on_bar(ctx, bar)
          n = n + 1
          if n == 3 then error("third bar") end
        end
        """

    static func configuration(_ source: String) -> BacktestConfiguration {
        BacktestConfiguration(source: source, instruments: [KernelFixtures.instrument],
                              bars: ["TEST": KernelFixtures.bars(Array(repeating: (100, 101, 99, 100), count: 6))], timeframe: 3600)
    }

    static func expectFailedAtThirdBar(_ ending: BacktestEnding) throws {
        guard case .failed(let fault, let partial) = ending else { Issue.record("not failed: \(ending)"); return }
        #expect(fault.kind == .runtime && fault.line == 4 && fault.callback == "on_bar")
        #expect(fault.time == 1_700_000_000 + 3 * 3600)
        #expect(partial.metrics.barCount == 2)
        #expect(partial.error == fault)
        #expect(ending.fault == fault)
    }

    @Test func aFaultFailsTheRunInProcess() throws {
        let ending = try BacktestEngine.run(Self.configuration(Self.faulty)).ending
        try Self.expectFailedAtThirdBar(ending)
        let html = BacktestReport.html(for: ending.result)
        #expect(html.contains("Stopped by a fault: partial result") && html.contains("third bar"), "the report says where it stopped")
    }

    @Test func aFaultFailsTheRunInAWorkerProcess() throws {
        let isolated = try BacktestEngine.runIsolated(Self.configuration(Self.faulty), isolation: IsolationFixtures.isolation(workers: 1))
        try Self.expectFailedAtThirdBar(try isolated.ending())
    }

    @Test func aCleanRunCompletes() throws {
        let ending = try BacktestEngine.run(Self.configuration("function on_bar(ctx, bar) end")).ending
        guard case .completed(let result) = ending else { Issue.record("\(ending)"); return }
        #expect(result.metrics.barCount == 6 && ending.fault == nil)
    }

    @Test func aFaultedStatusWithoutAStructuredFaultStillFails() throws {
        let clean = try BacktestEngine.run(Self.configuration("function on_bar(ctx, bar) end")).result
        let ending = BacktestEnding(result: clean, status: .faulted(reason: "worker lost"))
        #expect(ending.fault?.kind == .host && ending.fault?.message == "worker lost")
        #expect(ending.result.error == ending.fault)
    }

    @Test func settingsRefuseHostileValuesNamingTheField() throws {
        let bars = KernelFixtures.bars(Array(repeating: (100, 101, 99, 100), count: 6))
        func refusal(_ settings: BacktestSettings) -> String? {
            do throws(BacktestSettingsError) {
                _ = try settings.configuration(source: "", parameters: [:], instrument: KernelFixtures.instrument, bars: bars, dataHash: "")
                return nil
            } catch { return error.field }
        }
        #expect(refusal(BacktestSettings(dataset: "d", cash: .zero)) == "cash")
        #expect(refusal(BacktestSettings(dataset: "d", cash: Money(2_000_000_000))) == "cash")
        #expect(refusal(BacktestSettings(dataset: "d", commission: -1)) == "commission")
        #expect(refusal(BacktestSettings(dataset: "d", slippage: 1_000_001)) == "slippage")
        #expect(refusal(BacktestSettings(dataset: "d", timeframe: 0)) == "timeframe")
        #expect(refusal(BacktestSettings(dataset: "d", timeframe: 5400)) == "timeframe", "not a multiple of the data's hour")
        #expect(refusal(BacktestSettings(dataset: "d", from: 10, to: 10)) == "to")
        #expect(refusal(BacktestSettings(dataset: "d", from: 0, to: 1_000)) == "from", "an empty period")
        #expect(refusal(BacktestSettings(dataset: "d", symbol: "<script>")) == "symbol")
        #expect(refusal(BacktestSettings(dataset: "d", timeframe: 7200, from: 1_700_003_600)) == nil)
        for text in ["NaN", "1e3", "-0.1", "1.5", "0.0000001", "", "abc", String(repeating: "9", count: 400)] {
            #expect(throws: BacktestSettingsError.self, "\(text)") { try BacktestSettings.rate(text, field: "commission") }
        }
        #expect(try BacktestSettings.rate("0.001", field: "commission") == 1_000)
        #expect(BacktestSettings.rateText(1_000) == "0.001" && BacktestSettings.rateText(0) == "0")
    }
}
