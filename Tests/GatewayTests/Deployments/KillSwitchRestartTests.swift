import Foundation
import Host
import Marketplace
import Platform
import Testing
import TestSupport
@testable import Gateway

/// The emergency stop over real HTTP: engaged by the owner, it survives a
/// restart on the same SQLite file, refuses orders that add to a position,
/// lets the owner get out, and shows on the deployment and the risk status.
@Suite struct KillSwitchRestartTests {
    static func order(_ side: String, _ quantity: Double) -> [String: Any] {
        ["symbol": "BTCUSD", "side": side, "quantity": String(quantity)]
    }

    static func refusalCode(_ reply: API.Reply) -> String? {
        (reply.errorDetails.first?["issue"] as? String)?.split(separator: ":").first.map(String.init)
    }

    @Test func theOwnersSwitchSurvivesARestartAndLetsTheOwnerGetOut() async throws {
        let first = try await GatewayFixture()
        let id = try await first.run { api in
            let alice = try await api.signUp("alice")
            let id = try await ManualOrderRouteTests.deploy(first, api, token: alice.access)
            let bought = try await api.call(.post, "/api/deployments/\(id)/orders", json: Self.order("buy", 0.5), token: alice.access)
            #expect(bought.status == 201, "\(bought.text)")
            ManualOrderRouteTests.feed(first, events: 30)

            let stop = try await api.call(.post, "/api/risk/emergency-stop", json: ["reason": "fat finger"], token: alice.access)
            #expect(stop.status == 200 && stop.json["ownEmergencyStop"] as? Bool == true, "\(stop.text)")
            let switches = try #require(stop.json["killSwitches"] as? [[String: Any]])
            #expect(switches.count == 1 && switches.first?["level"] as? String == "reduce_only"
                    && switches.first?["scope"] as? String == "owner" && switches.first?["engagedBy"] as? Int == alice.id, "\(stop.text)")
            return id
        }
        first.gateway.shutDown()
        first.ownsDirectory = false

        // A new process on the same file: the switch is engaged before the deployment resumes.
        let second = try await GatewayFixture(directory: first.directory)
        #expect(try await second.gateway.resumeDeployments() == 1)
        #expect(second.gateway.host.snapshot(Platform.hostID(DeploymentID(Int64(id)))) != nil)
        second.clock.advance(10_000)
        ManualOrderRouteTests.feed(second, events: 30)
        try await second.run { api in
            let alice = try await api.signIn("alice")
            let base = "/api/deployments/\(id)"
            let view = try await api.call(.get, base, token: alice.access).json
            let shown = try #require(view["killSwitch"] as? [String: Any], "\(view)")
            #expect(shown["level"] as? String == "reduce_only" && shown["scope"] as? String == "owner"
                    && shown["reason"] as? String == "fat finger", "\(shown)")
            let status = try await api.call(.get, "/api/risk/status", token: alice.access).json
            #expect(status["ownEmergencyStop"] as? Bool == true)
            #expect((status["killSwitches"] as? [[String: Any]])?.first?["reason"] as? String == "fat finger", "\(status)")

            // Adding to the long is refused; reducing it passes.
            let more = try await api.call(.post, "\(base)/orders", json: Self.order("buy", 0.1), token: alice.access)
            #expect(more.status == 422 && Self.refusalCode(more) == "killSwitchReduceOnly", "\(more.text)")
            let flip = try await api.call(.post, "\(base)/orders", json: Self.order("sell", 0.6), token: alice.access)
            #expect(flip.status == 422 && Self.refusalCode(flip) == "killSwitchReduceOnly", "\(flip.text)")
            let trim = try await api.call(.post, "\(base)/orders", json: Self.order("sell", 0.1), token: alice.access)
            #expect(trim.status == 201, "\(trim.text)")
            ManualOrderRouteTests.feed(second, events: 10)

            // A halt on the deployment is stricter than the owner's reduce-only: even the close is refused.
            let halt = try await api.call(.post, "/api/risk/emergency-stop",
                                          json: ["scope": "deployment", "deploymentId": id, "level": "halt", "reason": "runaway"],
                                          token: alice.access)
            #expect(halt.status == 200 && (halt.json["killSwitches"] as? [[String: Any]])?.count == 2, "\(halt.text)")
            let strictest = try #require(try await api.call(.get, base, token: alice.access).json["killSwitch"] as? [String: Any])
            #expect(strictest["level"] as? String == "halt" && strictest["scope"] as? String == "deployment", "\(strictest)")
            let refusedClose = try await api.call(.post, "\(base)/positions/BTCUSD/close", token: alice.access)
            #expect(refusedClose.status == 422 && Self.refusalCode(refusedClose) == "killSwitch", "\(refusedClose.text)")
            let released = try await api.call(.delete, "/api/risk/emergency-stop?scope=deployment&deploymentId=\(id)", token: alice.access)
            #expect(released.status == 200 && (released.json["killSwitches"] as? [[String: Any]])?.count == 1, "\(released.text)")

            // Back to reduce-only: square-off closes what is left.
            let squared = try await api.call(.post, "\(base)/square-off", token: alice.access)
            #expect(squared.status == 200, "\(squared.text)")
            ManualOrderRouteTests.feed(second, events: 10)
            #expect(try await api.call(.get, "\(base)/positions", token: alice.access).list.isEmpty)

            _ = try await api.call(.delete, "/api/risk/emergency-stop", token: alice.access)
            let after = try await api.call(.get, base, token: alice.access)
            #expect(after.text.contains("\"killSwitch\":null"), "\(after.text)")
            #expect((try await api.call(.get, "/api/risk/status", token: alice.access).json["killSwitches"] as? [Any])?.isEmpty == true)
            let free = try await api.call(.post, "\(base)/orders", json: Self.order("buy", 0.1), token: alice.access)
            #expect(free.status == 201, "\(free.text)")
        }
        try FileManager.default.removeItem(at: first.directory)
    }

    @Test func scopesAndLevelsAreChecked() async throws {
        let fixture = try await GatewayFixture()
        try await fixture.run { api in
            let alice = try await api.signUp("alice").access
            let bob = try await api.signUp("bob").access
            let id = try await ManualOrderRouteTests.deploy(fixture, api, token: alice)
            let path = "/api/risk/emergency-stop"
            #expect(try await api.call(.post, path, json: ["scope": "global"], token: alice).status == 403)
            #expect(try await api.call(.post, path, json: ["level": "pause"], token: alice).status == 422)
            #expect(try await api.call(.post, path, json: ["scope": "deployment"], token: alice).status == 422)
            #expect(try await api.call(.post, path, json: ["scope": "own", "deploymentId": id], token: alice).status == 422)
            #expect(try await api.call(.post, path, json: ["scope": "deployment", "deploymentId": id], token: bob).status == 404)
            let bobs = try await api.call(.get, "/api/risk/status", token: bob).json
            #expect((bobs["killSwitches"] as? [Any])?.isEmpty == true, "nothing was engaged: \(bobs)")
        }
    }
}
