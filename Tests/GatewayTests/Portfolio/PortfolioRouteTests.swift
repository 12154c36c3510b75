import Foundation
import Host
import Marketplace
import Testing
import TestSupport
@testable import Gateway

/// A user's deployments added up over HTTP (docs/api.md, "Portfolio"): sums
/// equal the deployments', performance equals the backtest metrics of the
/// same curve, exports round-trip, risk figures hold the limits.
@Suite struct PortfolioRouteTests {
    static func money(_ value: Any?) -> Decimal { EquityHistoryTests.money(value) }

    /// Alice's two deployments (one holding a position, one trading round trips, with limits) and Bob's one, fed and stopped.
    static func scenario(_ fixture: GatewayFixture, _ api: API) async throws -> (alice: String, bob: String, deployments: [Int]) {
        let alice = try await api.signUp("alice"), bob = try await api.signUp("bob")
        let tripper = try await EquityHistoryTests.deploy(api, token: alice.access)
        let holder = try await EquityHistoryTests.deploy(api, token: alice.access, source: DeploymentRouteTests.eager, name: "Holder")
        _ = try await EquityHistoryTests.deploy(api, token: bob.access)
        await DeploymentRouteTests.feedOffPool(fixture, events: 1_000)
        for id in [tripper, holder] { _ = try await api.call(.post, "/api/deployments/\(id)/stop", token: alice.access) }
        let updated = try await api.call(.put, "/api/deployments/\(holder)", json: ["risk": ["dailyLossLimit": "50.00", "maxGrossExposure": "900.00",
                                                                                            "maxPositionQuantity": ["allSymbols": "0.05", "bySymbol": [:]]]],
                                         token: alice.access)
        #expect(updated.status == 200, "\(updated.text)")
        return (alice.access, bob.access, [tripper, holder])
    }

    @Test func theSumsAreTheDeploymentsSums() async throws {
        let fixture = try await GatewayFixture()
        try await fixture.run { api in
            let (alice, _, ids) = try await Self.scenario(fixture, api)
            let accounts = try await ids.asyncMap { id in
                try #require(try await api.call(.get, "/api/deployments/\(id)", token: alice).json["account"] as? [String: Any])
            }
            let portfolio = try await api.call(.get, "/api/portfolio", token: alice)
            #expect(portfolio.status == 200, "\(portfolio.text)")
            let totals = try #require(portfolio.json["totals"] as? [String: Any])
            for field in ["equity", "cash", "realizedPnL", "unrealizedPnL", "fees"] {
                #expect(Self.money(totals[field]) == accounts.map { Self.money($0[field]) }.reduce(0, +), "\(field)")
            }
            #expect(Self.money(totals["startingCash"]) == 200_000)
            #expect(Self.money(totals["totalPnL"]) == Self.money(totals["equity"]) - 200_000)
            let rows = portfolio.json["deployments"] as? [[String: Any]] ?? []
            #expect(Set(rows.compactMap { $0["deploymentId"] as? Int }) == Set(ids), "bob's deployment is not alice's")
            let weights = rows.compactMap { $0["weight"] as? Double }
            #expect(abs(weights.reduce(0, +) - 1) < 1e-6)
            // Positions by symbol: the holder's 0.01 BTC (the round tripper may hold one too).
            let positions = portfolio.json["positions"] as? [[String: Any]] ?? []
            let held = accounts.flatMap { $0["positions"] as? [[String: Any]] ?? [] }
            for symbol in Set(held.compactMap { $0["symbol"] as? String }) {
                let mine = held.filter { $0["symbol"] as? String == symbol }
                let row = try #require(positions.first { $0["symbol"] as? String == symbol })
                #expect(Self.money(row["quantity"]) == mine.map { Self.money($0["quantity"]) }.reduce(0, +))
                #expect(Self.money(row["marketValue"]) == mine.map { Self.money($0["marketValue"]) }.reduce(0, +))
                #expect(row["deployments"] as? Int == mine.count)
            }
            #expect(!positions.isEmpty)
            let gross = held.map { abs(Self.money($0["marketValue"])) }.reduce(0, +)
            #expect(Self.money(totals["grossExposure"]) == gross)

            // The summed history ends at the summed equity (both accounts stopped: fixed).
            let history = try await api.call(.get, "/api/portfolio/history?points=300", token: alice)
            let points = history.json["points"] as? [[String: Any]] ?? []
            #expect((2...300).contains(points.count), "\(history.text.prefix(300))")
            #expect(points.last.map { Self.money($0["equity"]) } == Self.money(totals["equity"]) && points.last?["deployments"] as? Int == 2)

            // Risk: exposures add up; limits are measured; VaR waits for enough days.
            let risk = try await api.call(.get, "/api/risk/portfolio", token: alice)
            #expect(risk.status == 200, "\(risk.text)")
            let exposures = risk.json["exposures"] as? [[String: Any]] ?? []
            #expect(exposures.map { Self.money($0["gross"]) }.reduce(0, +) == gross)
            #expect((risk.json["valueAtRisk"] as? [Any])?.isEmpty == true && (risk.json["valueAtRiskNote"] as? String ?? "").contains("20"))
            let holder = try #require((risk.json["deployments"] as? [[String: Any]])?.first { $0["deploymentId"] as? Int == ids[1] })
            let limits = holder["limits"] as? [[String: Any]] ?? []
            #expect(Set(limits.compactMap { $0["limit"] as? String }) == ["daily_loss", "gross_exposure", "buying_power", "position"], "\(limits)")
            let exposureLimit = try #require(limits.first { $0["limit"] as? String == "gross_exposure" })
            #expect(Self.money(exposureLimit["maximum"]) == 900 && Self.money(exposureLimit["used"]) + Self.money(exposureLimit["remaining"]) == 900)
            let position = try #require(limits.first { $0["limit"] as? String == "position" })
            #expect(position["symbol"] as? String == "BTCUSD" && Self.money(position["used"]) == Decimal(string: "0.01")
                    && abs((position["utilization"] as? Double ?? 0) - 0.2) < 1e-9, "\(position)")
            let risky = try await api.call(.get, "/api/risk/positions", token: alice)
            #expect((risky.list.count) == held.count, "\(risky.text)")
        }
    }

    /// With one deployment the time-weighted index is its own curve: the performance figures are the backtest metrics of that curve.
    @Test func performanceIsTheBacktestMetricsOfTheCurve() async throws {
        let fixture = try await GatewayFixture()
        try await fixture.run { api in
            let alice = try await api.signUp("alice")
            let id = try await EquityHistoryTests.deploy(api, token: alice.access)
            await DeploymentRouteTests.feedOffPool(fixture, events: 1_000)
            _ = try await api.call(.post, "/api/deployments/\(id)/stop", token: alice.access)
            let performance = try await api.call(.get, "/api/portfolio/performance?points=400&benchmark=BTCUSD", token: alice.access)
            #expect(performance.status == 200 && performance.json["method"] as? String == "time_weighted", "\(performance.text)")
            let history = try await api.call(.get, "/api/portfolio/history?points=400", token: alice.access)
            let curve = (history.json["points"] as? [[String: Any]] ?? []).map { point in
                EquityPoint(time: APIUnits.parseTime(point["time"] as? String ?? "") ?? 0,
                            equity: Money(decimalText: point["equity"] as? String ?? "") ?? .zero)
            }
            #expect(performance.json["points"] as? Int == curve.count)
            let expected = BacktestMetrics(equityCurve: curve, trades: [], barCount: curve.count, barsInMarket: 0)
            let metrics = try #require(performance.json["metrics"] as? [String: Any])
            for (name, value) in [("totalReturn", expected.totalReturn), ("sharpe", expected.sharpe), ("volatility", expected.volatility),
                                  ("maxDrawdown", expected.maxDrawdown as Double?), ("sortino", expected.sortino)] {
                let got = try #require(metrics[name] as? Double, "\(name) missing: \(metrics)")
                let want = try #require(value)
                #expect(abs(got - want) <= 1e-6 * max(1, abs(want)), "\(name): \(got) vs \(want)")
            }
            // The deployment's closed trades count, as its own route pages them.
            var count = 0
            var cursor: String?
            repeat {
                let page = try await api.call(.get, "/api/deployments/\(id)/trades?limit=500" + (cursor.map { "&cursor=\($0)" } ?? ""), token: alice.access)
                count += page.page("trades").count
                cursor = page.json["nextCursor"] as? String
            } while cursor != nil
            #expect(metrics["tradeCount"] as? Int == count && count > 0)
            let benchmark = try #require(performance.json["benchmark"] as? [String: Any], "\(performance.text)")
            #expect(benchmark["symbol"] as? String == "BTCUSD" && (benchmark["metrics"] as? [String: Any])?["totalReturn"] is Double)
            for (query, field) in [("benchmark=DOGEUSD", "benchmark"), ("points=1", "points"), ("from=2024-02-30", "from")] {
                let refused = try await api.call(.get, "/api/portfolio/performance?\(query)", token: alice.access)
                #expect(refused.status == 422 && refused.errorDetails.first?["field"] as? String == field, "\(query): \(refused.text)")
            }
            // Nobody's portfolio: zeros, no figures, not an error.
            let bob = try await api.signUp("bob")
            let empty = try await api.call(.get, "/api/portfolio/performance", token: bob.access)
            #expect(empty.status == 200 && empty.json["metrics"] == nil && empty.json["benchmarkNote"] is String, "\(empty.text)")
            #expect(try await api.call(.get, "/api/portfolio", token: bob.access).json["totals"] != nil)
        }
    }

    @Test func theExportRoundTripsBetweenJSONAndCSV() async throws {
        let fixture = try await GatewayFixture()
        try await fixture.run { api in
            let (alice, bob, _) = try await Self.scenario(fixture, api)
            let json = try await api.call(.get, "/api/portfolio/export", token: alice)
            #expect(json.status == 200, "\(json.text.prefix(300))")
            for part in PortfolioExport.Part.allCases {
                let rows = json.json[part.rawValue] as? [[String: Any]] ?? []
                #expect(!rows.isEmpty, "\(part)")
                let csv = try await api.call(.get, "/api/portfolio/export?format=csv&part=\(part.rawValue)", token: alice)
                #expect(csv.status == 200 && csv.headers[.contentType]?.hasPrefix("text/csv") == true)
                let lines = csv.text.components(separatedBy: "\r\n").filter { !$0.isEmpty }
                let columns = lines[0].components(separatedBy: ",")
                #expect(columns == PortfolioExport.columns[part]!)
                #expect(lines.count - 1 == rows.count, "\(part): \(lines.count - 1) lines, \(rows.count) rows")
                for (line, row) in zip(lines.dropFirst(), rows) {
                    var fields = (row["item"] as? [String: Any]) ?? [:]
                    fields["deploymentId"] = row["deploymentId"]
                    let cells = line.components(separatedBy: ",")
                    for (column, cell) in zip(columns, cells) {
                        let value = fields[column].map { "\($0)" } ?? ""
                        #expect(cell == value, "\(part).\(column): \(cell) vs \(value)")
                    }
                }
            }
            // A period narrows trades, fills and equity.
            let trades = json.json["trades"] as? [[String: Any]] ?? []
            let cut = try #require((trades.last?["item"] as? [String: Any])?["exitTime"] as? String)
            let later = try await api.call(.get, "/api/portfolio/export?from=\(cut)", token: alice)
            #expect((later.json["trades"] as? [Any])?.count ?? 0 < trades.count)
            for (query, field) in [("format=xml", "format"), ("format=csv", "part"), ("format=csv&part=orders", "part"),
                                   ("part=fills", "part"), ("from=2024-01-02&to=2024-01-01", "to")] {
                let refused = try await api.call(.get, "/api/portfolio/export?\(query)", token: alice)
                #expect(refused.status == 422 && refused.errorDetails.first?["field"] as? String == field, "\(query): \(refused.text)")
            }
            let bobs = try await api.call(.get, "/api/portfolio/export", token: bob)
            #expect((bobs.json["fills"] as? [[String: Any]] ?? []).allSatisfy { $0["deploymentId"] as? Int == 3 })
        }
    }
}

extension Array {
    func asyncMap<T>(_ transform: (Element) async throws -> T) async rethrows -> [T] {
        var result: [T] = []
        for element in self { result.append(try await transform(element)) }
        return result
    }
}
