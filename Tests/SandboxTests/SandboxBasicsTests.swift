import Testing
@testable import Sandbox

@Suite struct SandboxBasicsTests {
    @Test func loadsAndCallsAGlobalFunction() throws {
        let sandbox = try Sandbox()
        try sandbox.load("function add(a, b) return a + b, 'sum' end")
        let results = try sandbox.call("add", [2, 3.5])
        #expect(results == [.number(5.5), .string("sum")])
    }

    @Test func convertsTablesBothWays() throws {
        let sandbox = try Sandbox()
        try sandbox.load("""
        function echo(x) return x end
        function shape() return {1, 2, {a = "b"}}, {}, {name = "x", list = {true, false}} end
        """)
        let value: LuaValue = .table(["list": [1, 2, 3], "name": "bar", "nested": .table(["x": 1.5])])
        #expect(try sandbox.call("echo", [value]) == [value])
        let results = try sandbox.call("shape")
        #expect(results == [[1, 2, .table(["a": "b"])], .table([:]), .table(["name": "x", "list": [true, false]])])
    }

    @Test func refusesValuesThatCannotCross() throws {
        let sandbox = try Sandbox()
        try sandbox.load("""
        function cyclic() local t = {}; t.self = t; return t end
        function mixed() return {1, 2, x = 3} end
        function holes() return {[1] = 1, [3] = 3} end
        function fn() return print end
        function nan() return 0/0 end
        """)
        for name in ["cyclic", "mixed", "holes", "fn", "nan"] {
            #expect(throws: SandboxError.self) { try sandbox.call(name) }
        }
        #expect(throws: SandboxError.self) { try sandbox.call("echo", [.number(.nan)]) }
        // The sandbox still works after conversion errors.
        try sandbox.load("function ok() return 1 end")
        #expect(try sandbox.call("ok") == [1])
    }

    @Test func reportsRuntimeErrorsWithLine() throws {
        let sandbox = try Sandbox()
        try sandbox.load("""
        local x = 1
        function boom()
          local y = nil
          return y.field
        end
        """, chunkName: "strategy.lua")
        do {
            try sandbox.call("boom")
            Issue.record("expected an error")
        } catch {
            guard case .runtime(let script) = error else { Issue.record("wrong error \(error)"); return }
            #expect(script.line == 4)
            #expect(script.chunk == "strategy.lua")
            #expect(script.message.contains("attempt to index"))
            #expect(script.traceback.contains("stack traceback"))
        }
    }

    @Test func reportsSyntaxErrorsWithLine() throws {
        let sandbox = try Sandbox()
        do {
            try sandbox.load("local a = 1\nlocal b = = 2\n", chunkName: "bad.lua")
            Issue.record("expected an error")
        } catch {
            guard case .syntax(let script) = error else { Issue.record("wrong error \(error)"); return }
            #expect(script.line == 2)
            #expect(script.chunk == "bad.lua")
        }
    }

    @Test func hostModulesAreCallableAndCheckArguments() throws {
        var module = HostModule(name: "host")
        module.add("double") { call throws(HostCallError) in
            call.result(.number(try call.number(1) * 2))
        }
        module.add("greet") { call throws(HostCallError) in
            call.result(.string("hello " + (try call.string(1))))
        }
        let sandbox = try Sandbox(modules: [module])
        try sandbox.load("""
        function a() return host.double(21), host:double(1) end
        function b() return host.greet("lua") end
        function c() return host.double("x") end
        function d() host.double = nil end
        function e() return host.double(0/0) end
        """)
        #expect(try sandbox.call("a") == [.number(42), .number(2)])
        #expect(try sandbox.call("b") == ["hello lua"])
        for (name, fragment) in [("c", "bad argument #1 to 'host.double' (number expected, got string)"),
                                 ("d", "read-only"), ("e", "finite")] {
            do {
                try sandbox.call(name)
                Issue.record("expected an error from \(name)")
            } catch {
                #expect(error.description.contains(fragment), "\(name): \(error)")
            }
        }
    }

    @Test func printGoesToTheLogSinkEscaped() throws {
        var lines: [SandboxLogLine] = []
        let sandbox = try Sandbox(logHandler: { lines.append($0) })
        try sandbox.load(#"print("a", 1, nil, "line\nbreak\27[31m")"#)
        #expect(lines == [SandboxLogLine(level: .print, text: "a\t1\tnil\tline\\nbreak\\x1B[31m")])
    }

    /// The output budget is per window of the sandbox clock (event time in
    /// a deployment): lines past it are dropped, and one notice per window
    /// reports the count when the clock leaves the window or on flushLog().
    @Test func logBudgetFollowsTheClockWithOneNoticePerWindow() throws {
        var lines: [SandboxLogLine] = []
        var limits = SandboxLimits.standard
        limits.logBytesPerWindow = 100
        let sandbox = try Sandbox(limits: limits, logHandler: { lines.append($0) })
        sandbox.setClock(.manual(600))
        try sandbox.load("function spam() for i = 1, 5 do print(string.rep('a', 40)) end end")
        try sandbox.call("spam")                     // 2 lines pass (80 bytes), 3 are dropped
        #expect(lines.count == 2)
        sandbox.setClock(.manual(659))               // the same 60 s window: no notice yet
        #expect(lines.count == 2)
        sandbox.setClock(.manual(660))               // the next window: the notice
        #expect(lines.count == 3)
        #expect(lines.last?.level == .warning)
        #expect(lines.last?.text.hasPrefix("log suppressed: 120 bytes") == true, "\(lines.last?.text ?? "")")
        try sandbox.call("spam")
        sandbox.flushLog()
        #expect(lines.count == 6)
        #expect(lines.last?.text.hasPrefix("log suppressed: 120 bytes") == true)
        sandbox.flushLog()                           // nothing more to report
        #expect(lines.count == 6)
    }

    @Test func clockIsHostControlled() throws {
        let sandbox = try Sandbox()
        sandbox.setClock(.manual(1_700_000_000))
        try sandbox.load("function now() return os.time(), os.date('%Y-%m-%d %H:%M:%S'), os.time({year=2024, month=1, day=2, hour=0}) end")
        #expect(try sandbox.call("now") == [.integer(1_700_000_000), "2023-11-14 22:13:20", .integer(1_704_153_600)])
    }

    @Test func randomIsSeededPerSandbox() throws {
        func draws(seed: UInt64) throws -> [LuaValue] {
            let sandbox = try Sandbox(limits: SandboxLimits(randomSeed: seed))
            try sandbox.load("function draw() return math.random(1, 1000000), math.random() end")
            return try sandbox.call("draw")
        }
        #expect(try draws(seed: 7) == draws(seed: 7))
        #expect(try draws(seed: 7) != draws(seed: 8))
    }

    @Test func memoryIsCountedAndIdleSandboxIsSmall() throws {
        let sandbox = try Sandbox()
        let idle = sandbox.memoryUsed
        #expect(idle > 0 && idle < 64 * 1024, "idle sandbox uses \(idle) bytes")
        try sandbox.load("big = {} for i = 1, 100000 do big[i] = i end")
        #expect(sandbox.memoryUsed > idle + 800_000)
        #expect(sandbox.memoryPeak >= sandbox.memoryUsed)
    }

    @Test func moduleDataFieldsAreReadOnlyOrPersistable() throws {
        var module = HostModule(name: "ctx")
        module.add("noop") { _ throws(HostCallError) in }
        let sandbox = try Sandbox(modules: [module])
        try sandbox.setModuleField(module: "ctx", field: "params", value: .table(["fast": 10, "nested": .table(["x": 1])]), readOnly: true)
        try sandbox.setModuleField(module: "ctx", field: "state", value: .table(["count": 1]), readOnly: false)
        try sandbox.load("""
        function read() return ctx.params.fast, ctx.params.nested.x end
        function bump() ctx.state.count = ctx.state.count + 1; ctx.state.last = "x" end
        function tamper() ctx.params.fast = 1 end
        function tamper_nested() ctx.params.nested.x = 2 end
        function replace() ctx.state = {} end
        """)
        #expect(try sandbox.call("read") == [10, 1])
        try sandbox.call("bump")
        #expect(try sandbox.moduleField(module: "ctx", field: "state") == .table(["count": 2, "last": "x"]))
        for name in ["tamper", "tamper_nested", "replace"] {
            #expect(throws: SandboxError.self, "\(name) must fail") { try sandbox.call(name) }
        }
        #expect(try sandbox.call("read") == [10, 1])
    }
}

@Suite struct SandboxEventPathTests {
    @Test func recordsAndReferencesReachTheCallback() throws {
        var module = HostModule(name: "ctx")
        module.add("tag") { call throws(HostCallError) in call.result("ctx") }
        let sandbox = try Sandbox(modules: [module])
        try sandbox.load("""
        seen = {}
        local last_table = nil
        function on_bar(ctx, bar)
          seen[#seen + 1] = ctx.tag() .. ":" .. bar.symbol .. ":" .. bar.time .. ":" .. bar.close
          same = (last_table == bar)
          last_table = bar
        end
        function report() return seen, same end
        """)
        let ctxReference = try sandbox.reference(global: "ctx")
        let layout = try sandbox.recordLayout(keys: ["symbol", "time", "close"])
        let onBar = try sandbox.function(named: "on_bar")
        var arguments = CallArguments()
        for (time, close) in [(1, 10.5), (2, 11.0)] {
            arguments.removeAll()
            arguments.append(ctxReference)
            arguments.appendRecord(layout) { writer in
                writer.string("BTC")
                writer.integer(Int64(time))
                writer.number(close)
            }
            try sandbox.callIgnoringResults(onBar, arguments, reusingTables: true)
        }
        #expect(try sandbox.call("report") == [["ctx:BTC:1:10.5", "ctx:BTC:2:11.0"], true])
        try sandbox.reset()
        #expect(throws: SandboxError.self) { try sandbox.callIgnoringResults(onBar, arguments) }
    }

    /// Every kind a record field can hold, written in place by the
    /// `RecordWriter` and pushed by the C record filler's fast path, reads
    /// back as written; a pinned string is the same Lua string as a copied
    /// one, and a pin from a reset sandbox is refused before reaching C.
    @Test func recordFieldsOfEveryKindAndPinnedStrings() throws {
        let sandbox = try Sandbox()
        try sandbox.load("""
        function on_event(e)
          seen = { e.symbol, math.type(e.count), e.count, e.price, e.flag, e.missing == nil, e.name, e.symbol == "ETH-USD" }
        end
        function report() return seen end
        """)
        let layout = try sandbox.recordLayout(keys: ["symbol", "count", "price", "flag", "missing", "name"])
        let symbol = try sandbox.reference(string: "ETH-USD")
        let onEvent = try sandbox.function(named: "on_event")
        var arguments = CallArguments()
        for pinned in [true, false] {
            arguments.removeAll()
            arguments.appendRecord(layout) { record in
                if pinned { record.reference(symbol) } else { record.string("ETH-USD") }
                record.integer(-7)
                record.number(.infinity)  // written as 0: events carry finite numbers
                record.boolean(true)
                record.absent()
                record.string("a\u{0}b")
            }
            try sandbox.callIgnoringResults(onEvent, arguments, reusingTables: true)
            #expect(try sandbox.call("report") == [["ETH-USD", "integer", -7, 0.0, true, true, "a\u{0}b", true]], "pinned: \(pinned)")
        }
        // An empty string and one with a zero byte pin exactly.
        for text in ["", "x\u{0}y"] {
            let pinned = try sandbox.reference(string: text)
            try sandbox.load("function keep(s) kept = s end function got() return kept, #kept end")
            var keep = CallArguments()
            keep.append(pinned)
            try sandbox.callIgnoringResults(try sandbox.function(named: "keep"), keep)
            #expect(try sandbox.call("got") == [.string(text), .integer(Int64(text.utf8.count))])
        }
        try sandbox.reset()
        try sandbox.load("function on_event(e) end")
        arguments.removeAll()
        arguments.appendRecord(try sandbox.recordLayout(keys: ["symbol"])) { $0.reference(symbol) }
        #expect(throws: SandboxError.self) { try sandbox.callIgnoringResults(try sandbox.function(named: "on_event"), arguments) }
    }
}
