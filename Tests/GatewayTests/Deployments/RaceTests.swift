import Foundation
import Testing
import TestSupport
@testable import Gateway
import Host
import Marketplace
import Platform

/// Concurrent requests over real connections against the races the
/// application layer closes: the per-user deployment quota (checked in the
/// insert's transaction) and start/stop on one deployment (one lane per
/// deployment, so the store and the host agree afterwards).
@Suite struct RaceTests {
    @Test func fiftyConcurrentDeploysStopAtTheQuota() async throws {
        let fixture = try await GatewayFixture { $0.maximumDeploymentsPerUser = 10; $0.maximumConnectionsPerAddress = 256 }
        try await fixture.run { api in
            let alice = try await api.signUp("alice")
            let version = try await DeploymentRouteTests.uploadEager(api, token: alice.access)
            let replies = try await withThrowingTaskGroup(of: API.Reply.self) { group in
                for _ in 0..<50 {
                    group.addTask { try await api.callAlone(.post, "/api/deployments", json: ["versionId": version], token: alice.access) }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(replies.filter { $0.status == 201 }.count == 10, "\(replies.map(\.status))")
            let refused = replies.filter { $0.status == 429 }
            #expect(refused.count == 40 && refused.allSatisfy { $0.errorCode == "quota_exceeded" },
                    "\(replies.filter { $0.status != 201 }.map { "\($0.status) \($0.text)" })")
            let owner = UserID(Int64(alice.id))
            #expect(try fixture.store.deployments(of: owner, by: owner).count == 10)
        }
    }

    @Test(arguments: [false, true]) func interleavedStartsAndStopsLeaveTheStoreAndTheHostAgreeing(isolated: Bool) async throws {
        let fixture = try await GatewayFixture(configure: { $0.maximumConnectionsPerAddress = 256 },
                                               hostMode: BanStopsHostTests.modes()[isolated ? 1 : 0])
        try await fixture.run { api in
            let alice = try await api.signUp("alice")
            let version = try await DeploymentRouteTests.uploadEager(api, token: alice.access)
            let created = try await api.call(.post, "/api/deployments", json: ["versionId": version], token: alice.access)
            let id = try #require(created.json["id"] as? Int, "\(created.text)")
            let replies = try await withThrowingTaskGroup(of: API.Reply.self) { group in
                for index in 0..<50 {
                    let command = index.isMultiple(of: 2) ? "start" : "stop"
                    group.addTask { try await api.callAlone(.post, "/api/deployments/\(id)/\(command)", token: alice.access) }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            // Each command either applies (200) or is an illegal transition
            // for the state it found (409); nothing else.
            #expect(replies.allSatisfy { $0.status == 200 || $0.status == 409 }, "\(replies.map { "\($0.status) \($0.text)" })")
            #expect(replies.contains { $0.status == 200 })
            let owner = UserID(Int64(alice.id))
            let row = try fixture.store.deployment(DeploymentID(Int64(id)), by: owner)
            let runs = fixture.host.snapshot(Platform.hostID(DeploymentID(Int64(id)))) != nil
            #expect((row.status == .running) == runs, "row \(row.status), host \(runs ? "runs it" : "does not run it")")
            // One more stop and start still work and still agree.
            #expect(try await api.call(.post, "/api/deployments/\(id)/stop", token: alice.access).status == (row.status == .running ? 200 : 409))
            #expect(fixture.host.snapshot(Platform.hostID(DeploymentID(Int64(id)))) == nil)
            #expect(try await api.call(.post, "/api/deployments/\(id)/start", token: alice.access).status == 200)
            #expect(fixture.host.snapshot(Platform.hostID(DeploymentID(Int64(id)))) != nil)
        }
    }
}
