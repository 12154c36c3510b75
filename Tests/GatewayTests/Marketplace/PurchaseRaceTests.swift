import Foundation
import Marketplace
import Testing
import TestSupport
@testable import Gateway

/// Concurrent retries of one purchase (one Idempotency-Key) charge once and
/// agree on the answer: exactly one 201 `created: true`, every other reply
/// names the same purchase with `created: false`.
@Suite struct PurchaseRaceTests {
    @Test func fiftyConcurrentRetriesWithOneKeyCreateOnePurchase() async throws {
        let fixture = try await GatewayFixture {
            $0.paymentWebhookSecret = MarketplaceRouteTests.webhookSecret
            $0.maximumConnectionsPerAddress = 256
        }
        try await fixture.run { api in
            let root = try await MarketplaceRouteTests.admin(fixture, api)
            let author = try await api.signUp("author")
            let buyer = try await api.signUp("buyer")
            let strategy = try #require(try await api.call(.post, "/api/strategies", json: ["name": "SMA"], token: author.access).json["id"] as? Int)
            let source = try TestPaths.read(TestPaths.strategy("sma_crossover.lua"))
            let version = try #require(try await api.call(.post, "/api/strategies/\(strategy)/versions", json: ["source": source],
                                                          token: author.access).json["id"] as? Int)
            let listing = try #require(try await api.call(.post, "/api/marketplace/listings", json: [
                "strategyId": strategy, "title": "Trend rider", "summary": "Two moving averages.", "category": "trend", "tags": ["btc"],
                "price": ["amount": "10.00", "currency": "USD"], "versionId": version], token: author.access).json["id"] as? Int)
            #expect(try await api.call(.post, "/api/admin/listings/\(listing)/approve", token: root).status == 200)
            let topUp = try await MarketplaceRouteTests.signedWebhook(api, ["id": "evt_1", "type": "payment.succeeded", "userId": buyer.id,
                                                                            "amount": 5_000, "currency": "USD"], at: fixture.clock.now)
            #expect(topUp.status == 200)

            let replies = try await withThrowingTaskGroup(of: API.Reply.self) { group in
                for _ in 0..<50 {
                    group.addTask {
                        try await api.callAlone(.post, "/api/marketplace/listings/\(listing)/purchase", token: buyer.access,
                                                headers: ["Idempotency-Key": "race-key-0001"])
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            let created = replies.filter { $0.status == 201 }
            let repeated = replies.filter { $0.status == 200 }
            #expect(created.count == 1, "\(replies.map(\.status))")
            #expect(repeated.count == 49, "\(replies.map { "\($0.status) \($0.text)" })")
            #expect(created.allSatisfy { $0.json["created"] as? Bool == true })
            #expect(repeated.allSatisfy { $0.json["created"] as? Bool == false })
            let ids = Set(replies.compactMap { ($0.json["purchase"] as? [String: Any])?["id"] as? Int })
            #expect(ids.count == 1 && replies.allSatisfy { ($0.json["purchase"] as? [String: Any])?["id"] != nil })
            #expect(try await api.call(.get, "/api/wallet", token: buyer.access).json["balance"] as? String == "40.00", "charged exactly once")
            #expect(try await api.call(.get, "/api/wallet/ledger", token: buyer.access).page("entries").count == 2, "the top-up and one purchase")
            #expect(try await api.call(.get, "/api/marketplace/my/purchases", token: buyer.access).list.count == 1)
        }
    }
}
