import Testing
@testable import Sandbox

/// A host module whose `host.scaled(x [, name])` answers `x * 2 + scope` in
/// Swift, counts those answers, and publishes each one, as the kernel does
/// for `ta.*`; `host.stamp()` is unscoped and answers whatever was published.
/// The closures hold this object strongly; it holds the sandbox weakly.
private final class ScaledHost {
    weak var sandbox: Sandbox?
    var bodyCalls = 0
    var function: PublishedFunction?
    let scopes = ["A": 0, "B": 1]

    func module() -> HostModule {
        var host = HostModule(name: "host")
        host.add("scaled", publishing: .scoped) { call throws(HostCallError) in
            self.bodyCalls += 1
            let x = try call.number(1)
            var scope = 0
            if call.argumentCount >= 2 {
                let name = try call.string(2, maxLength: 32)
                guard let named = self.scopes[name] else { throw .badArgument(position: 2, reason: "unknown scope '\(name)'") }
                scope = named
            }
            guard call.argumentCount <= 2 else { throw .failed("takes a number and an optional name") }
            guard abs(x) <= 1e9 else { throw .badArgument(position: 1, reason: "out of range") }
            let answer = x * 2 + Double(scope)
            call.result(number: answer)
            if let sandbox = self.sandbox, let function = self.function,
               let (entry, _) = sandbox.publishedResult(function, scope: scope, arguments: [x]) {
                sandbox.publish(entry, numbers: 1, answer)
                if call.argumentCount >= 2 { sandbox.namePublishedScope(try call.string(2), scope: scope) }
            }
        }
        host.add("stamp", publishing: .unscoped) { call throws(HostCallError) in
            self.bodyCalls += 1
            call.result(.integer(-1))
        }
        host.add("plain") { call throws(HostCallError) in call.result(.integer(7)) }
        return host
    }

    static func make() throws -> (Sandbox, ScaledHost) {
        let host = ScaledHost()
        let sandbox = try Sandbox(modules: [host.module()])
        host.sandbox = sandbox
        host.function = sandbox.publishedFunction(named: "host.scaled")
        sandbox.setPublishedScope(0)
        return (sandbox, host)
    }
}

@Suite struct PublishedResultTests {
    @Test func onlyFunctionsRegisteredForPublishingResolve() throws {
        let (sandbox, _) = try ScaledHost.make()
        #expect(sandbox.publishedFunction(named: "host.scaled") != nil)
        #expect(sandbox.publishedFunction(named: "host.stamp") != nil)
        #expect(sandbox.publishedFunction(named: "host.plain") == nil)
        #expect(sandbox.publishedFunction(named: "host.missing") == nil)
    }

    @Test func aPublishedAnswerIsGivenWithoutRunningTheBody() throws {
        let (sandbox, host) = try ScaledHost.make()
        try sandbox.load("function f(x) return host.scaled(x) end")
        #expect(try sandbox.call("f", [3]) == [6.0])
        #expect(host.bodyCalls == 1)
        #expect(try sandbox.call("f", [3]) == [6.0])
        #expect(try sandbox.call("f", [3.0]) == [6.0])
        #expect(host.bodyCalls == 1, "3 and 3.0 are the same key, answered in C")
        #expect(try sandbox.call("f", [4]) == [8.0])
        #expect(host.bodyCalls == 2)
    }

    @Test func scopesComeFromTheCurrentScopeOrATrailingName() throws {
        let (sandbox, host) = try ScaledHost.make()
        try sandbox.load("""
        function current(x) return host.scaled(x) end
        function named(x, name) return host.scaled(x, name) end
        """)
        #expect(try sandbox.call("named", [5, "B"]) == [11.0])
        #expect(try sandbox.call("named", [5, "B"]) == [11.0])
        #expect(host.bodyCalls == 1)
        #expect(try sandbox.call("current", [5]) == [10.0], "scope 0 has no entry for 5 yet")
        #expect(host.bodyCalls == 2)
        sandbox.setPublishedScope(1)
        #expect(try sandbox.call("current", [5]) == [11.0], "scope 1's entry, published by the named call")
        #expect(host.bodyCalls == 2)
        sandbox.setPublishedScope(nil)
        #expect(try sandbox.call("current", [5]) == [10.0])
        #expect(host.bodyCalls == 3, "no current scope: the body answers")
    }

    @Test func publishingReplacesTheAnswer() throws {
        let (sandbox, host) = try ScaledHost.make()
        try sandbox.load("function stamp() return host.stamp() end")
        #expect(try sandbox.call("stamp") == [-1])
        let stamp = try #require(sandbox.publishedFunction(named: "host.stamp"))
        let (entry, created) = try #require(sandbox.publishedResult(stamp, scope: 0, arguments: []))
        #expect(created)
        #expect(try sandbox.call("stamp") == [.nil], "a new entry answers nil until published")
        sandbox.publish(entry, integer: 42)
        #expect(try sandbox.call("stamp") == [42])
        sandbox.publish(entry, numbers: 3, 1.5, 2.5, 3.5)
        #expect(try sandbox.call("stamp") == [1.5, 2.5, 3.5])
        sandbox.publishNil(entry)
        #expect(try sandbox.call("stamp") == [.nil])
        #expect(host.bodyCalls == 1)
        #expect(sandbox.publishedResult(stamp, scope: 5, arguments: [])?.created == false, "unscoped: one entry")
    }

    @Test func otherArgumentsTakeTheOrdinaryPath() throws {
        let (sandbox, host) = try ScaledHost.make()
        try sandbox.load("""
        function warm() return host.scaled(2) end
        function method() return host:scaled(2) end
        function nan() return host.scaled(0/0) end
        function huge() return host.scaled(1e300) end
        function tbl() return host.scaled({}) end
        function extra() return host.scaled(2, "A", 1) end
        function unknown() return host.scaled(2, "C") end
        function str() return host.scaled("2") end
        """)
        #expect(try sandbox.call("warm") == [4.0])
        #expect(try sandbox.call("method") == [4.0])
        #expect(host.bodyCalls == 2, "module:function() calls run the body")
        for (name, message) in [("nan", "number must be finite"), ("huge", "out of range"), ("tbl", "number expected"),
                                ("extra", "takes a number"), ("unknown", "unknown scope 'C'"), ("str", "number expected")] {
            do {
                try sandbox.call(name)
                Issue.record("\(name) must fail")
            } catch {
                #expect("\(error)".contains(message), "\(name): \(error)")
            }
        }
    }

    @Test func coroutinesAndStoredFunctionsGetPublishedAnswers() throws {
        let (sandbox, _) = try ScaledHost.make()
        try sandbox.load("""
        function warm() return host.scaled(2) end
        function keep() local f = host.scaled; co = coroutine.wrap(function() while true do coroutine.yield(f(2)) end end) end
        function resume() return co() end
        """)
        #expect(try sandbox.call("warm") == [4.0])
        try sandbox.call("keep")
        #expect(try sandbox.call("resume") == [4.0])
    }

    @Test func entriesAreChargedToTheQuotaAndBounded() throws {
        let (sandbox, host) = try ScaledHost.make()
        let function = try #require(host.function)
        let before = sandbox.memoryUsed
        for index in 0..<100 { _ = sandbox.publishedResult(function, scope: 0, arguments: [Double(index)]) }
        #expect(sandbox.memoryUsed > before + 100 * 64, "entries count against the memory quota")
        for index in 100..<PublishedResult.limit { _ = sandbox.publishedResult(function, scope: 0, arguments: [Double(index)]) }
        #expect(sandbox.publishedResult(function, scope: 0, arguments: [-1]) == nil, "past the limit")
        #expect(sandbox.publishedResult(function, scope: 0, arguments: [5])?.created == false, "existing entries still resolve")
        #expect(sandbox.publishedResult(function, scope: -1, arguments: [5]) == nil)
        #expect(sandbox.publishedResult(function, scope: 0, arguments: [.nan]) == nil)
        #expect(sandbox.publishedResult(function, scope: 0, arguments: [1, 2, 3, 4]) == nil)
        #expect(!sandbox.namePublishedScope(String(repeating: "x", count: PublishedResult.scopeNameBytes + 1), scope: 0))
        #expect(!sandbox.namePublishedScope("", scope: 0))
    }

    @Test func resetDropsEntriesAndIgnoresOldHandles() throws {
        let (sandbox, host) = try ScaledHost.make()
        let stamp = try #require(sandbox.publishedFunction(named: "host.stamp"))
        let (old, _) = try #require(sandbox.publishedResult(stamp, scope: 0, arguments: []))
        sandbox.publish(old, integer: 1)
        try sandbox.reset()
        try sandbox.load("function stamp() return host.stamp() end")
        #expect(try sandbox.call("stamp") == [-1], "the entry went with the old state")
        let (fresh, created) = try #require(sandbox.publishedResult(stamp, scope: 0, arguments: []))
        #expect(created)
        sandbox.publish(fresh, integer: 2)
        sandbox.publish(old, integer: 3)
        #expect(try sandbox.call("stamp") == [2], "a handle from before reset() is ignored")
        #expect(host.bodyCalls == 1)
    }
}
