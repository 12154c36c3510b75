import Foundation
import Marketplace
import Platform
import Testing
import TestSupport
@testable import Gateway

/// A deployment's equity history and closed trades over HTTP (docs/api.md,
/// "Equity history and trades"), in both host modes; kept across a restart.
@Suite struct EquityHistoryTests {
    /// Buys on the first bar of every four and closes on the third: a round trip every four bars.
    static let roundTripper = """
        strategy = { name = "round tripper", params = {} }
        local n = 0
        function on_bar(ctx, bar)
          n = n + 1
          if n % 4 == 1 then ctx.buy { quantity = 0.01 } elseif n % 4 == 3 then ctx.close() end
        end
        """

    static func deploy(_ api: API, token: String, source: String = roundTripper, name: String = "Round tripper") async throws -> Int {
        let strategy = try #require(try await api.call(.post, "/api/strategies", json: ["name": name], token: token).json["id"] as? Int)
        let version = try await api.call(.post, "/api/strategies/\(strategy)/versions", json: ["source": source], token: token)
        let versionID = try #require(version.json["id"] as? Int, "\(version.text)")
        let created = try await api.call(.post, "/api/deployments", json: ["versionId": versionID], token: token)
        return try #require(created.json["id"] as? Int, "\(created.text)")
    }

    static func money(_ value: Any?) -> Decimal { Decimal(string: value as? String ?? "") ?? .nan }

    @Test(arguments: [false, true]) func theCurveEndsAtTheAccountAndTradesAddUp(isolated: Bool) async throws {
        let fixture = try await GatewayFixture(hostMode: BanStopsHostTests.modes()[isolated ? 1 : 0])
        try await fixture.run { api in
            let alice = try await api.signUp("alice")
            let deployment = try await Self.deploy(api, token: alice.access)
            await DeploymentRouteTests.feedOffPool(fixture, events: 1_500)
            let stopped = try await api.call(.post, "/api/deployments/\(deployment)/stop", token: alice.access)
            let account = try #require(stopped.json["account"] as? [String: Any], "\(stopped.text)")

            let curve = try await api.call(.get, "/api/deployments/\(deployment)/equity?points=5000", token: alice.access)
            #expect(curve.status == 200 && curve.json["currency"] as? String == "USD", "\(curve.text)")
            let points = curve.json["points"] as? [[String: Any]] ?? []
            // A sample at the start, one per filling event, one a minute of market time, one at the stop.
            let fills = try #require(account["fills"] as? Int)
            #expect(fills >= 20 && points.count > fills, "\(points.count) points, \(fills) fills")
            let times = points.compactMap { APIUnits.parseTime($0["time"] as? String ?? "") }
            #expect(times.count == points.count && times == times.sorted())
            let last = try #require(points.last)
            #expect(Self.money(last["equity"]) == Self.money(account["equity"]) && Self.money(last["cash"]) == Self.money(account["cash"]),
                    "\(last) vs \(account)")
            #expect(last["fills"] as? Int == account["fills"] as? Int)
            // Before the first fill the account is its starting cash (the feed's first bars may predate the start by a moment).
            #expect(points.filter { $0["fills"] as? Int == 0 }.allSatisfy { Self.money($0["equity"]) == Decimal(100_000) })
            #expect(points.contains { $0["fills"] as? Int == 0 })

            // Downsampled: at most the points asked for, each bucket's low ≤ its equity ≤ its high, the last value kept.
            let coarse = try await api.call(.get, "/api/deployments/\(deployment)/equity?points=7", token: alice.access)
            let buckets = coarse.json["points"] as? [[String: Any]] ?? []
            #expect((1...7).contains(buckets.count), "\(buckets.count)")
            for bucket in buckets {
                #expect(Self.money(bucket["equityLow"]) <= Self.money(bucket["equity"]) && Self.money(bucket["equity"]) <= Self.money(bucket["equityHigh"]),
                        "\(bucket)")
                #expect((bucket["resolution"] as? Int ?? 0) > 0)
            }
            #expect(buckets.last.map { Self.money($0["equity"]) } == Self.money(last["equity"]))
            let lows = points.map { Self.money($0["equityLow"]) }, highs = points.map { Self.money($0["equityHigh"]) }
            #expect(buckets.map { Self.money($0["equityLow"]) }.min() == lows.min() && buckets.map { Self.money($0["equityHigh"]) }.max() == highs.max())

            // A window of market time.
            let middle = APIUnits.time(times[times.count / 2])
            let later = try await api.call(.get, "/api/deployments/\(deployment)/equity?from=\(middle)&points=5000", token: alice.access)
            #expect((later.json["points"] as? [[String: Any]])?.count == points.count - times.count / 2, "\(later.text.prefix(300))")

            // Closed trades: one per four bars, paged newest first, adding up to the realized P&L.
            var trades: [[String: Any]] = []
            var cursor: String?
            repeat {
                let page = try await api.call(.get, "/api/deployments/\(deployment)/trades?limit=40" + (cursor.map { "&cursor=\($0)" } ?? ""),
                                              token: alice.access)
                #expect(page.status == 200, "\(page.text)")
                trades += page.page("trades")
                cursor = page.json["nextCursor"] as? String
            } while cursor != nil
            #expect(trades.count == fills / 2, "\(trades.count) trades, \(fills) fills")
            #expect(trades.compactMap { $0["id"] as? Int } == Array((1...trades.count).reversed()))
            let pnl = trades.map { Self.money($0["pnl"]) }.reduce(0, +), fees = trades.map { Self.money($0["fees"]) }.reduce(0, +)
            #expect(pnl == Self.money(account["realizedPnL"]), "\(pnl) vs \(account["realizedPnL"] ?? "")")
            #expect(fees <= Self.money(account["fees"]))
            let first = try #require(trades.last)
            #expect(first["side"] as? String == "long" && first["quantity"] as? String == "0.010000" && (first["durationSeconds"] as? Int ?? 0) > 0,
                    "\(first)")
        }
    }

    @Test func badWindowsAreRefusedNamingTheField() async throws {
        let fixture = try await GatewayFixture()
        try await fixture.run { api in
            let alice = try await api.signUp("alice"), bob = try await api.signUp("bob")
            let deployment = try await Self.deploy(api, token: alice.access)
            for (query, field) in [("points=1", "points"), ("points=5001", "points"), ("points=abc", "points"), ("points=-3", "points"),
                                   ("from=yesterday", "from"), ("to=2024-13-01", "to"),
                                   ("from=2024-02-01&to=2024-01-01", "to")] {
                let refused = try await api.call(.get, "/api/deployments/\(deployment)/equity?\(query)", token: alice.access)
                #expect(refused.status == 422 && refused.errorDetails.first?["field"] as? String == field, "\(query): \(refused.text)")
            }
            let cursor = try await api.call(.get, "/api/deployments/\(deployment)/trades?cursor=\(PageCursor.encode(kind: "fills", key: 3))",
                                            token: alice.access)
            #expect(cursor.status == 422 && cursor.errorDetails.first?["field"] as? String == "cursor")
            #expect(try await api.call(.get, "/api/deployments/\(deployment)/equity", token: bob.access).status == 404)
            #expect(try await api.call(.get, "/api/deployments/\(deployment)/trades", token: bob.access).status == 404)
            #expect(try await api.call(.get, "/api/deployments/99999/equity", token: alice.access).status == 404)
        }
    }

    /// The history is stored with the journal: a restarted server still has it, and deleting the deployment removes it.
    @Test func theHistoryOutlivesARestart() async throws {
        let first = try await GatewayFixture()
        first.ownsDirectory = false
        let (deployment, count): (Int, Int) = try await first.run { api in
            let alice = try await api.signUp("alice")
            let deployment = try await Self.deploy(api, token: alice.access)
            await DeploymentRouteTests.feedOffPool(first, events: 1_000)
            _ = try await api.call(.post, "/api/deployments/\(deployment)/stop", token: alice.access)
            let points = try await api.call(.get, "/api/deployments/\(deployment)/equity?points=5000", token: alice.access).json["points"]
            return (deployment, (points as? [Any])?.count ?? 0)
        }
        #expect(count > 10)
        first.gateway.shutDown()
        let second = try await GatewayFixture(directory: first.directory)
        try await second.run { api in
            let alice = try await api.signIn("alice")
            let again = try await api.call(.get, "/api/deployments/\(deployment)/equity?points=5000", token: alice.access)
            #expect((again.json["points"] as? [Any])?.count == count, "\(again.text.prefix(300))")
            #expect(try await api.call(.delete, "/api/deployments/\(deployment)", token: alice.access).status == 204)
        }
    }
}
