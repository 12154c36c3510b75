import Foundation
import Host
import Platform
import Sandbox
import Testing
@testable import Marketplace

/// No silent loss: a journal write that fails is retried; past the retries
/// the deployment is halted reduce-only with the reason (in the host at
/// once, on its row as soon as the store takes a write), and the records
/// wait in the writer's queue until the store takes them: every order and
/// fill the host reported ends up in the journal exactly once.
@Suite struct JournalFailureTests {
    @Test func aFailingJournalHaltsTheDeploymentAndLosesNothing() async throws {
        let fixture = try PlatformFixture()
        let counter = fixture.reported
        let told = NotificationCounter()
        _ = fixture.platform.addListener { id, notification in told.record(id, notification) }
        // DCA buying every bar: an order and a fill per bar while it may buy.
        let deployment = try await fixture.platform.createDeployment(
            .template("dca"), parameters: ["every": .integer(1), "amount": .number(100), "boost_below_sma": .integer(0)],
            risk: nil, symbols: nil, timeframe: nil, start: true, by: fixture.user.id)
        let id = deployment.id
        var market = fixture.market()
        fixture.feed(400, from: &market)
        #expect(await fixture.platform.journal.flush())
        let before = try fixture.store.journal(of: id).fills.count
        #expect(before > 0 && before == counter.fills(id.rawValue), "journal \(before), reported \(counter.fills(id.rawValue))")

        try fixture.failWrites(true)
        fixture.feed(400, from: &market)
        #expect(eventually { fixture.platform.writeHalt(id) != nil }, "the deployment is halted for the failed writes")
        let reason = try #require(fixture.platform.writeHalt(id))
        #expect(reason.contains("journal write failed") && reason.contains("disk I/O error"), "\(reason)")
        #expect(try eventually { if case .halted = try fixture.store.runSpec(of: id).deployment.status { true } else { false } },
                "the row says halted, with the reason")
        #expect(try fixture.store.journal(of: id).fills.count == before, "nothing written while the store refuses")
        #expect(fixture.platform.journal.backlog > 0, "the records wait in the queue, not dropped")
        #expect(fixture.platform.journal.lastError?.contains("disk I/O error") == true)

        // Reduce-only: the strategy's buys are denied from now on.
        let reportedAtHalt = counter.fills(id.rawValue)
        fixture.feed(200, from: &market)
        #expect(counter.fills(id.rawValue) == reportedAtHalt, "no new fills once halted reduce-only")

        try fixture.failWrites(false)
        #expect(await fixture.platform.journal.flush(timeout: .seconds(10)))
        let journal = try fixture.store.journal(of: id)
        #expect(journal.fills.count == counter.fills(id.rawValue), "every reported fill is in the journal")
        #expect(Set(journal.fills.map(\.id)).count == journal.fills.count, "each once")
        #expect(journal.orders.count == counter.orders(id.rawValue), "every reported order is in the journal once")
        #expect(fixture.platform.journal.lastError == nil)
        #expect(told.fills(id.rawValue) == journal.fills.count, "listeners heard of each fill once it was committed")
        // The halt holds until the owner stops the deployment.
        #expect(fixture.platform.writeHalt(id) != nil)
        let stopped = try await fixture.platform.stopDeployment(id, reason: "owner stop", by: fixture.user.id)
        #expect(stopped.status == .stopped(reason: "owner stop"))
        #expect(fixture.platform.writeHalt(id) == nil)
    }

    @Test func aHaltSurvivesARestartOfTheDeployment() async throws {
        let fixture = try PlatformFixture()
        let deployment = try await fixture.platform.createDeployment(
            .template("dca"), parameters: ["every": .integer(1), "amount": .number(100), "boost_below_sma": .integer(0)],
            risk: nil, symbols: nil, timeframe: nil, start: true, by: fixture.user.id)
        var market = fixture.market()
        try fixture.failWrites(true)
        fixture.feed(200, from: &market)
        #expect(try eventually { if case .halted = try fixture.store.runSpec(of: deployment.id).deployment.status { true } else { false } })
        try fixture.failWrites(false)
        #expect(await fixture.platform.journal.flush(timeout: .seconds(10)))
        // A server restart: a new platform over the same store resumes it, still halted.
        let second = try PlatformFixture.reopening(fixture)
        #expect(try await second.platform.resumeDeployments() == 1)
        #expect(second.platform.writeHalt(deployment.id) != nil, "the halt is restored with the run")
        let counter = second.reported
        var more = second.market(seed: 8)
        second.feed(200, from: &more)
        #expect(counter.fills(deployment.id.rawValue) == 0, "still reduce-only after the restart")
    }
}
