import Foundation
import Testing
@testable import Host
import Sandbox
import TestSupport

/// The log fixtures of the hostile suite (Tests/SandboxTests/Fixtures/hostile/
/// log-ctx-*.lua) run from `on_bar` through the real kernel and `ctx` module:
/// print, warn and ctx.log share one path (escaped, capped, budgeted per
/// window of event time).
@Suite struct StrategyLogTests {
    /// Three hourly bars: each in its own log window.
    static let bars = KernelFixtures.bars(Array(repeating: (100, 101, 99, 100), count: 3))

    static func run(_ fixture: String, limits: SandboxLimits = .standard) throws -> BacktestOutcome {
        let source = try TestPaths.read(TestPaths.hostileFixture(fixture))
        return try KernelFixtures.backtest(source, bars: bars, limits: limits)
    }

    /// Strategy lines: everything but the kernel's own notes.
    static func strategyLines(_ outcome: BacktestOutcome) -> [DeploymentLogEntry] {
        outcome.log.filter { !$0.message.hasPrefix("log suppressed: ") }
    }

    static func controlCharacter(in text: String) -> Unicode.Scalar? {
        text.unicodeScalars.first { scalar in
            switch scalar.value {
            case 0x09: false
            case 0x00...0x1F, 0x7F, 0x80...0x9F, 0x2028, 0x2029, 0x202A...0x202E, 0x2066...0x2069: true
            default: false
            }
        }
    }

    @Test func newlinesInCtxLogCannotForgeAHostLine() throws {
        let outcome = try Self.run("log-ctx-forged-host-line.lua")
        #expect(outcome.status == .stopped, "\(outcome.status)")
        let lines = Self.strategyLines(outcome)
        // Main chunk + three bars, two lines each: one entry per ctx.log call.
        #expect(lines.count == 8, "\(lines.map(\.message))")
        for line in lines {
            #expect(Self.controlCharacter(in: line.message) == nil, "\(line.message.debugDescription)")
            #expect(!line.message.hasPrefix("["), "a line starts like a host line: \(line.message)")
        }
        let forged = try #require(lines.first)
        #expect(forged.message == "bar ok\\n2024-01-01T00:00:00Z [host] ORDER FILLED buy 1000000 BTCUSD\\r[host] deployment stopped")
        #expect(lines[1].level == "warn" && lines[1].message == "second\\r\\n[host] risk gate disabled")
    }

    @Test func ansiEscapesArriveAsVisibleEscapes() throws {
        let outcome = try Self.run("log-ctx-ansi-escape.lua")
        #expect(outcome.status == .stopped, "\(outcome.status)")
        let lines = Self.strategyLines(outcome)
        #expect(lines.count == 8)
        for line in lines { #expect(Self.controlCharacter(in: line.message) == nil, "\(line.message.debugDescription)") }
        #expect(lines[0].message == "\\x1B[2J\\x1B[H\\x1B]0;pwned\\x07\\x1B[31mfake red alert\\x1B[0m")
        #expect(lines[1].level == "error" && lines[1].message == "\\u{009B}2J\\x00nul\\x7Fdel")
    }

    @Test func aHugeLineIsCutAtTheLineCap() throws {
        let outcome = try Self.run("log-ctx-huge-line.lua")
        #expect(outcome.status == .stopped, "a long ctx.log line must not fault the strategy: \(outcome.status)")
        let lines = Self.strategyLines(outcome)
        #expect(lines.count == 4)
        for line in lines {
            #expect(line.message.utf8.count == SandboxLimits.logLineBytes + "...[truncated]".utf8.count)
            #expect(line.message.hasSuffix("...[truncated]"))
        }
    }

    /// Each window passes at most the budget, and reports what it dropped
    /// in exactly one notice; passed plus suppressed is what the script
    /// wrote. The same numbers whatever the wall clock does.
    @Test func floodingPastTheBudgetIsSuppressedWithOneNoticePerWindow() throws {
        let outcome = try Self.run("log-ctx-flood.lua")
        #expect(outcome.status == .stopped, "\(outcome.status)")
        // Bytes one attack() writes: 200 ctx.log lines and 50 warn lines of
        // 1000 bytes, 50 print lines of 1000 bytes, a tab and the counter.
        var written: Int = 250_000
        for counter in 1...50 { written += 1001 + String(counter).count }
        var passed = 0
        var notices: [Int] = []
        for entry in outcome.log {
            if entry.message.hasPrefix("log suppressed: ") {
                let count = Int(entry.message.dropFirst("log suppressed: ".count).prefix { $0.isNumber }) ?? -1
                #expect(entry.level == "warn")
                #expect(passed <= SandboxLimits.standard.logBytesPerWindow, "\(passed) bytes passed in one window")
                #expect(passed + count == written, "passed \(passed) + suppressed \(count) != written \(written)")
                notices.append(count)
                passed = 0
            } else {
                passed += entry.message.utf8.count
            }
        }
        // The main chunk's window, then one per bar (the last one reported
        // when the run stops).
        #expect(notices.count == 4, "\(notices)")
        #expect(passed == 0, "lines after the last notice: \(passed) bytes")
    }

    /// The budget follows event time: two events in the same minute share
    /// one window, whatever the wall clock did between them.
    @Test func theBudgetWindowIsEventTime() throws {
        let start: Int64 = 1_700_000_000
        let bars = [0, 10, 20].map { offset in
            Bar(time: start + offset, open: KernelFixtures.instrument.price(100), high: KernelFixtures.instrument.price(101),
                low: KernelFixtures.instrument.price(99), close: KernelFixtures.instrument.price(100),
                volume: KernelFixtures.instrument.quantity(1))
        }
        var limits = SandboxLimits.standard
        limits.logBytesPerWindow = 2_500
        let outcome = try KernelFixtures.backtest("""
            function on_bar(ctx, bar) ctx.log(string.rep("z", 1000)) end
            """, bars: bars, limits: limits)
        let messages = outcome.log.map(\.message)
        #expect(messages.filter { $0.hasPrefix("z") }.count == 2, "\(messages.map { $0.prefix(30) })")
        #expect(messages.last?.hasPrefix("log suppressed: 1000 bytes") == true, "\(messages.map { $0.prefix(30) })")
    }
}
