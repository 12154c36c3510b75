import Foundation
import Testing
@testable import Host
import Sandbox
import TestSupport

/// A faulted strategy says what went wrong and where: kind, message, line,
/// callback, event time, and a traceback for runtime errors.
@Suite struct StrategyFaultTests {
    static let bars = KernelFixtures.bars(Array(repeating: (100, 101, 99, 100), count: 4))
    /// The event time of bar `index`: a bar is delivered when it closes.
    static func eventTime(_ index: Int) -> Int64 { bars[index].time + 3600 }

    @Test func aRuntimeErrorInANestedFunctionCarriesATracebackWithBothLines() throws {
        let outcome = try KernelFixtures.backtest("""
            local function inner(x)
              error("deep failure " .. x)
            end
            local function outer(x)
              inner(x)
            end
            function on_bar(ctx, bar)
              outer(bar.close)
            end
            """, bars: Self.bars)
        let fault = try #require(outcome.fault, "\(outcome.status)")
        #expect(fault.kind == .runtime)
        #expect(fault.message.contains("deep failure 100"))
        #expect(fault.line == 2 && fault.chunk == "strategy.lua")
        #expect(fault.callback == "on_bar")
        #expect(fault.time == Self.eventTime(0))
        let traceback = try #require(fault.traceback)
        #expect(traceback.contains("strategy.lua:2:") && traceback.contains("strategy.lua:5:")
                && traceback.contains("strategy.lua:8:"), "\(traceback)")
        guard case .faulted(let reason) = outcome.status else { Issue.record("\(outcome.status)"); return }
        #expect(reason.contains("in on_bar"), "\(reason)")
        #expect(outcome.log.contains { $0.level == "error" && $0.message.hasPrefix("strategy faulted: ") })
    }

    @Test func aCPUQuotaStopNamesTheLineAndCallback() throws {
        let outcome = try KernelFixtures.backtest("""
            local n = 0
            function on_bar(ctx, bar)
              n = n + 1
              if n < 2 then return end
              local spins = 0
              while true do
                spins = spins + 1
              end
            end
            """, bars: Self.bars)
        let fault = try #require(outcome.fault, "\(outcome.status)")
        #expect(fault.kind == .cpuQuota || fault.kind == .wallClock)
        #expect(fault.line.map { (6...7).contains($0) } == true, "line \(String(describing: fault.line))")
        #expect(fault.chunk == "strategy.lua")
        #expect(fault.callback == "on_bar")
        #expect(fault.time == Self.eventTime(1))
        #expect(fault.traceback == nil)
        #expect(fault.summary.contains("in on_bar at strategy.lua:"), "\(fault.summary)")
        #expect(fault.message.contains("50 ms") || fault.message.contains("200 ms"), "\(fault.message)")
    }

    /// A stop that fires inside a C builtin (the pattern matcher polls the
    /// quota) names the Lua line that called it.
    @Test func aCPUQuotaStopInsideABuiltinNamesTheCallingLine() throws {
        let outcome = try KernelFixtures.backtest("""
            local haystack = string.rep("a", 3000)
            function on_bar(ctx, bar)
              for i = 1, 1e9 do
                local found = string.find(haystack, "a-a-a-a-a-a-b")
              end
            end
            """, bars: Self.bars)
        let fault = try #require(outcome.fault, "\(outcome.status)")
        #expect(fault.kind == .cpuQuota || fault.kind == .wallClock)
        #expect(fault.line.map { (3...4).contains($0) } == true, "line \(String(describing: fault.line))")
        #expect(fault.callback == "on_bar")
    }

    @Test func aMemoryBombNamesTheLineAndCallbackAndPrintsMiB() throws {
        var limits = SandboxLimits.standard
        limits.memoryBytes = 4 << 20
        let outcome = try KernelFixtures.backtest("""
            function on_start(ctx) end
            function on_bar(ctx, bar)
              local hoard = {}
              for i = 1, 1e9 do
                hoard[i] = { i, i, i }
              end
            end
            """, bars: Self.bars, limits: limits)
        let fault = try #require(outcome.fault, "\(outcome.status)")
        #expect(fault.kind == .memoryQuota)
        #expect(fault.line.map { (4...5).contains($0) } == true, "line \(String(describing: fault.line))")
        #expect(fault.callback == "on_bar")
        #expect(fault.time == Self.eventTime(0))
        #expect(fault.message.contains("limit 4 MiB"), "\(fault.message)")
    }

    @Test func theJSONOfAFaultedBacktestHasTheErrorObject() throws {
        let outcome = try KernelFixtures.backtest("""
            function on_bar(ctx, bar)
              local t = nil
              return t.field
            end
            """, bars: Self.bars)
        let json = try JSONSerialization.jsonObject(with: outcome.result.jsonData()) as? [String: Any]
        let error = try #require(json?["error"] as? [String: Any], "no error object")
        #expect(error["kind"] as? String == "runtimeError")
        #expect(error["line"] as? Int == 3)
        #expect(error["callback"] as? String == "on_bar")
        #expect((error["time"] as? NSNumber)?.int64Value == Self.eventTime(0))
        #expect((error["message"] as? String)?.contains("attempt to index a nil value") == true)
        #expect((error["traceback"] as? String)?.contains("strategy.lua:3:") == true)
        // A clean run has no error key at all (and its JSON is unchanged).
        let clean = try KernelFixtures.backtest("function on_bar(ctx, bar) end", bars: Self.bars)
        let cleanJSON = try JSONSerialization.jsonObject(with: clean.result.jsonData()) as? [String: Any]
        #expect(cleanJSON?["error"] == nil)
    }

    @Test func quotaMessagesPrintBinaryUnits() {
        #expect(ByteCount.text(16 << 20) == "16 MiB")
        #expect(ByteCount.text(64 << 10) == "64 KiB")
        #expect(ByteCount.text(3 << 19) == "1.5 MiB")
        #expect(ByteCount.text(512) == "512 bytes")
        let error = SandboxError.memoryQuotaExceeded(limit: 8 << 20, peak: (8 << 20) - 100)
        #expect(error.description == "memory quota exceeded: limit 8 MiB, peak 8 MiB")
    }
}
