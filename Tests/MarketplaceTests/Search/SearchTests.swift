import Testing
@testable import Marketplace

@Suite struct SearchTests {
    /// Five approved listings with known prices, ratings and buyers, plus a draft.
    static func catalog() throws -> (StoreFixture, [Listing], User) {
        let fixture = try StoreFixture()
        let author = try fixture.user("author")
        let other = try fixture.user("other")
        let specs: [(String, String, [String], Int64, User)] = [
            ("Momentum scalper", "trend", ["btc", "scalping"], 500, author),
            ("Momentum swing", "trend", ["eth"], 2_000, author),
            ("Mean reversion pro", "mean_reversion", ["btc"], 1_000, other),
            ("Grid harvester", "grid", ["btc", "range"], 0, other),
            ("Breakout hunter", "breakout", ["eth"], 3_000, author),
        ]
        var listings: [Listing] = []
        for (title, category, tags, price, owner) in specs {
            let strategy = try fixture.store.createStrategy(name: title, by: owner.id)
            let version = try fixture.store.uploadVersion(of: strategy.id, source: StoreFixture.smaSource, changelog: "", by: owner.id)
            var listing = try fixture.store.createListing(for: strategy.id, ListingDraft(
                title: title, summary: "\(title) for crypto markets.", category: category, tags: tags,
                price: ListingPrice(amount: price, currency: "USD")), by: owner.id)
            listing = try fixture.store.submit(listing.id, version: version.id, by: owner.id)
            listings.append(try fixture.store.approve(listing.id, by: fixture.admin.id))
            fixture.clock.advance(10)
        }
        let draftStrategy = try fixture.store.createStrategy(name: "hidden", by: author.id)
        _ = try fixture.store.createListing(for: draftStrategy.id, fixture.draft(title: "Momentum draft"), by: author.id)
        // Ratings: scalper 5 (2 buyers), swing 3 (1 buyer).
        for (index, stars) in [(0, 5), (0, 5), (1, 3)].enumerated() {
            let buyer = try fixture.funded("buyer\(index)", 10_000)
            _ = try fixture.store.purchase(listings[stars.0].id, idempotencyKey: "k", by: buyer.id)
            _ = try fixture.store.writeReview(of: listings[stars.0].id, ReviewDraft(rating: stars.1, title: "Review", body: ""), by: buyer.id)
        }
        return (fixture, listings, author)
    }

    @Test func textMatchesStemmedWordsAndOnlyApprovedListings() throws {
        let (fixture, listings, _) = try Self.catalog()
        let titles = try fixture.store.search(ListingQuery(text: "momentum")).listings.map(\.title).sorted()
        #expect(titles == ["Momentum scalper", "Momentum swing"])
        #expect(try fixture.store.search(ListingQuery(text: "harvesting")).listings.map(\.id) == [listings[3].id])
        #expect(try fixture.store.search(ListingQuery(text: "scalping")).listings.map(\.id) == [listings[0].id])
        #expect(try fixture.store.search(ListingQuery(text: "momentum OR grid\" NEAR(")).listings.isEmpty)
    }

    @Test func filtersCombine() throws {
        let (fixture, listings, author) = try Self.catalog()
        let store = fixture.store
        #expect(try store.search(ListingQuery(tag: "BTC", sort: .price)).listings.map(\.id) == [listings[3].id, listings[0].id, listings[2].id])
        #expect(try store.search(ListingQuery(category: "trend", maximumPrice: 1_000)).listings.map(\.id) == [listings[0].id])
        #expect(try store.search(ListingQuery(minimumPrice: 1_000, maximumPrice: 2_000, sort: .price)).listings.map(\.id) == [listings[2].id, listings[1].id])
        #expect(try store.search(ListingQuery(minimumRating: 4)).listings.map(\.id) == [listings[0].id])
        #expect(try store.search(ListingQuery(text: "momentum", category: "trend", sort: .price)).listings.map(\.id) == [listings[0].id, listings[1].id])
        #expect(try store.search(ListingQuery(text: "momentum", category: "grid")).listings.isEmpty)
        #expect(try store.search(ListingQuery(text: "crypto", category: "mean_reversion")).listings.map(\.id) == [listings[2].id])
        #expect(try store.search(ListingQuery(text: "categorytrend")).listings.isEmpty)
        #expect(try store.search(ListingQuery(text: "crypto", authorID: author.id, sort: .newest)).listings.map(\.id) == [listings[4].id, listings[1].id, listings[0].id])
    }

    @Test func sortsOrderAsDocumented() throws {
        let (fixture, listings, _) = try Self.catalog()
        let store = fixture.store
        #expect(try store.search(ListingQuery(sort: .rating)).listings.prefix(2).map(\.id) == [listings[0].id, listings[1].id])
        #expect(try store.search(ListingQuery(sort: .popularity)).listings.prefix(2).map(\.id) == [listings[0].id, listings[1].id])
        #expect(try store.search(ListingQuery(sort: .newest)).listings.first?.id == listings[4].id)
        #expect(try store.search(ListingQuery(sort: .price)).listings.map(\.price.amount) == [0, 500, 1_000, 2_000, 3_000])
        #expect(try store.search(ListingQuery(text: "momentum scalper", sort: .relevance)).listings.first?.id == listings[0].id)
        #expect(try store.search(ListingQuery(sort: .performance)).listings.count == 5)
    }

    @Test(arguments: ListingSort.allCases)
    func cursorsWalkEveryPageOnce(sort: ListingSort) throws {
        let (fixture, listings, _) = try Self.catalog()
        var seen: [ListingID] = []
        var cursor: String?
        repeat {
            let page = try fixture.store.search(ListingQuery(text: sort == .relevance ? "crypto" : nil, sort: sort, limit: 2, cursor: cursor))
            #expect(page.listings.count <= 2)
            seen += page.listings.map(\.id)
            cursor = page.nextCursor
        } while cursor != nil
        #expect(seen.count == listings.count && Set(seen) == Set(listings.map(\.id)))
    }

    @Test(arguments: [
        (ListingQuery(limit: 0), "limit"),
        (ListingQuery(limit: 101), "limit"),
        (ListingQuery(text: "  !!  "), "text"),
        (ListingQuery(category: "vibes"), "category"),
        (ListingQuery(minimumPrice: -1), "minimumPrice"),
        (ListingQuery(minimumPrice: 10, maximumPrice: 5), "maximumPrice"),
        (ListingQuery(minimumRating: 6), "minimumRating"),
        (ListingQuery(sort: .rating, cursor: "garbage"), "cursor"),
    ])
    func badQueriesNameTheField(query: ListingQuery, field: String) throws {
        let fixture = try StoreFixture()
        guard case .invalid(let reported, _)? = storeError({ _ = try fixture.store.search(query) }) else {
            Issue.record("expected invalid input")
            return
        }
        #expect(reported == field)
    }

    @Test func aCursorFromAnotherSortIsRefused() throws {
        let (fixture, _, _) = try Self.catalog()
        let cursor = try #require(try fixture.store.search(ListingQuery(sort: .price, limit: 1)).nextCursor)
        #expect(storeError { _ = try fixture.store.search(ListingQuery(sort: .rating, limit: 1, cursor: cursor)) }?.code == "invalid_input")
    }

    @Test func theLeaderboardRanksByFiguresRatingAndBuyers() throws {
        let (fixture, listings, _) = try Self.catalog()
        let byRating = try fixture.store.leaderboard(by: .rating)
        #expect(byRating.map(\.listing.id) == [listings[0].id, listings[1].id] && byRating.map(\.rank) == [1, 2])
        #expect(try fixture.store.leaderboard(by: .buyers, limit: 1).first?.listing.id == listings[0].id)
        let byReturn = try fixture.store.leaderboard(by: .totalReturn)
        #expect(byReturn.count == 5)
        #expect(try fixture.store.leaderboard(by: .sharpe, category: "grid").allSatisfy { $0.listing.category == .grid })
        #expect(storeError { _ = try fixture.store.leaderboard(by: .rating, category: "vibes") }?.code == "invalid_input")
    }
}
