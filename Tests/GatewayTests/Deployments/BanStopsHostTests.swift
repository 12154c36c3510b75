import Foundation
import Testing
import TestSupport
@testable import Gateway
import Host
import Marketplace
import Platform

/// A ban stops the banned user's running deployments in the host, not only
/// in the store (docs/marketplace.md), in both host modes; the other users'
/// deployments go on.
@Suite struct BanStopsHostTests {
    static func modes() -> [HostMode] {
        [.inProcess(.init(workers: 1)),
         .isolated(IsolationConfiguration(executablePath: TestPaths.lunarExecutable, workers: 1))]
    }

    @Test(arguments: [false, true]) func aBanStopsTheUsersDeploymentsInTheHost(isolated: Bool) async throws {
        let fixture = try await GatewayFixture(hostMode: Self.modes()[isolated ? 1 : 0])
        try await fixture.run { api in
            #expect(try await fixture.gateway.bootstrapSuperadmin(username: "root", email: "root@example.com", password: "root-password-123"))
            let root = try await api.signIn("root", password: "root-password-123")
            let mallory = try await api.signUp("mallory")
            let alice = try await api.signUp("alice")
            let hers = try await DeploymentRouteTests.uploadEager(api, token: mallory.access)
            let theirs = try await DeploymentRouteTests.uploadEager(api, token: alice.access)
            let banned = try #require(try await api.call(.post, "/api/deployments", json: ["versionId": hers], token: mallory.access).json["id"] as? Int)
            let kept = try #require(try await api.call(.post, "/api/deployments", json: ["versionId": theirs], token: alice.access).json["id"] as? Int)
            DeploymentRouteTests.feed(fixture, events: 50)
            let hostID = Platform.hostID(DeploymentID(Int64(banned)))
            #expect(fixture.host.snapshot(hostID) != nil)
            let ban = try await api.call(.post, "/api/admin/users/\(mallory.id)/ban", json: ["reason": "fraud"], token: root.access)
            #expect(ban.status == 200, "\(ban.text)")
            #expect(fixture.host.snapshot(hostID) == nil, "the banned user's deployment no longer runs in the host")
            #expect(fixture.host.snapshot(Platform.hostID(DeploymentID(Int64(kept))))?.status == .running)
            let row = try fixture.store.deployment(DeploymentID(Int64(banned)), by: UserID(Int64(root.id)))
            guard case .stopped = row.status else { Issue.record("row: \(row.status)"); return }
        }
    }
}
