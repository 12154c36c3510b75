import Testing
@testable import Marketplace

@Suite struct ReviewTests {
    @Test func onlyBuyersReviewAndTheRatingStaysConsistent() throws {
        let fixture = try StoreFixture()
        let author = try fixture.user("author")
        let buyer = try fixture.funded("buyer", 5_000)
        let second = try fixture.funded("second", 5_000)
        let stranger = try fixture.user("stranger")
        let (listing, _) = try fixture.approvedListing(by: author)
        #expect(storeError { _ = try fixture.store.writeReview(of: listing.id, ReviewDraft(rating: 5, title: "Great", body: ""), by: stranger.id) }?.code == "forbidden")
        _ = try fixture.store.purchase(listing.id, idempotencyKey: "k", by: buyer.id)
        _ = try fixture.store.purchase(listing.id, idempotencyKey: "k", by: second.id)
        let review = try fixture.store.writeReview(of: listing.id, ReviewDraft(rating: 4, title: "Solid", body: "Works as described."), by: buyer.id)
        _ = try fixture.store.writeReview(of: listing.id, ReviewDraft(rating: 1, title: "Meh", body: ""), by: second.id)
        #expect(try fixture.store.listing(listing.id, by: stranger.id).ratingAverage == 2.5)
        #expect(storeError { _ = try fixture.store.writeReview(of: listing.id, ReviewDraft(rating: 3, title: "Again", body: ""), by: buyer.id) } == .duplicate(field: "review"))
        _ = try fixture.store.editReview(review.id, ReviewDraft(rating: 5, title: "Even better", body: ""), by: buyer.id)
        #expect(storeError { _ = try fixture.store.editReview(review.id, ReviewDraft(rating: 1, title: "Hijack", body: ""), by: second.id) }?.code == "not_found")
        var current = try fixture.store.listing(listing.id, by: stranger.id)
        #expect(current.ratingAverage == 3 && current.ratingCount == 2)

        let hidden = try fixture.store.setReviewHidden(review.id, true, reason: "contains a referral link", by: fixture.admin.id)
        #expect(hidden.hidden)
        current = try fixture.store.listing(listing.id, by: stranger.id)
        #expect(current.ratingAverage == 1 && current.ratingCount == 1)
        #expect(try fixture.store.reviews(of: listing.id, by: stranger.id).count == 1)
        #expect(try fixture.store.reviews(of: listing.id, by: fixture.admin.id).count == 2)
        _ = try fixture.store.setReviewHidden(review.id, false, reason: "link removed", by: fixture.admin.id)
        #expect(try fixture.store.listing(listing.id, by: stranger.id).ratingCount == 2)
        #expect(try fixture.store.auditLog(for: .review(review.id), by: fixture.admin.id).map(\.action) == ["review.restore", "review.hide"])
        _ = try fixture.store.report(.review(review.id), reason: "rating bombing", by: stranger.id)
        #expect(try fixture.store.openReports(by: fixture.admin.id).map(\.target) == [.review(review.id)])
    }

    @Test(arguments: [0, 6, -1])
    func ratingsOutsideOneToFiveAreRefused(rating: Int) throws {
        let fixture = try StoreFixture()
        let author = try fixture.user("author")
        let buyer = try fixture.funded("buyer", 5_000)
        let (listing, _) = try fixture.approvedListing(by: author)
        _ = try fixture.store.purchase(listing.id, idempotencyKey: "k", by: buyer.id)
        #expect(storeError { _ = try fixture.store.writeReview(of: listing.id, ReviewDraft(rating: rating, title: "Title", body: ""), by: buyer.id) }
                == .invalid(field: "rating", rule: "must be 1 to 5"))
        #expect(try fixture.store.listing(listing.id, by: buyer.id).ratingCount == 0)
    }

    @Test func usersWhoDeployedAFreeListingMayReviewIt() throws {
        let fixture = try StoreFixture()
        let author = try fixture.user("author")
        let user = try fixture.user("user")
        let (listing, _) = try fixture.approvedListing(by: author, price: 0)
        #expect(storeError { _ = try fixture.store.writeReview(of: listing.id, ReviewDraft(rating: 5, title: "Nice", body: ""), by: user.id) }?.code == "forbidden")
        _ = try fixture.store.deploy(.listing(listing.id), by: user.id)
        _ = try fixture.store.writeReview(of: listing.id, ReviewDraft(rating: 5, title: "Nice", body: ""), by: user.id)
        #expect(try fixture.store.listing(listing.id, by: user.id).ratingAverage == 5)
    }

    @Test func authorsCannotReviewTheirOwnListingEvenAfterDeployingIt() throws {
        let fixture = try StoreFixture()
        let author = try fixture.user("author")
        let (listing, _) = try fixture.approvedListing(by: author, price: 0)
        _ = try fixture.store.deploy(.listing(listing.id), by: author.id)
        #expect(storeError { _ = try fixture.store.writeReview(of: listing.id, ReviewDraft(rating: 5, title: "Mine is great", body: ""), by: author.id) }
                == .selfReview)
        #expect(StoreError.selfReview.code == "self_review")
        #expect(try fixture.store.listing(listing.id, by: author.id).ratingCount == 0)
    }

    @Test func selfReviewsFromBeforeTheRuleAreHiddenByTheMigration() throws {
        let fixture = try StoreFixture()
        let author = try fixture.user("author")
        let buyer = try fixture.funded("buyer", 5_000)
        let (listing, _) = try fixture.approvedListing(by: author)
        _ = try fixture.store.purchase(listing.id, idempotencyKey: "k", by: buyer.id)
        _ = try fixture.store.writeReview(of: listing.id, ReviewDraft(rating: 2, title: "Honest", body: ""), by: buyer.id)
        // What the old rule let through, written as it would have been.
        try fixture.store.pool.write { (connection) throws(StoreError) in
            try connection.run("INSERT INTO reviews (listing_id, user_id, rating, title, body, created_at, updated_at) VALUES (?, ?, 5, 'Mine', '', 1, 1)",
                               [listing.id, author.id])
            try MarketplaceStore.refreshRating(listing.id, connection)
        }
        #expect(try fixture.store.listing(listing.id, by: buyer.id).ratingAverage == 3.5)
        try fixture.store.pool.write { (connection) throws(StoreError) in try connection.execute(Schema.hideSelfReviews.sql) }
        let after = try fixture.store.listing(listing.id, by: buyer.id)
        #expect(after.ratingAverage == 2 && after.ratingCount == 1)
        #expect(try fixture.store.reviews(of: listing.id, by: buyer.id).map(\.title) == ["Honest"])
    }

    @Test func reportsAndFavorites() throws {
        let fixture = try StoreFixture()
        let author = try fixture.user("author")
        let user = try fixture.user("user")
        let (listing, _) = try fixture.approvedListing(by: author)
        let report = try fixture.store.report(.listing(listing.id), reason: "copies another listing", by: user.id)
        #expect(storeError { _ = try fixture.store.report(.listing(listing.id), reason: "x", by: user.id) }?.code == "invalid_input")
        #expect(try fixture.store.openReports(by: fixture.admin.id).map(\.id) == [report])
        #expect(storeError { _ = try fixture.store.openReports(by: user.id) }?.code == "forbidden")
        try fixture.store.resolveReport(report, resolution: "checked, original work", by: fixture.admin.id)
        #expect(try fixture.store.openReports(by: fixture.admin.id).isEmpty)
        #expect(storeError { try fixture.store.resolveReport(report, resolution: "again please", by: fixture.admin.id) }?.code == "not_found")

        try fixture.store.addFavorite(.listing(listing.id), by: user.id)
        try fixture.store.addFavorite(.listing(listing.id), by: user.id)
        #expect(storeError { try fixture.store.addFavorite(.template("nope"), by: user.id) }?.code == "not_found")
        #expect(try fixture.store.favorites(by: user.id) == [.listing(listing.id)])
        try fixture.store.removeFavorite(.listing(listing.id), by: user.id)
        #expect(try fixture.store.favorites(by: user.id).isEmpty)
    }
}
