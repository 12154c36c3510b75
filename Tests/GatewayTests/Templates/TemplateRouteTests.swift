import Foundation
import Testing
import TestSupport
@testable import Gateway

/// Admin template management over real HTTP.
@Suite struct TemplateRouteTests {
    @Test func adminsCreateAndDeleteTemplatesButNotBuiltinOrUsedOnes() async throws {
        let fixture = try await GatewayFixture()
        _ = try fixture.store.loadTemplates(from: TestPaths.root.appendingPathComponent("templates"),
                                            strategiesDirectory: TestPaths.root.appendingPathComponent("strategies"))
        let source = try TestPaths.read(TestPaths.strategy("sma_crossover.lua"))
        try await fixture.run { api in
            let root = try await MarketplaceRouteTests.admin(fixture, api)
            let alice = try await api.signUp("alice").access
            let manifest: [String: Any] = ["id": "slow_sma", "title": "Slow SMA", "description": "A slower crossover for daily bars.",
                                           "category": "trend", "parameters": ["fast": 20, "slow": 100], "risk": [:]]
            let created = try await api.call(.post, "/api/admin/templates", json: ["manifest": manifest, "source": source], token: root)
            #expect(created.status == 201, "\(created.text)")
            var renamed = manifest
            renamed["title"] = "Slower SMA"
            let updated = try await api.call(.put, "/api/admin/templates/slow_sma", json: ["manifest": renamed, "source": source], token: root)
            #expect(updated.status == 200 && updated.json["title"] as? String == "Slower SMA", "\(updated.text)")
            #expect(try await api.call(.put, "/api/admin/templates/other", json: ["manifest": renamed, "source": source], token: root).status == 404)
            #expect(try await api.call(.put, "/api/admin/templates/dca", json: ["manifest": renamed, "source": source], token: root).status == 422,
                    "the body's id must be the path's")

            #expect(try await api.call(.delete, "/api/admin/templates/slow_sma", token: alice).status == 403)
            #expect(try await api.call(.delete, "/api/admin/templates/dca", token: root).status == 403, "builtin")
            #expect(try await api.call(.delete, "/api/admin/templates/nope", token: root).status == 404)

            let deployed = try await api.call(.post, "/api/templates/slow_sma/deploy", json: ["start": false], token: alice)
            let deployment = try #require(deployed.json["id"] as? Int, "\(deployed.text)")
            let inUse = try await api.call(.delete, "/api/admin/templates/slow_sma", token: root)
            #expect(inUse.status == 409 && inUse.text.contains("in_use"), "\(inUse.text)")
            #expect(try await api.call(.delete, "/api/deployments/\(deployment)", token: alice).status == 204)

            #expect(try await api.call(.delete, "/api/admin/templates/slow_sma", token: root).status == 204)
            #expect(try await api.call(.get, "/api/templates/slow_sma", token: alice).status == 404)
            let audit = try await api.call(.get, "/api/admin/audit", token: root)
            #expect(audit.text.contains("template.delete"))
        }
    }
}
