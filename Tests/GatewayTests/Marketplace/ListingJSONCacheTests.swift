import Foundation
import Testing
@testable import Gateway
@testable import Marketplace

@Suite struct ListingJSONCacheTests {
    static func listing(_ id: Int64, title: String = "Trend crossover", buyers: Int = 0) -> Listing {
        Listing(id: ListingID(id), strategyID: StrategyID(1), authorID: UserID(2), title: title, summary: "A crossover.",
                description: "", category: .trend, tags: ["btc"], price: ListingPrice(amount: 1_000, currency: "USD"),
                status: .approved, statusReason: "", liveVersionID: VersionID(3), pendingVersionID: nil, ratingAverage: 0,
                ratingCount: 0, buyerCount: buyers, performance: nil, createdAt: 1, updatedAt: 2, publishedAt: 2)
    }

    @Test func aChangedListingIsEncodedAgainAndAnUnchangedOneIsNot() throws {
        let cache = ListingJSONCache(capacity: 2)
        let first = try cache.json(for: Self.listing(1))
        // The encoder's key order is not stable between encodes: compare as JSON.
        let direct = try JSONSerialization.jsonObject(with: try JSONEncoder().encode(ListingView(Self.listing(1)))) as? NSDictionary
        #expect(try JSONSerialization.jsonObject(with: first) as? NSDictionary == direct, "what the encoder writes")
        #expect(try cache.json(for: Self.listing(1)) == first)
        // A field that does not change `updatedAt` (a purchase) still changes the bytes.
        let bought = try cache.json(for: Self.listing(1, buyers: 1))
        #expect(bought != first)
        #expect(try JSONSerialization.jsonObject(with: bought) as? [String: Any] != nil)
        #expect(String(decoding: bought, as: UTF8.self).contains(#""buyerCount":1"#))
        // Past capacity it starts over and stays correct.
        for id in 2...5 { _ = try cache.json(for: Self.listing(Int64(id))) }
        #expect(String(decoding: try cache.json(for: Self.listing(1, title: "Renamed")), as: UTF8.self).contains("Renamed"))
    }
}
