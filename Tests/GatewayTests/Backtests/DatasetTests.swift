import Foundation
import Testing
import TestSupport
@testable import Gateway

/// Users' own datasets: uploaded as CSV inside JSON, checked whole (a bad
/// line is named, `csv.line.N`), listed beside the bundled ones, usable by
/// my backtests, invisible (404) to everyone else, deleted by name.
@Suite struct DatasetTests {
    /// `rows` hourly bars from 2024-01-01, header first.
    static func csv(rows: Int, start: Int = 1_704_067_200) -> String {
        var text = "time,open,high,low,close,volume\n"
        for index in 0..<rows {
            let price = 100 + index % 7
            text += "\(start + index * 3600),\(price).00,\(price + 1).50,\(price - 1).25,\(price).75,10.5\n"
        }
        return text
    }

    @Test func uploadListBacktestAndDelete() async throws {
        let fixture = try await GatewayFixture()
        try await fixture.run { api in
            let alice = try await api.signUp("alice")
            let created = try await api.call(.post, "/api/datasets", json: ["name": "my-bars", "csv": Self.csv(rows: 48), "symbol": "SOLUSD"],
                                             token: alice.access)
            #expect(created.status == 201, "\(created.text)")
            #expect(created.json["rows"] as? Int == 48 && created.json["bundled"] as? Bool == false)
            #expect(created.json["firstTime"] as? String == "2024-01-01T00:00:00Z" && created.json["lastTime"] as? String == "2024-01-02T23:00:00Z")
            #expect(created.json["timeframe"] as? Int == 3600 && created.json["symbol"] as? String == "SOLUSD")
            #expect(created.json["createdAt"] is String)

            let listed = try await api.call(.get, "/api/datasets", token: alice.access).list
            #expect(listed.compactMap { $0["name"] as? String } == ["sample-btcusd-1h", "sample-ethusd-1h", "my-bars"])
            #expect(try await api.call(.get, "/api/datasets/my-bars", token: alice.access).json["rows"] as? Int == 48)
            #expect(try await api.call(.get, "/api/datasets/sample-btcusd-1h", token: alice.access).json["bundled"] as? Bool == true)

            let strategy = try await BacktestRequestTests.strategy(api, token: alice.access)
            let job = try await api.call(.post, "/api/strategies/\(strategy)/backtest", json: ["dataset": "my-bars"], token: alice.access)
            #expect(job.status == 202, "\(job.text)")
            let done = try await BacktestRestartTests.poll(api, job.json["id"] as? Int ?? 0, token: alice.access)
            #expect(done.json["status"] as? String == "completed", "\(done.text.prefix(300))")
            let config = done.json["config"] as? [String: Any]
            #expect(config?["dataset"] as? String == "my-bars" && config?["symbol"] as? String == "SOLUSD")
            #expect(((done.json["result"] as? [String: Any])?["metrics"] as? [String: Any])?["barCount"] as? Int == 48)

            #expect(try await api.call(.delete, "/api/datasets/my-bars", token: alice.access).status == 204)
            #expect(try await api.call(.get, "/api/datasets/my-bars", token: alice.access).status == 404)
            #expect(try await api.call(.delete, "/api/datasets/my-bars", token: alice.access).status == 404)
            #expect(try await api.call(.delete, "/api/datasets/sample-btcusd-1h", token: alice.access).status == 404, "bundled ones stay")
        }
    }

    @Test func anotherUsersDatasetIsNotFound() async throws {
        let fixture = try await GatewayFixture()
        try await fixture.run { api in
            let alice = try await api.signUp("alice")
            let bob = try await api.signUp("bob")
            #expect(try await api.call(.post, "/api/datasets", json: ["name": "private", "csv": Self.csv(rows: 10)], token: alice.access).status == 201)
            #expect(try await api.call(.get, "/api/datasets/private", token: bob.access).status == 404)
            #expect(try await api.call(.delete, "/api/datasets/private", token: bob.access).status == 404)
            #expect(!(try await api.call(.get, "/api/datasets", token: bob.access).list.contains { $0["name"] as? String == "private" }))
            let strategy = try await BacktestRequestTests.strategy(api, token: bob.access)
            let job = try await api.call(.post, "/api/strategies/\(strategy)/backtest", json: ["dataset": "private"], token: bob.access)
            #expect(job.status == 404 && job.errorDetails.first?["field"] as? String == "dataset", "\(job.text)")
            #expect(try await api.call(.get, "/api/datasets/private", token: alice.access).status == 200, "still there for alice")
            // The same name is free for bob.
            #expect(try await api.call(.post, "/api/datasets", json: ["name": "private", "csv": Self.csv(rows: 5)], token: bob.access).status == 201)
        }
    }

    @Test func badUploadsAreRefusedNamingTheLineOrField() async throws {
        let fixture = try await GatewayFixture()
        try await fixture.run { api in
            let alice = try await api.signUp("alice")
            var badLine = Self.csv(rows: 30).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            badLine[16] = "1704124800,abc,1,1,1,1"
            var outOfOrder = Self.csv(rows: 30).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            outOfOrder[9] = "1600000000,1,1,1,1,1"
            let cases: [([String: Any], String)] = [
                (["name": "a", "csv": badLine.joined(separator: "\n")], "csv.line.17"),
                (["name": "a", "csv": outOfOrder.joined(separator: "\n")], "csv.line.10"),
                (["name": "a", "csv": "when,price\n1,2\n"], "csv.line.1"),
                (["name": "a", "csv": "time,open,high,low,close,volume\n"], "csv"),
                (["name": "a", "csv": "time,open,high,low,close,volume\n1704067200,NaN,1,1,1,1\n"], "csv.line.2"),
                (["name": "a", "csv": "time,open,high,low,close,volume\n1704067200,1e400,1,1,1,1\n"], "csv.line.2"),
                (["name": "a", "csv": "time,open,high,low,close,volume\n1704067200,99999999999999999999,1,1,1,1\n"], "csv.line.2"),
                (["name": "../etc", "csv": Self.csv(rows: 3)], "name"), (["name": "", "csv": Self.csv(rows: 3)], "name"),
                (["name": String(repeating: "x", count: 65), "csv": Self.csv(rows: 3)], "name"),
                (["name": "a", "csv": Self.csv(rows: 3), "symbol": "<b>"], "symbol"),
                (["name": "a", "csv": 5], "csv"), (["name": "a"], "csv"), (["name": "a", "csv": "x", "owner": 1], "owner"),
            ]
            for (body, field) in cases {
                let reply = try await api.call(.post, "/api/datasets", json: body, token: alice.access)
                #expect(reply.status == 422, "\(field): \(reply.status) \(reply.text)")
                #expect(reply.errorDetails.first?["field"] as? String == field, "\(field): \(reply.text)")
            }
            #expect(try await api.call(.post, "/api/datasets", json: ["name": "sample-btcusd-1h", "csv": Self.csv(rows: 3)],
                                       token: alice.access).status == 409, "a bundled name")
            var tooMany = "time,open,high,low,close,volume\n"
            tooMany.reserveCapacity(10_000_000)
            for index in 0...500_000 { tooMany += "\(index),1,1,1,1,1\n" }
            let rows = try await api.call(.post, "/api/datasets", json: ["name": "big", "csv": tooMany], token: alice.access)
            #expect(rows.status == 422 && rows.errorDetails.first?["field"] as? String == "csv", "\(rows.text.prefix(300))")
            let huge = try await api.call(.post, "/api/datasets", json: ["name": "huge", "csv": String(repeating: "9", count: 21 << 20)],
                                          token: alice.access)
            #expect(huge.status == 413, "\(huge.text.prefix(200))")
            #expect(try await api.call(.get, "/api/datasets", token: alice.access).list.count == 2, "nothing refused was stored")
        }
    }

    @Test func eachUserKeepsAtMostFiveAndNamesAreUnique() async throws {
        let fixture = try await GatewayFixture()
        try await fixture.run { api in
            let alice = try await api.signUp("alice")
            for index in 0..<5 {
                #expect(try await api.call(.post, "/api/datasets", json: ["name": "d\(index)", "csv": Self.csv(rows: 3)], token: alice.access).status == 201)
            }
            #expect(try await api.call(.post, "/api/datasets", json: ["name": "d0", "csv": Self.csv(rows: 3)], token: alice.access).status == 409)
            #expect(try await api.call(.post, "/api/datasets", json: ["name": "d5", "csv": Self.csv(rows: 3)], token: alice.access).status == 429)
        }
    }
}
