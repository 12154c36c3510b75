import Foundation
import Marketplace
import Testing
import TestSupport
@testable import Gateway

@Suite struct SelfReviewTests {
    @Test func anAuthorWhoDeploysTheirFreeListingStillCannotReviewIt() async throws {
        let fixture = try await GatewayFixture()
        try await fixture.run { api in
            let root = try await MarketplaceRouteTests.admin(fixture, api)
            let author = try await api.signUp("author")
            let user = try await api.signUp("user")
            let strategy = try #require(try await api.call(.post, "/api/strategies", json: ["name": "SMA"], token: author.access).json["id"] as? Int)
            let source = try TestPaths.read(TestPaths.strategy("sma_crossover.lua"))
            let version = try #require(try await api.call(.post, "/api/strategies/\(strategy)/versions", json: ["source": source],
                                                          token: author.access).json["id"] as? Int)
            let created = try await api.call(.post, "/api/marketplace/listings", json: [
                "strategyId": strategy, "title": "Free trend rider", "summary": "Two moving averages.", "category": "trend", "tags": ["btc"],
                "price": ["amount": "0.00", "currency": "USD"], "versionId": version,
            ], token: author.access)
            let listing = try #require(created.json["id"] as? Int, "\(created.text)")
            #expect(try await api.call(.post, "/api/admin/listings/\(listing)/approve", token: root).status == 200)
            #expect(try await api.call(.post, "/api/deployments", json: ["listingId": listing, "start": false], token: author.access).status == 201)
            let review = ["rating": 5, "title": "Best strategy ever"] as [String: Any]
            let own = try await api.call(.post, "/api/marketplace/listings/\(listing)/reviews", json: review, token: author.access)
            #expect(own.status == 403 && own.errorCode == "self_review", "\(own.text)")
            // Anyone else who deployed it may.
            #expect(try await api.call(.post, "/api/deployments", json: ["listingId": listing, "start": false], token: user.access).status == 201)
            #expect(try await api.call(.post, "/api/marketplace/listings/\(listing)/reviews", json: review, token: user.access).status == 201)
        }
    }
}
