import Foundation
import JWTKit
import Marketplace
import Testing
import TestSupport
@testable import Gateway

/// The one verified-session guarantee that is timed: a revocation written by
/// another process is honoured within the entry's 0.9 s lifetime. Timed, so
/// it runs in `make test`'s alone step (`LUNAR_ALONE=1`), where a loaded
/// machine cannot stretch a request past the slack.
@Suite(.enabled(if: ProcessInfo.processInfo.environment["LUNAR_ALONE"] == "1"))
struct SessionRevocationTimingTests {
    /// Another process (here another store on the same file, whose writes
    /// this store's generation does not count) revokes the session: the
    /// entry's lifetime ends it within a second.
    @Test func aRevocationByAnotherProcessIsHonouredWithinASecond() async throws {
        let fixture = try await GatewayFixture()
        try await fixture.run { api in
            let judy = try await VerifiedSessionTests.warm(api, "judy")
            let sessionID = try #require(await fixture.gateway.tokens.verify(judy.access, now: fixture.clock.now)?.sid)
            let other = try MarketplaceStore(.init(path: fixture.directory.appendingPathComponent("lunar.sqlite").path,
                                                   validator: SandboxValidator(sampleCSV: TestPaths.data("sample-btcusd-1h.csv")),
                                                   clock: fixture.clock))
            let generation = fixture.store.accessGeneration
            #expect(try await api.call(.get, "/api/auth/me", token: judy.access).status == 200)
            try other.revokeSession(sessionID, reason: "operator")
            #expect(fixture.store.accessGeneration == generation, "the other store's write is invisible to this one's generation")
            let (reply, elapsed) = try await VerifiedSessionTests.refusal(of: judy.access, api)
            #expect(reply.status == 401 && reply.errorCode == "session_revoked")
            // The lifetime is 0.9 s; the slack is for a loaded machine's request latency.
            #expect(elapsed < .seconds(2), "refused after \(elapsed)")
        }
    }
}
