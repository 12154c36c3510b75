import Testing
import Foundation
@testable import Sandbox

@Suite struct QuotaSmokeTests {
    let limits = SandboxLimits(memoryBytes: 4 << 20, cpuTimePerCall: .milliseconds(30), wallTimePerCall: .milliseconds(100))

    func expectFault(_ source: String, _ check: (SandboxError) -> Bool) throws {
        let sandbox = try Sandbox(limits: limits)
        let start = ContinuousClock.now
        do {
            try sandbox.load(source)
            Issue.record("expected a fault for \(source)")
        } catch {
            #expect(check(error), "\(source): \(error)")
        }
        let elapsed = ContinuousClock.now - start
        #expect(elapsed < .milliseconds(400), "took \(elapsed)")
        #expect(sandbox.fault != nil)
        #expect(throws: SandboxError.self) { try sandbox.call("anything") }
    }

    func isCPU(_ error: SandboxError) -> Bool { if case .cpuQuotaExceeded = error { true } else { false } }
    func isMemory(_ error: SandboxError) -> Bool { if case .memoryQuotaExceeded = error { true } else { false } }

    @Test func infiniteLoop() throws { try expectFault("while true do end", isCPU) }
    @Test func pcallCannotSwallow() throws {
        try expectFault("while true do pcall(function() while true do end end) end", isCPU)
    }
    @Test func coroutineLoop() throws {
        try expectFault("local co = coroutine.create(function() while true do end end) while true do coroutine.resume(co) end", isCPU)
    }
    @Test func memoryBomb() throws { try expectFault("local t = {} for i = 1, 1e9 do t[i] = i end", isMemory) }
    @Test func pcallCannotSwallowMemory() throws {
        try expectFault("local t = {} while true do pcall(function() for i = 1, 1e9 do t[#t+1] = {} end end) end", isMemory)
    }
}
