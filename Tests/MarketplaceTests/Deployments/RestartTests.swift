import Foundation
import Testing
@testable import Marketplace

@Suite struct RestartTests {
    @Test func reopeningTheDatabaseFindsEverything() throws {
        let fixture = try StoreFixture()
        let author = try fixture.user("author")
        let buyer = try fixture.funded("buyer", 5_000)
        let (listing, version) = try fixture.approvedListing(by: author)
        let purchase = try fixture.store.purchase(listing.id, idempotencyKey: "k", by: buyer.id)
        let review = try fixture.store.writeReview(of: listing.id, ReviewDraft(rating: 4, title: "Good", body: "Fine."), by: buyer.id)
        let deployment = try fixture.store.deploy(.listing(listing.id), by: buyer.id)
        _ = try fixture.store.changeDeployment(deployment.id, .start, by: buyer.id)
        try fixture.store.addFavorite(.listing(listing.id), by: buyer.id)
        let before = (
            listing: try fixture.store.listing(listing.id, by: buyer.id),
            ledger: try fixture.store.ledger(of: buyer.id, by: buyer.id),
            audit: try fixture.store.auditLog(by: fixture.admin.id)
        )

        try fixture.reopen()
        let store = fixture.store
        #expect(try store.listing(listing.id, by: buyer.id) == before.listing)
        #expect(try store.purchases(of: buyer.id, by: buyer.id) == [purchase])
        #expect(try store.ledger(of: buyer.id, by: buyer.id) == before.ledger)
        #expect(try store.balance(of: buyer.id, currency: "USD", by: buyer.id) == 4_000)
        #expect(try store.reviews(of: listing.id, by: buyer.id) == [review])
        #expect(try store.deploymentsToResume().map(\.id) == [deployment.id])
        #expect(try store.versions(of: version.strategyID, by: author.id) == [version])
        #expect(try store.favorites(by: buyer.id) == [.listing(listing.id)])
        #expect(try store.auditLog(by: fixture.admin.id) == before.audit)
        #expect(try store.search(ListingQuery(text: "trend")).listings.map(\.id) == [listing.id])
        #expect(try store.purchase(listing.id, idempotencyKey: "k", by: buyer.id) == purchase)
    }
}
