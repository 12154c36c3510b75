import Foundation
import Marketplace
import Testing
@testable import Gateway

/// The store's async boundary as the Gateway uses it: no request calls
/// SQLite on its own thread, so a slow commit on the writer does not stall
/// requests that only read.
@Suite struct AsyncBoundaryTests {
    @Test func synchronousCallsAreRefusedWhereTheFlagIsSetAndBodiesStillRun() async throws {
        let fixture = try await GatewayFixture()
        let author = try fixture.store.register(username: "boundary", email: "boundary@example.com", passwordHash: "x")
        try await MarketplaceStore.$refusesBlockingCalls.withValue(true) {
            let refused = #expect(throws: StoreError.self) { _ = try fixture.store.user(author.id) }
            #expect(refused.map(Self.isBlockingCall) == true, "\(String(describing: refused))")
            let writeRefused = #expect(throws: StoreError.self) { _ = try fixture.store.createStrategy(name: "refused", by: author.id) }
            #expect(writeRefused.map(Self.isBlockingCall) == true)
            // The same calls as bodies run on the store's threads, outside the flag.
            #expect(try await fixture.store.read { try $0.user(author.id) }.username == "boundary")
            let strategy = try await fixture.store.write { try $0.createStrategy(name: "awaited", by: author.id) }
            #expect(strategy.name == "awaited")
        }
        // Outside the flag (tests, tools, the store's own threads) direct calls work.
        #expect(try fixture.store.strategies(of: author.id, by: author.id).map(\.name) == ["awaited"])
    }

    static func isBlockingCall(_ error: StoreError) -> Bool {
        if case .blockingCall = error { return true }
        return false
    }

    /// Timing: runs alone (`make test` runs it after the parallel suite, with
    /// `LUNAR_ALONE=1`); beside 500 other tests on 2 cores the cooperative
    /// pool is too busy to time anything.
    @Test(.enabled(if: ProcessInfo.processInfo.environment["LUNAR_ALONE"] == "1"))
    func readsDoNotWaitBehindASlowWrite() async throws {
        let fixture = try await GatewayFixture()
        #expect(fixture.gateway.configuration.refusesBlockingStoreCalls)
        try await fixture.run { api in
            let token = try await api.signUp("reader").access
            let (started, signal) = AsyncStream.makeStream(of: Void.self)
            let slow = Task {
                try await fixture.store.write { _ in
                    signal.yield()
                    Thread.sleep(forTimeInterval: 1.5)
                }
            }
            for await _ in started { break }
            let began = ContinuousClock.now
            let timings = try await withThrowingTaskGroup(of: (String, Int, Duration).self) { group in
                for uri in ["/api/auth/me", "/api/marketplace/listings", "/api/strategies", "/api/wallet", "/api/auth/me"] {
                    group.addTask {
                        let start = ContinuousClock.now
                        let reply = try await api.callAlone(.get, uri, token: token)
                        return (uri, reply.status, ContinuousClock.now - start)
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            let total = ContinuousClock.now - began
            for (uri, status, _) in timings { #expect(status == 200, "\(uri)") }
            // Each answers in milliseconds while the writer sleeps (1 s leaves room for a loaded machine).
            for (uri, _, elapsed) in timings { #expect(elapsed < .seconds(1), "\(uri) took \(elapsed) behind a 1.5 s write") }
            #expect(total < .seconds(1))
            try await slow.value
        }
    }

    @Test func aBlockingCallThatSlipsThroughIsAnInternalError() {
        let error = APIError.from(StoreError.blockingCall(operation: "user"))
        #expect(error.status == 500)
        #expect(error.code == "internal_error")
    }
}
