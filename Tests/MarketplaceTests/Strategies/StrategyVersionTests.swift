import Foundation
import Host
import Testing
@testable import Marketplace

@Suite struct StrategyVersionTests {
    @Test func aValidScriptIsAcceptedWithItsSchemaHashAndBacktestFigures() throws {
        let fixture = try StoreFixture()
        let author = try fixture.user("author")
        let strategy = try fixture.store.createStrategy(name: "SMA", by: author.id)
        let version = try fixture.store.uploadVersion(of: strategy.id, source: StoreFixture.smaSource, changelog: "first cut", by: author.id)
        #expect(version.status == .accepted && version.number == 1)
        #expect(version.contentHash == SHA256.hexDigest(text: StoreFixture.smaSource))
        #expect(version.schema?.parameters.map(\.name) == ["fast", "fraction", "slow"])
        #expect(version.report.callbacks.contains("on_bar"))
        let figures = try #require(version.report.performance)
        #expect(figures.barCount == 300 && !figures.equityCurve.isEmpty && figures.equityCurve.count <= 100)
        let second = try fixture.store.uploadVersion(of: strategy.id, source: StoreFixture.smaSource + "\n-- tweak", changelog: "", by: author.id)
        #expect(second.number == 2)
        #expect(try fixture.store.versions(of: strategy.id, by: author.id).map(\.number) == [1, 2])
    }

    @Test(arguments: [
        ("strategy = {", "compile:"),
        ("strategy = { name = 'x', params = { n = { type = 'integer', default = 5, min = 10 } } }\nfunction on_bar() end", "schema:"),
        ("strategy = { name = 'x' }", "callbacks:"),
        ("strategy = { name = 'x' }\nfunction on_bar(ctx, bar) error('boom') end", "backtest:"),
        ("strategy = { name = 'x' }\nfunction on_bar(ctx, bar) while true do end end", "backtest:"),
    ])
    func aFailingScriptIsStoredAsRejectedWithTheReason(source: String, stage: String) throws {
        let fixture = try StoreFixture()
        let author = try fixture.user("author")
        let strategy = try fixture.store.createStrategy(name: "bad", by: author.id)
        let version = try fixture.store.uploadVersion(of: strategy.id, source: source, changelog: "", by: author.id)
        #expect(version.status == .rejected)
        #expect(version.report.issues.contains { $0.hasPrefix(stage) }, "\(version.report.issues)")
        #expect(try fixture.store.versions(of: strategy.id, by: author.id).first?.status == .rejected)
    }

    @Test func versionsAreImmutableAndOnlyTheAuthorUploads() throws {
        let fixture = try StoreFixture()
        let author = try fixture.user("author")
        let other = try fixture.user("other")
        let strategy = try fixture.store.createStrategy(name: "SMA", by: author.id)
        let version = try fixture.store.uploadVersion(of: strategy.id, source: StoreFixture.smaSource, changelog: "", by: author.id)
        #expect(storeError { _ = try fixture.store.uploadVersion(of: strategy.id, source: "x = 1", changelog: "", by: other.id) }?.code == "not_found")
        #expect(storeError { _ = try fixture.store.uploadVersion(of: strategy.id, source: "", changelog: "", by: author.id) }
                == .invalid(field: "source", rule: "must be 1 to 200000 bytes"))
        #expect(storeError { _ = try fixture.store.createStrategy(name: "SMA", by: author.id) } == .duplicate(field: "name"))
        let raw = try Connection(path: fixture.path, readOnly: false)
        #expect(storeError { try raw.run("UPDATE strategy_versions SET source = 'x' WHERE id = ?", [version.id]) }?.code == "database")
    }
}
