import Foundation
import Host
import Platform
import Testing
import TestSupport
@testable import Gateway
@testable import Marketplace

/// One error vocabulary: a deployment the host refuses answers the same
/// status, code and body with the in-process host and with worker
/// processes (it was 422 in one and 500 in the other).
@Suite struct HostErrorParityTests {
    /// A stored version whose script no longer loads (as a template file
    /// edited on disk would be): the host refuses it at start.
    @Test func aRefusedDeploymentAnswersTheSameInBothHostModes() async throws {
        var answers: [String] = []
        for isolated in [false, true] {
            let fixture = try await GatewayFixture(hostMode: BanStopsHostTests.modes()[isolated ? 1 : 0])
            let answer = try await fixture.run { api -> String in
                let alice = try await api.signUp("alice")
                let version = try await DeploymentRouteTests.uploadEager(api, token: alice.access)
                let created = try await api.call(.post, "/api/deployments", json: ["versionId": version, "start": false], token: alice.access)
                let id = try #require(created.json["id"] as? Int, "\(created.text)")
                try fixture.store.pool.write { (connection) throws(StoreError) in
                    // Versions are immutable by a trigger: this test goes under it on purpose.
                    try connection.execute("""
                        DROP TRIGGER strategy_versions_immutable;
                        UPDATE strategy_versions SET source = 'function on_bar(ctx, bar)
                          if then end
                        end';
                        """)
                }
                let start = try await api.call(.post, "/api/deployments/\(id)/start", token: alice.access)
                #expect(start.status == 422, "isolated: \(isolated): \(start.text)")
                #expect(start.text.contains(#""code":"syntaxError""#), "isolated: \(isolated): \(start.text)")
                let row = try await api.call(.get, "/api/deployments/\(id)", token: alice.access)
                #expect(row.json["status"] as? String == "faulted", "the refusal faults the row: \(row.text)")
                #expect(fixture.host.snapshot(Platform.hostID(DeploymentID(Int64(id)))) == nil)
                return start.text
            }
            answers.append(answer)
        }
        let bodies = answers.map(Self.withoutRequestID)
        #expect(bodies.count == 2 && bodies[0] != nil && bodies[0] == bodies[1], "same body in both modes:\n\(answers.joined(separator: "\n"))")
    }

    @Test func theHostErrorsMapToStableCodes() {
        #expect(APIError.from(DeploymentHostError.refused(.unknownSymbol("DOGEUSD"))).status == 422)
        #expect(APIError.from(DeploymentHostError.refused(.unknownSymbol("DOGEUSD"))).code == "unknown_symbol")
        #expect(APIError.from(DeploymentHostError.duplicate(id: "deployment-1")).status == 409)
        #expect(APIError.from(DeploymentHostError.unavailable(reason: "worker died")).status == 503)
        #expect(APIError.from(PlatformError.hostTimeout(what: "start", after: .seconds(1))).status == 504)
        #expect(APIError.from(PlatformError.quotaExceeded(message: "x", retryAfter: 5)).status == 429)
        #expect(APIError.from(StoreError.blockingCall(operation: "a read")).status == 500)
    }

    /// The parsed body minus the per-request id.
    static func withoutRequestID(_ text: String) -> NSDictionary? {
        guard var body = (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any],
              var error = body["error"] as? [String: Any] else { return nil }
        error["requestId"] = nil
        body["error"] = error
        return body as NSDictionary
    }
}
