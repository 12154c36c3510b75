import Foundation
import Hummingbird
import Marketplace
import Testing
import TestSupport
@testable import Gateway

/// `SearchPageCache`: repeated searches read the store once, and any change
/// to what a search shows (an edit, a purchase's buyer count, a suspension,
/// a ban, a new listing) is on the very next search, while writes elsewhere
/// keep the pages.
@Suite struct SearchPageCacheTests {
    /// An approved listing by a new author; returns the author's token and the listing's id.
    static func approvedListing(_ fixture: GatewayFixture, _ api: API, root: String, author name: String,
                                title: String) async throws -> (author: String, listing: Int) {
        let author = try await api.signUp(name)
        let strategy = try #require(try await api.call(.post, "/api/strategies", json: ["name": title], token: author.access).json["id"] as? Int)
        let source = try TestPaths.read(TestPaths.strategy("sma_crossover.lua"))
        let version = try #require(try await api.call(.post, "/api/strategies/\(strategy)/versions", json: ["source": source],
                                                      token: author.access).json["id"] as? Int)
        let created = try await api.call(.post, "/api/marketplace/listings", json: [
            "strategyId": strategy, "title": title, "summary": "Two moving averages.", "category": "trend", "tags": ["btc"],
            "price": ["amount": "10.00", "currency": "USD"], "versionId": version,
        ], token: author.access)
        let listing = try #require(created.json["id"] as? Int, "\(created.text)")
        #expect(try await api.call(.post, "/api/admin/listings/\(listing)/approve", token: root).status == 200)
        return (author.access, listing)
    }

    static func titles(_ api: API, _ path: String, token: String) async throws -> [String] {
        let reply = try await api.call(.get, path, token: token)
        #expect(reply.status == 200, "\(reply.text)")
        return (reply.json["listings"] as? [[String: Any]] ?? []).compactMap { $0["title"] as? String }
    }

    @Test func repeatedSearchesReadTheStoreOnceAndEveryListingChangeShowsOnTheNextSearch() async throws {
        let fixture = try await GatewayFixture { $0.paymentWebhookSecret = MarketplaceRouteTests.webhookSecret }
        try await fixture.run { api in
            let root = try await MarketplaceRouteTests.admin(fixture, api)
            let (author, listing) = try await Self.approvedListing(fixture, api, root: root, author: "author", title: "Trend rider")
            let buyer = try await api.signUp("buyer")
            let cache = fixture.gateway.searchPages
            let search = "/api/marketplace/listings?q=moving&limit=10"
            #expect(try await Self.titles(api, search, token: buyer.access) == ["Trend rider"])

            // A burst: at most one read per lifetime that passed (plus one).
            let before = cache.storeReadCount, start = ContinuousClock.now
            for _ in 0..<10 { #expect(try await Self.titles(api, search, token: buyer.access) == ["Trend rider"]) }
            let reads = cache.storeReadCount - before, lifetimes = Int((ContinuousClock.now - start) / cache.lifetime)
            #expect(reads <= min(9, lifetimes + 1), "\(reads) store reads for 10 searches in \(lifetimes) lifetimes")
            // Another query string is its own page.
            let other = cache.storeReadCount
            #expect(try await Self.titles(api, "/api/marketplace/listings?q=moving&limit=11", token: buyer.access) == ["Trend rider"])
            #expect(cache.storeReadCount == other + 1)

            // An edit shows on the next search.
            let edited = try await api.call(.put, "/api/marketplace/listings/\(listing)", json: [
                "title": "Trend rider II", "summary": "Two moving averages.", "category": "trend", "tags": ["btc"],
                "price": ["amount": "10.00", "currency": "USD"],
            ], token: author)
            #expect(edited.status == 200, "\(edited.text)")
            #expect(try await Self.titles(api, search, token: buyer.access) == ["Trend rider II"])

            // A purchase changes the buyer count a page shows.
            let topUp = try await MarketplaceRouteTests.signedWebhook(api, ["id": "evt_1", "type": "payment.succeeded", "userId": buyer.id,
                                                                            "amount": 5_000, "currency": "USD"], at: fixture.clock.now)
            #expect(topUp.status == 200)
            _ = try await api.call(.get, search, token: buyer.access)
            let bought = try await api.call(.post, "/api/marketplace/listings/\(listing)/purchase", token: buyer.access,
                                            headers: ["Idempotency-Key": "purchase-key-0001"])
            #expect(bought.status == 201, "\(bought.text)")
            let page = try await api.call(.get, search, token: buyer.access)
            #expect((page.json["listings"] as? [[String: Any]])?.first?["buyerCount"] as? Int == 1, "\(page.text)")

            // A new approved listing appears on the next search.
            _ = try await Self.approvedListing(fixture, api, root: root, author: "second", title: "Moving mean")
            #expect(Set(try await Self.titles(api, search, token: buyer.access)) == ["Trend rider II", "Moving mean"])

            // Banning an author hides their listings on the next search.
            #expect(try await api.call(.post, "/api/admin/users/\(try await api.signIn("second").id)/ban", json: ["reason": "spam"],
                                       token: root).status == 200)
            #expect(try await Self.titles(api, search, token: buyer.access) == ["Trend rider II"])

            // Suspending the listing hides it on the next search.
            let suspended = try await api.call(.post, "/api/admin/listings/\(listing)/suspend", json: ["reason": "under review"], token: root)
            #expect(suspended.status == 200, "\(suspended.text)")
            #expect(try await Self.titles(api, search, token: buyer.access).isEmpty)
        }
    }

    @Test func writesElsewhereKeepThePages() async throws {
        let fixture = try await GatewayFixture()
        try await fixture.run { api in
            let root = try await MarketplaceRouteTests.admin(fixture, api)
            _ = try await Self.approvedListing(fixture, api, root: root, author: "author", title: "Trend rider")
            let generation = fixture.store.catalogGeneration
            // Sign-ups, strategies and wallet credits touch no listing.
            let user = try await api.signUp("someone")
            #expect(try await api.call(.post, "/api/strategies", json: ["name": "Mine"], token: user.access).status == 201)
            #expect(try await api.call(.post, "/api/admin/users/\(user.id)/wallet/credit", json: ["amount": "5.00", "reason": "test"],
                                       token: root).status == 200)
            #expect(fixture.store.catalogGeneration == generation)
        }
    }

    @Test func aPageIsServedOnlyAtItsGenerationAndWithinItsLifetime() {
        let cache = SearchPageCache(capacity: 2, lifetime: .milliseconds(500))
        let now = ContinuousClock.now
        cache.remember("q=a", ByteBuffer(string: "A"), generation: 7, at: now)
        #expect(cache.lookup("q=a", generation: 7, at: now + .milliseconds(499)) == ByteBuffer(string: "A"))
        #expect(cache.lookup("q=a", generation: 7, at: now + .milliseconds(500)) == nil, "too old")
        #expect(cache.lookup("q=a", generation: 8, at: now) == nil, "a catalog write since")
        #expect(cache.lookup("q=b", generation: 7, at: now) == nil)
        // Full: stale pages go first, and the cache never holds more than its capacity.
        cache.remember("q=b", ByteBuffer(string: "B"), generation: 8, at: now)
        cache.remember("q=c", ByteBuffer(string: "C"), generation: 8, at: now)
        #expect(cache.lookup("q=b", generation: 8, at: now) == ByteBuffer(string: "B"))
        #expect(cache.lookup("q=c", generation: 8, at: now) == ByteBuffer(string: "C"))
        cache.remember("q=d", ByteBuffer(string: "D"), generation: 8, at: now)
        #expect(cache.lookup("q=d", generation: 8, at: now) == ByteBuffer(string: "D"))
        #expect([("q=b"), ("q=c")].filter { cache.lookup($0, generation: 8, at: now) != nil }.count <= 1)
        // An overlong query string is never kept.
        let long = String(repeating: "x", count: SearchPageCache.maximumKeyLength + 1)
        cache.remember(long, ByteBuffer(string: "L"), generation: 8, at: now)
        #expect(cache.lookup(long, generation: 8, at: now) == nil)
    }
}
