import Foundation
import Sandbox
import TestSupport
import Testing
@testable import Marketplace

@Suite struct TemplateTests {
    static let templates = TestPaths.root.appendingPathComponent("templates")
    static let strategies = TestPaths.root.appendingPathComponent("strategies")

    @Test func theBundledManifestsLoadAndDeployWithValidatedParameters() throws {
        let fixture = try StoreFixture()
        let loaded = try fixture.store.loadTemplates(from: Self.templates, strategiesDirectory: Self.strategies)
        #expect(loaded.map(\.id) == ["bollinger_breakout", "dca", "grid", "market_maker", "rsi_mean_reversion", "sma_crossover"])
        #expect(try fixture.store.loadTemplates(from: Self.templates, strategiesDirectory: Self.strategies).count == 6)   // idempotent
        #expect(try fixture.store.templates(category: "grid").map(\.id) == ["grid"])
        #expect(try fixture.store.templates(matching: "moving average").map(\.id).contains("sma_crossover"))

        let user = try fixture.user("user")
        try fixture.store.addFavorite(.template("dca"), by: user.id)
        let deployment = try fixture.store.deploy(.template("sma_crossover"), parameters: ["fast": .integer(5)], by: user.id)
        #expect(deployment.parameters["fast"] == .integer(5) && deployment.parameters["slow"] == .integer(30))
        #expect(deployment.risk.maxOpenOrders == 5 && deployment.status == .stopped(reason: ""))
        #expect(storeError { _ = try fixture.store.deploy(.template("sma_crossover"), parameters: ["fast": .integer(1)], by: user.id) }
                == .invalid(field: "parameters.fast", rule: "1 is below the minimum 2"))
        #expect(storeError { _ = try fixture.store.deploy(.template("sma_crossover"), parameters: ["speed": .integer(1)], by: user.id) }?.code == "invalid_input")
        // Several bad values: each under its own field, not all under the first.
        #expect(storeError { _ = try fixture.store.deploy(.template("sma_crossover"), parameters: ["fast": .number(1e308), "slow": .integer(-5)], by: user.id) }
                == .invalidFields([FieldRule(field: "parameters.fast", rule: "must be an integer, got 1e+308"),
                                   FieldRule(field: "parameters.slow", rule: "-5 is below the minimum 3")]))
        #expect(try fixture.store.deployments(of: user.id, by: user.id).count == 1)
    }

    @Test func aBadManifestFailsTheLoadNamingTheFile() throws {
        let fixture = try StoreFixture()
        let folder = fixture.directory.appendingPathComponent("templates")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let manifest = TemplateManifest(id: "fast_sma", title: "Fast SMA", description: "Too fast to be valid here.", category: "trend",
                                        strategy: "sma_crossover.lua", parameters: ["fast": .integer(1000)])
        try JSONEncoder().encode(manifest).write(to: folder.appendingPathComponent("fast_sma.json"))
        guard case .invalid(let field, _)? = storeError({ _ = try fixture.store.loadTemplates(from: folder, strategiesDirectory: Self.strategies) }) else {
            Issue.record("expected invalid input")
            return
        }
        #expect(field == "fast_sma.json: parameters.fast")
        #expect(try fixture.store.templates().isEmpty)
    }

    @Test func adminsCreateTemplates() throws {
        let fixture = try StoreFixture()
        let user = try fixture.user("user")
        let manifest = TemplateManifest(id: "slow_sma", title: "Slow SMA", description: "A slower crossover for daily bars.",
                                        category: "trend", parameters: ["fast": .integer(20), "slow": .integer(100)])
        #expect(storeError { _ = try fixture.store.saveTemplate(manifest, source: StoreFixture.smaSource, by: user.id) }?.code == "forbidden")
        var bad = manifest
        bad.category = "vibes"
        #expect(storeError { _ = try fixture.store.saveTemplate(bad, source: StoreFixture.smaSource, by: fixture.admin.id) }?.code == "invalid_input")
        let template = try fixture.store.saveTemplate(manifest, source: StoreFixture.smaSource, by: fixture.admin.id)
        #expect(!template.builtin && template.parameters["slow"] == .integer(100))
        #expect(try fixture.store.auditLog(for: .template("slow_sma"), by: fixture.admin.id).count == 1)
    }

    @Test func adminsDeleteUnusedNonBuiltinTemplatesOnly() throws {
        let fixture = try StoreFixture()
        _ = try fixture.store.loadTemplates(from: Self.templates, strategiesDirectory: Self.strategies)
        let user = try fixture.user("user")
        let manifest = TemplateManifest(id: "slow_sma", title: "Slow SMA", description: "A slower crossover for daily bars.",
                                        category: "trend", parameters: ["fast": .integer(20), "slow": .integer(100)])
        _ = try fixture.store.saveTemplate(manifest, source: StoreFixture.smaSource, by: fixture.admin.id)
        try fixture.store.addFavorite(.template("slow_sma"), by: user.id)

        #expect(storeError { try fixture.store.deleteTemplate("slow_sma", reason: "mine", by: user.id) }?.code == "forbidden")
        #expect(storeError { try fixture.store.deleteTemplate("dca", reason: "builtin", by: fixture.admin.id) }?.code == "forbidden")
        #expect(storeError { try fixture.store.deleteTemplate("nope", reason: "missing", by: fixture.admin.id) }?.code == "not_found")
        let deployment = try fixture.store.deploy(.template("slow_sma"), parameters: [:], by: user.id)
        #expect(storeError { try fixture.store.deleteTemplate("slow_sma", reason: "in use", by: fixture.admin.id) }
                == .inUse(entity: "template", id: "slow_sma", count: 1, users: "deployment(s)"))
        #expect(try fixture.store.template("slow_sma").id == "slow_sma", "a refused delete changes nothing")

        try fixture.store.deleteDeployment(deployment.id, by: user.id)
        try fixture.store.deleteTemplate("slow_sma", reason: "retired", by: fixture.admin.id)
        #expect(storeError { _ = try fixture.store.template("slow_sma") }?.code == "not_found")
        #expect(try fixture.store.templates(matching: "slower").isEmpty, "its search entry is gone")
        #expect(try fixture.store.auditLog(for: .template("slow_sma"), by: fixture.admin.id).map(\.action).contains("template.delete"))
        #expect(try fixture.store.templates().count == 6, "the builtin templates stay")
    }
}
