import Foundation
import Glibc
import Testing
import TestSupport
@testable import Gateway
@testable import Host
import Marketplace
import Platform

/// Requests that once took the whole server down (issue 12): uploads whose
/// validation trapped or hogged the gateway, and a worker crash-looping on
/// one deployment's fill. The server must stay up and answer `/api/health`
/// promptly meanwhile.
///
/// Latency: each test reads `/api/health` repeatedly while the hostile work
/// runs and requires the 90th percentile under 100 ms and every answer under
/// 2 s (one slow outlier on a shared CI machine is noise; a server that
/// stalls misses both).
@Suite(.serialized) struct HostileWorkloadTests {
    /// Places an order whose price × quantity overflows every fixed-point type.
    static let overflowing = """
    function on_bar(ctx, bar)
      ctx.buy { quantity = 1e12, price = 1e12 }
    end
    """

    /// Within its quotas, but busy on every bar (~10 ms of CPU).
    static let busy = """
    function on_bar(ctx, bar)
      local x = 0
      for i = 1, 150000 do x = x + i % 7 end
      ctx.state.x = x
    end
    """

    static func isolation(workers: Int = 2) -> IsolationConfiguration {
        var isolation = IsolationConfiguration(executablePath: TestPaths.lunarExecutable, workers: workers, testHooks: true)
        isolation.niceness = 10
        return isolation
    }

    /// Health latencies measured while `work` runs.
    static func healthLatencies(_ api: API, while work: @escaping @Sendable () async throws -> Void) async throws -> [Duration] {
        let running = Task { try await work() }
        var latencies: [Duration] = []
        let clock = ContinuousClock()
        try await Task.sleep(for: .milliseconds(100))
        for _ in 0..<30 {
            let start = clock.now
            let reply = try await api.callAlone(.get, "/api/health")
            latencies.append(clock.now - start)
            #expect(reply.status == 200)
            try await Task.sleep(for: .milliseconds(30))
        }
        try await running.value
        return latencies
    }

    /// The bound is a guard, not a benchmark: a handler that blocked on the
    /// work would answer in seconds (an upload's validation takes one or
    /// more); 250 ms leaves room for the parallel suite on 2 cores (100 ms
    /// failed once in CI at 106 ms).
    static func expectResponsive(_ latencies: [Duration], _ comment: Comment) {
        let sorted = latencies.sorted()
        let p90 = sorted[sorted.count * 9 / 10]
        #expect(p90 < .milliseconds(250), "p90 \(p90) \(comment)")
        #expect(sorted.last! < .seconds(2), "max \(sorted.last!) \(comment)")
    }

    /// Polls `condition` for up to 20 s.
    static func waitUntil(_ condition: () -> Bool) async throws {
        for _ in 0..<2_000 where !condition() { try await Task.sleep(for: .milliseconds(10)) }
        try #require(condition())
    }

    static func createStrategy(_ api: API, _ token: String, name: String = "Probe") async throws -> Int {
        try #require(try await api.call(.post, "/api/strategies", json: ["name": name], token: token).json["id"] as? Int)
    }

    @Test func anOverflowingUploadIsJudgedInAWorkerAndTheServerStaysUp() async throws {
        let isolation = Self.isolation()
        let fixture = try await GatewayFixture(configure: { $0.backtestIsolation = isolation }, hostMode: .isolated(isolation),
                                               validatorIsolation: isolation)
        try await fixture.run { api in
            let alice = try await api.signUp("alice")
            let strategy = try await Self.createStrategy(api, alice.access)
            let upload = try await api.call(.post, "/api/strategies/\(strategy)/versions", json: ["source": Self.overflowing],
                                            token: alice.access)
            #expect(upload.status == 201, "\(upload.text)")
            #expect(try await api.call(.get, "/api/health").status == 200)
            let versions = try await api.call(.get, "/api/strategies/\(strategy)/versions", token: alice.access).list
            #expect(versions.count == 1)
            // And the same script deployed: its orders are refused by the gate, not by a crash.
            let version = try #require(versions.first?["id"] as? Int)
            let deployment = try #require(try await api.call(.post, "/api/deployments", json: ["versionId": version],
                                                             token: alice.access).json["id"] as? Int)
            DeploymentRouteTests.feed(fixture, events: 60)
            let view = try await api.call(.get, "/api/deployments/\(deployment)", token: alice.access)
            #expect(view.json["status"] as? String == "running", "\(view.text)")
            #expect(try await api.call(.get, "/api/deployments/\(deployment)/fills", token: alice.access).page("fills").isEmpty)
        }
    }

    /// Latency under load: in `make test`'s alone step (`LUNAR_ALONE=1`), not beside the parallel suite.
    @Test(.enabled(if: ProcessInfo.processInfo.environment["LUNAR_ALONE"] == "1"))
    func uploadsRunInWorkersWhileHealthAnswersPromptly() async throws {
        let isolation = Self.isolation()
        let fixture = try await GatewayFixture(configure: { $0.concurrentSandboxJobs = 2 }, hostMode: .isolated(isolation),
                                               validatorIsolation: isolation)
        try await fixture.run { api in
            let alice = try await api.signUp("alice")
            let bob = try await api.signUp("bob")
            let first = try await Self.createStrategy(api, alice.access)
            let second = try await Self.createStrategy(api, bob.access)
            let latencies = try await Self.healthLatencies(api) {
                async let a = api.callAlone(.post, "/api/strategies/\(first)/versions", json: ["source": Self.busy], token: alice.access)
                async let b = api.callAlone(.post, "/api/strategies/\(second)/versions", json: ["source": Self.busy], token: bob.access)
                let (one, two) = try await (a, b)
                #expect(one.status == 201, "\(one.text)")
                #expect(two.status == 201, "\(two.text)")
            }
            Self.expectResponsive(latencies, "while two busy uploads validate")
        }
    }

    /// Timed by the machine: it needs Alice's upload still running when Bob's
    /// arrives, which a loaded parallel suite can break (it did once in CI),
    /// so it runs in `make test`'s alone step (`LUNAR_ALONE=1`).
    @Test(.enabled(if: ProcessInfo.processInfo.environment["LUNAR_ALONE"] == "1"))
    func theSandboxQueueBoundsEachUserAndTheServer() async throws {
        let isolation = Self.isolation()
        let fixture = try await GatewayFixture(configure: {
            $0.concurrentSandboxJobs = 1
            $0.maximumQueuedSandboxJobs = 1
            $0.maximumSandboxJobsPerUser = 1
        }, hostMode: .isolated(isolation), validatorIsolation: isolation)
        try await fixture.run { api in
            let alice = try await api.signUp("alice")
            let bob = try await api.signUp("bob")
            let carol = try await api.signUp("carol")
            let strategy = try await Self.createStrategy(api, alice.access)
            let other = try await Self.createStrategy(api, bob.access)
            let third = try await Self.createStrategy(api, carol.access)
            let running = Task {
                try await api.callAlone(.post, "/api/strategies/\(strategy)/versions", json: ["source": Self.busy], token: alice.access)
            }
            try await Self.waitUntil { fixture.gateway.sandboxJobs.load.running == 1 }
            // Alice's second upload: her own limit.
            let mine = try await api.callAlone(.post, "/api/strategies/\(strategy)/versions", json: ["source": Self.busy], token: alice.access)
            #expect(mine.status == 429 && mine.errorCode == "quota_exceeded", "\(mine.text)")
            #expect(mine.header("Retry-After") != nil)
            // Bob's waits in the queue; Carol's finds it full.
            let waiting = Task {
                try await api.callAlone(.post, "/api/strategies/\(other)/versions", json: ["source": DeploymentRouteTests.eager], token: bob.access)
            }
            try await Self.waitUntil { fixture.gateway.sandboxJobs.load.waiting == 1 }
            let full = try await api.callAlone(.post, "/api/strategies/\(third)/versions", json: ["source": Self.busy], token: carol.access)
            #expect(full.status == 503 && full.errorCode == "busy", "\(full.text)")
            #expect(try await running.value.status == 201)
            #expect(try await waiting.value.status == 201)
            #expect(fixture.gateway.sandboxJobs.load == (0, 0))
        }
    }

    /// A worker that crashes inside one deployment's fill (the poison hook):
    /// that deployment faults, the other goes on, stop answers at once and
    /// health stays prompt while it happens.
    @Test func aCrashingDeploymentIsFaultedAloneAndTheServerStaysResponsive() async throws {
        var isolation = Self.isolation(workers: 1)
        isolation.testEnvironment = [WorkerRuntime.testPoisonSymbolVariable: "ETHUSD"]
        let fixture = try await GatewayFixture(hostMode: .isolated(isolation))
        try await fixture.run { api in
            let alice = try await api.signUp("alice")
            let version = try await DeploymentRouteTests.uploadEager(api, token: alice.access)
            let poisoned = try #require(try await api.call(.post, "/api/deployments", json: ["versionId": version, "symbols": ["ETHUSD"]],
                                                           token: alice.access).json["id"] as? Int)
            let healthy = try #require(try await api.call(.post, "/api/deployments", json: ["versionId": version, "symbols": ["BTCUSD"]],
                                                          token: alice.access).json["id"] as? Int)
            let latencies = try await Self.healthLatencies(api) {
                await withCheckedContinuation { continuation in
                    DispatchQueue.global().async {
                        DeploymentRouteTests.feed(fixture, events: 300)
                        continuation.resume()
                    }
                }
            }
            Self.expectResponsive(latencies, "while a worker crashes")
            let faulted = try await api.call(.get, "/api/deployments/\(poisoned)", token: alice.access)
            #expect(faulted.json["status"] as? String == "faulted", "\(faulted.text)")
            #expect(faulted.text.contains("SIGSEGV"), "\(faulted.text)")
            let running = try await api.call(.get, "/api/deployments/\(healthy)", token: alice.access)
            #expect(running.json["status"] as? String == "running", "\(running.text)")
            #expect(!(try await api.call(.get, "/api/deployments/\(healthy)/fills", token: alice.access).page("fills").isEmpty))
            let clock = ContinuousClock()
            let start = clock.now
            let stop = try await api.call(.post, "/api/deployments/\(poisoned)/stop", token: alice.access)
            #expect(stop.status == 200, "\(stop.text)")
            #expect(clock.now - start < .seconds(5))
            #expect((fixture.host as? SupervisedHost)?.replacedWorkers == 1, "one crash, no loop")
        }
    }

    /// A worker stuck in a callback (its watchdog told to wait long): the
    /// HTTP stop is answered 504 by the gateway's deadline, and the server
    /// goes on serving.
    @Test func aStopThatTheHostCannotAnswerInTimeIs504() async throws {
        var isolation = Self.isolation(workers: 1)
        isolation.grace = .seconds(120)
        isolation.replyDeadline = .seconds(60)
        let fixture = try await GatewayFixture(configure: { $0.hostCallDeadline = .milliseconds(500) }, hostMode: .isolated(isolation))
        try await fixture.run { api in
            let alice = try await api.signUp("alice")
            let version = try await DeploymentRouteTests.uploadEager(api, token: alice.access)
            let id = try #require(try await api.call(.post, "/api/deployments", json: ["versionId": version],
                                                     token: alice.access).json["id"] as? Int)
            let host = try #require(fixture.host as? SupervisedHost)
            host.testStall(Platform.hostID(DeploymentID(Int64(id))))
            DispatchQueue.global().async { DeploymentRouteTests.feed(fixture, events: 20) }
            try await Task.sleep(for: .milliseconds(300))
            let clock = ContinuousClock()
            let start = clock.now
            let stop = try await api.callAlone(.post, "/api/deployments/\(id)/stop", token: alice.access)
            #expect(stop.status == 504 && stop.errorCode == "host_timeout", "\(stop.text)")
            #expect(clock.now - start < .seconds(5))
            #expect(try await api.call(.get, "/api/health").status == 200)
            // The stalled worker reads no frames: end it from outside.
            kill(host.workerProcessIDs[0], SIGKILL)
        }
    }
}
