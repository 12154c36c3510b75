import Foundation
import Marketplace
import Testing
import TestSupport
@testable import Gateway

/// `GET /api/backtests/{id}/report`: the CLI's HTML report, for its owner
/// only, once the job has finished; with a fault section when the strategy
/// faulted; 409 before then or when there is no result.
@Suite struct BacktestReportTests {
    @Test func theOwnerGetsTheHTMLReportOfAFinishedJob() async throws {
        let fixture = try await GatewayFixture()
        try await fixture.run { api in
            let alice = try await api.signUp("alice")
            let bob = try await api.signUp("bob")
            let strategy = try await BacktestRequestTests.strategy(api, token: alice.access)
            let job = try #require(try await api.call(.post, "/api/strategies/\(strategy)/backtest", json: [:], token: alice.access).json["id"] as? Int)
            #expect(try await BacktestRestartTests.poll(api, job, token: alice.access).json["status"] as? String == "completed")
            let report = try await api.call(.get, "/api/backtests/\(job)/report", token: alice.access)
            #expect(report.status == 200)
            #expect(report.header("Content-Type")?.hasPrefix("text/html") == true)
            #expect(report.header("Content-Security-Policy")?.hasPrefix("default-src 'none'") == true)
            #expect(report.text.hasPrefix("<!DOCTYPE html>") && report.text.contains("Backtest: eager"))
            #expect(!report.text.contains("<script"))
            #expect(!report.text.contains("Stopped by a fault"))
            #expect(try await api.call(.get, "/api/backtests/\(job)/report", token: bob.access).status == 404)
            #expect(try await api.call(.get, "/api/backtests/\(job)/report").status == 401)
            #expect(try await api.call(.get, "/api/backtests/999999/report", token: alice.access).status == 404)
        }
    }

    @Test func aFaultedJobsReportSaysWhereItStopped() async throws {
        let fixture = try await GatewayFixture()
        try await fixture.run { api in
            let alice = try await api.signUp("alice")
            let failed = try await BacktestFaultTests.run(api, token: alice.access)
            let id = try #require(failed.json["id"] as? Int)
            let report = try await api.call(.get, "/api/backtests/\(id)/report", token: alice.access)
            #expect(report.status == 200)
            #expect(report.text.contains("Stopped by a fault") && report.text.contains("bar four hundred"), "\(report.text.prefix(200))")
        }
    }

    @Test func anUnfinishedJobOrOneWithoutAResultIs409() async throws {
        let fixture = try await GatewayFixture()
        let (token, user) = try await fixture.run { api in
            let alice = try await api.signUp("alice")
            return (alice.access, alice.id)
        }
        // Stand-ins: a job still queued, and one that failed before producing a result.
        let owner = UserID(Int64(user))
        let queued = try fixture.store.createBacktestJob(owner: owner, strategy: StrategyID(1), version: VersionID(1), parameters: [:],
                                                         maximumUnfinished: 3, keepFinished: 20)
        let broken = try fixture.store.createBacktestJob(owner: owner, strategy: StrategyID(1), version: VersionID(1), parameters: [:],
                                                         maximumUnfinished: 3, keepFinished: 20)
        try fixture.store.finishBacktestJob(broken.id, .failure(BacktestJobFailure("worker died")))
        try await fixture.run { api in
            let waiting = try await api.call(.get, "/api/backtests/\(queued.id)/report", token: token)
            #expect(waiting.status == 409 && waiting.errorCode == "backtest_unfinished", "\(waiting.text)")
            let empty = try await api.call(.get, "/api/backtests/\(broken.id)/report", token: token)
            #expect(empty.status == 409 && empty.errorCode == "no_result", "\(empty.text)")
            let view = try await api.call(.get, "/api/backtests/\(broken.id)", token: token)
            #expect((view.json["error"] as? [String: Any])?["kind"] as? String == "job_error")
        }
    }
}
