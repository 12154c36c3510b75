import Foundation
import Testing
import TestSupport
@testable import Gateway

/// What a listing advertises says how it was made (the validation
/// backtest's conditions), and an author can back it with a verified paper
/// record: a running deployment of the live version whose account the
/// listing shows.
@Suite struct HonestListingTests {
    /// A strategy that buys once and sells on every fifth bar after, so trades close.
    static let trader = """
        strategy = { name = "in-and-out", params = {} }
        local bars = 0
        function on_bar(ctx, bar)
          bars = bars + 1
          local held = ctx.position(bar.symbol)
          if bars % 5 == 0 and held and held.quantity > 0 then ctx.sell { quantity = held.quantity }
          elseif bars % 5 == 1 then ctx.buy { quantity = 0.01 } end
        end
        """

    @Test func theValidationConditionsAndAPaperRecordAreOnTheListing() async throws {
        let fixture = try await GatewayFixture()
        try await fixture.run { api in
            let root = try await MarketplaceRouteTests.admin(fixture, api)
            let author = try await api.signUp("author")
            let buyer = try await api.signUp("buyer")
            let strategy = try #require(try await api.call(.post, "/api/strategies", json: ["name": "In and out"], token: author.access).json["id"] as? Int)
            let uploaded = try await api.call(.post, "/api/strategies/\(strategy)/versions", json: ["source": Self.trader], token: author.access)
            let version = try #require(uploaded.json["id"] as? Int, "\(uploaded.text)")
            let conditions = try #require((uploaded.json["performance"] as? [String: Any])?["conditions"] as? [String: Any], "\(uploaded.text)")
            #expect(conditions["commissionBasisPoints"] as? Int == 10 && conditions["slippageBasisPoints"] as? Int == 5)
            #expect(conditions["dataset"] as? String == "sample-btcusd-1h" && conditions["parameters"] as? String == "defaults")
            let from = try #require(conditions["from"] as? String), to = try #require(conditions["to"] as? String)
            #expect(from < to && from.hasSuffix("Z"), "the period run: \(from) to \(to)")
            #expect(Double(conditions["feesPaid"] as? String ?? "") ?? 0 > 0, "fees were charged: \(conditions)")

            let listing = try #require(try await api.call(.post, "/api/marketplace/listings", json: [
                "strategyId": strategy, "title": "In and out", "summary": "Buys and sells on a rhythm.", "category": "other",
                "price": ["amount": "0.00", "currency": "USD"], "versionId": version,
            ], token: author.access).json["id"] as? Int)
            #expect(try await api.call(.post, "/api/admin/listings/\(listing)/approve", token: root).status == 200)

            // The listing page: the whole validation run next to the figures.
            let page = try await api.call(.get, "/api/marketplace/listings/\(listing)", token: buyer.access)
            let validation = try #require(page.json["validation"] as? [String: Any], "\(page.text)")
            #expect((validation["conditions"] as? [String: Any])?["commissionBasisPoints"] as? Int == 10)
            #expect(((validation["equityCurve"] as? [[String: Any]])?.first?["time"] as? String)?.hasSuffix("Z") == true)
            #expect(page.json["paperRecord"] == nil)

            // The leaderboard ranks by the validation figures, in the API's units.
            let board = try await api.call(.get, "/api/marketplace/leaderboard?metric=sharpe", token: buyer.access)
            #expect(board.json["metric"] as? String == "sharpe", "\(board.text)")
            let entries = board.json["entries"] as? [[String: Any]] ?? []
            #expect(entries.first?["rank"] as? Int == 1 && (entries.first?["listing"] as? [String: Any])?["id"] as? Int == listing)
            #expect(try await api.call(.get, "/api/marketplace/leaderboard?metric=luck", token: buyer.access).status == 422)

            // Anyone who can see the listing backtests it with their own settings; the code stays hidden.
            let withVersion = try await api.call(.post, "/api/marketplace/listings/\(listing)/backtest", json: ["versionId": version],
                                                 token: buyer.access)
            #expect(withVersion.status == 422 && withVersion.errorDetails.first?["field"] as? String == "versionId", "\(withVersion.text)")
            let queued = try await api.call(.post, "/api/marketplace/listings/\(listing)/backtest",
                                            json: ["commission": "0.002", "cash": "5000", "from": "2023-01-01", "to": "2023-02-01"],
                                            token: buyer.access)
            #expect(queued.status == 202, "\(queued.text)")
            let job = try #require(queued.json["id"] as? Int)
            let done = try await BacktestRestartTests.poll(api, job, token: buyer.access)
            #expect(done.json["status"] as? String == "completed", "\(done.text.prefix(400))")
            #expect((done.json["config"] as? [String: Any])?["commission"] as? String == "0.002", "\(done.text.prefix(600))")
            #expect(done.json["result"] is [String: Any] && !done.text.contains("function on_bar") && !done.text.contains("ctx.sell"))
            let report = try await api.call(.get, "/api/backtests/\(job)/report", token: buyer.access)
            #expect(report.status == 200 && report.text.contains("<html") && !report.text.contains("ctx.sell"))
            #expect(try await api.call(.get, "/api/backtests/\(job)", token: author.access).status == 404, "the job is the buyer's")
            #expect(try await api.call(.post, "/api/marketplace/listings/999/backtest", json: [:], token: buyer.access).status == 404)

            // A paper record: the author's deployment of the live version only.
            let deployed = try await api.call(.post, "/api/deployments", json: ["versionId": version], token: author.access)
            let deployment = try #require(deployed.json["id"] as? Int, "\(deployed.text)")
            let other = try await DeploymentRouteTests.uploadEager(api, token: author.access)
            let otherDeployment = try #require(try await api.call(.post, "/api/deployments", json: ["versionId": other, "start": false],
                                                                  token: author.access).json["id"] as? Int)
            let wrong = try await api.call(.put, "/api/marketplace/listings/\(listing)/paper-record", json: ["deploymentId": otherDeployment],
                                           token: author.access)
            #expect(wrong.status == 422 && wrong.errorDetails.first?["field"] as? String == "deploymentId", "\(wrong.text)")
            let buyersOwn = try await api.call(.put, "/api/marketplace/listings/\(listing)/paper-record", json: ["deploymentId": deployment],
                                               token: buyer.access)
            #expect(buyersOwn.status == 403, "only the author attaches: \(buyersOwn.text)")

            DeploymentRouteTests.feed(fixture, events: 200)
            let attached = try await api.call(.put, "/api/marketplace/listings/\(listing)/paper-record", json: ["deploymentId": deployment],
                                              token: author.access)
            #expect(attached.status == 200, "\(attached.text)")
            try await Task.sleep(for: .milliseconds(1_500))   // the account is saved every second
            let shown = try #require(try await api.call(.get, "/api/marketplace/listings/\(listing)", token: buyer.access)
                .json["paperRecord"] as? [String: Any])
            #expect(shown["deploymentId"] as? Int == deployment && shown["status"] as? String == "running")
            #expect((shown["fills"] as? Int ?? 0) > 0 && (shown["trades"] as? Int ?? 0) > 0, "\(shown)")
            #expect(shown["equity"] is String && shown["startingCash"] as? String == "100000.00000000" && shown["totalReturn"] is Double)
            #expect((shown["maxDrawdown"] as? Double).map { (0...1).contains($0) } == true)

            #expect(try await api.call(.delete, "/api/marketplace/listings/\(listing)/paper-record", token: buyer.access).status == 403)
            #expect(try await api.call(.delete, "/api/marketplace/listings/\(listing)/paper-record", token: author.access).status == 204)
            #expect(try await api.call(.get, "/api/marketplace/listings/\(listing)", token: buyer.access).json["paperRecord"] == nil)
        }
    }
}
