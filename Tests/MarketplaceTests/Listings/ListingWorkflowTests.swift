import Testing
@testable import Marketplace

@Suite struct ListingWorkflowTests {
    @Test func draftToApprovedToSuspendedAndBack() throws {
        let fixture = try StoreFixture()
        let author = try fixture.user("author")
        let stranger = try fixture.user("stranger")
        let strategy = try fixture.store.createStrategy(name: "SMA", by: author.id)
        let version = try fixture.store.uploadVersion(of: strategy.id, source: StoreFixture.smaSource, changelog: "", by: author.id)
        var listing = try fixture.store.createListing(for: strategy.id, fixture.draft(tags: ["Trend", "btc", "trend"]), by: author.id)
        #expect(listing.status == .draft && listing.tags == ["btc", "trend"])
        #expect(storeError { _ = try fixture.store.listing(listing.id, by: stranger.id) }?.code == "not_found")
        listing = try fixture.store.submit(listing.id, version: version.id, by: author.id)
        #expect(listing.status == .pendingReview && listing.pendingVersionID == version.id)
        #expect(try fixture.store.moderationQueue(by: fixture.admin.id).map(\.id) == [listing.id])
        #expect(storeError { _ = try fixture.store.approve(listing.id, by: author.id) }?.code == "forbidden")
        listing = try fixture.store.reject(listing.id, reason: "describe the risk", by: fixture.admin.id)
        #expect(listing.status == .rejected && listing.statusReason == "describe the risk")
        listing = try fixture.store.submit(listing.id, version: version.id, by: author.id)
        listing = try fixture.store.approve(listing.id, by: fixture.admin.id)
        #expect(listing.status == .approved && listing.liveVersionID == version.id && listing.publishedAt != nil)
        #expect(listing.performance?.tradeCount == version.report.performance?.tradeCount)
        #expect(try fixture.store.listing(listing.id, by: stranger.id).title == "Trend rider")
        #expect(try fixture.store.performance(of: listing.id, by: stranger.id) == version.report.performance)

        listing = try fixture.store.suspend(listing.id, reason: "misleading figures", by: fixture.admin.id)
        #expect(storeError { _ = try fixture.store.listing(listing.id, by: stranger.id) }?.code == "not_found")
        #expect(storeError { _ = try fixture.store.updateListing(listing.id, fixture.draft(), by: author.id) }?.code == "illegal_transition")
        listing = try fixture.store.reinstate(listing.id, reason: "fixed", by: fixture.admin.id)
        listing = try fixture.store.unpublish(listing.id, by: author.id)
        #expect(listing.status == .unpublished)
        let actions = try fixture.store.auditLog(for: .listing(listing.id), by: fixture.admin.id).map(\.action)
        #expect(actions == ["listing.reinstate", "listing.suspend", "listing.approve", "listing.reject"])
    }

    @Test func aNewVersionOfAnApprovedListingWaitsForReview() throws {
        let fixture = try StoreFixture()
        let author = try fixture.user("author")
        let (listing, first) = try fixture.approvedListing(by: author)
        let second = try fixture.store.uploadVersion(of: listing.strategyID, source: StoreFixture.smaSource + "\n-- v2", changelog: "v2", by: author.id)
        var updated = try fixture.store.submit(listing.id, version: second.id, by: author.id)
        #expect(updated.status == .approved && updated.liveVersionID == first.id && updated.pendingVersionID == second.id)
        updated = try fixture.store.reject(listing.id, reason: "breaks the docs", by: fixture.admin.id)
        #expect(updated.status == .approved && updated.liveVersionID == first.id && updated.pendingVersionID == nil)
        _ = try fixture.store.submit(listing.id, version: second.id, by: author.id)
        updated = try fixture.store.approve(listing.id, by: fixture.admin.id)
        #expect(updated.liveVersionID == second.id && updated.pendingVersionID == nil)
    }

    @Test func aRejectedVersionCannotBeSubmitted() throws {
        let fixture = try StoreFixture()
        let author = try fixture.user("author")
        let strategy = try fixture.store.createStrategy(name: "bad", by: author.id)
        let version = try fixture.store.uploadVersion(of: strategy.id, source: "strategy = {", changelog: "", by: author.id)
        let listing = try fixture.store.createListing(for: strategy.id, fixture.draft(), by: author.id)
        #expect(storeError { _ = try fixture.store.submit(listing.id, version: version.id, by: author.id) }
                == .invalid(field: "version", rule: "must have passed validation (this one was rejected)"))
        #expect(try fixture.store.listing(listing.id, by: author.id).status == .draft)
    }

    @Test(arguments: [
        (ListingDraft(title: "ab", summary: "A long enough summary", category: "trend", price: ListingPrice(amount: 1, currency: "USD")), "title"),
        (ListingDraft(title: "Fine title", summary: "short", category: "trend", price: ListingPrice(amount: 1, currency: "USD")), "summary"),
        (ListingDraft(title: "Fine title", summary: "A long enough summary", category: "astrology", price: ListingPrice(amount: 1, currency: "USD")), "category"),
        (ListingDraft(title: "Fine title", summary: "A long enough summary", category: "trend", price: ListingPrice(amount: -1, currency: "USD")), "price"),
        (ListingDraft(title: "Fine title", summary: "A long enough summary", category: "trend", price: ListingPrice(amount: 1, currency: "usd")), "currency"),
        (ListingDraft(title: "Fine title", summary: "A long enough summary", category: "trend", tags: ["ok", "not ok"], price: ListingPrice(amount: 1, currency: "USD")), "tags[1]"),
        (ListingDraft(title: "Fine title", summary: "A long enough summary", category: "trend", tags: (0..<11).map { "t\($0)" }, price: ListingPrice(amount: 1, currency: "USD")), "tags"),
    ])
    func badListingInputNamesTheFieldAndChangesNothing(draft: ListingDraft, field: String) throws {
        let fixture = try StoreFixture()
        let author = try fixture.user("author")
        let strategy = try fixture.store.createStrategy(name: "SMA", by: author.id)
        guard case .invalid(let reported, let rule)? = storeError({ _ = try fixture.store.createListing(for: strategy.id, draft, by: author.id) }) else {
            Issue.record("expected invalid input")
            return
        }
        #expect(reported == field && !rule.isEmpty)
        #expect(try fixture.store.listings(of: author.id, by: author.id).isEmpty)
    }
}
