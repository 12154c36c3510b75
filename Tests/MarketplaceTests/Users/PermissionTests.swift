import Testing
@testable import Marketplace

/// Who may see, edit, buy, review and read the source of what: one row per
/// (actor, action, listing), run against one real store.
@Suite struct PermissionTests {
    /// `shopper` is the one who buys in the table, so `stranger` stays a non-buyer for every row.
    enum Actor: String, CaseIterable { case author, buyer, stranger, shopper, admin, suspended, banned }
    enum Subject: String { case paidApproved, freeApproved, draft, suspendedListing }
    enum Action: String { case view, edit, buy, review, readSource, deploy, salesReport, moderate }

    /// (actor, action, subject, allowed)
    static let table: [(Actor, Action, Subject, Bool)] = [
        (.stranger, .view, .paidApproved, true), (.stranger, .view, .draft, false), (.stranger, .view, .suspendedListing, false),
        (.author, .view, .draft, true), (.admin, .view, .draft, true), (.admin, .view, .suspendedListing, true),
        (.author, .edit, .paidApproved, true), (.stranger, .edit, .paidApproved, false), (.admin, .edit, .paidApproved, false),
        (.buyer, .edit, .paidApproved, false),
        (.shopper, .buy, .paidApproved, true), (.author, .buy, .paidApproved, false), (.buyer, .buy, .paidApproved, false),
        (.stranger, .buy, .draft, false), (.suspended, .buy, .paidApproved, false), (.banned, .buy, .paidApproved, false),
        (.buyer, .review, .paidApproved, true), (.stranger, .review, .paidApproved, false), (.author, .review, .paidApproved, false),
        (.stranger, .review, .freeApproved, false),
        (.author, .readSource, .paidApproved, true), (.admin, .readSource, .paidApproved, true),
        (.buyer, .readSource, .paidApproved, false), (.stranger, .readSource, .paidApproved, false),
        (.stranger, .readSource, .freeApproved, true), (.stranger, .readSource, .draft, false),
        (.buyer, .deploy, .paidApproved, true), (.stranger, .deploy, .paidApproved, false), (.stranger, .deploy, .freeApproved, true),
        (.author, .deploy, .paidApproved, true), (.banned, .deploy, .freeApproved, false),
        (.author, .salesReport, .paidApproved, true), (.admin, .salesReport, .paidApproved, true), (.buyer, .salesReport, .paidApproved, false),
        (.admin, .moderate, .paidApproved, true), (.author, .moderate, .paidApproved, false), (.stranger, .moderate, .paidApproved, false),
    ]

    final class World {
        let fixture: StoreFixture
        var users: [Actor: User] = [:]
        var listings: [Subject: (listing: Listing, version: StrategyVersion)] = [:]

        init() throws {
            fixture = try StoreFixture()
            users[.admin] = fixture.admin
            for actor in Actor.allCases where actor != .admin { users[actor] = try fixture.funded(actor.rawValue, 100_000) }
            let author = users[.author]!
            listings[.paidApproved] = try fixture.approvedListing(by: author, title: "Paid one", price: 1_000)
            listings[.freeApproved] = try fixture.approvedListing(by: author, title: "Free one", price: 0)
            let suspended = try fixture.approvedListing(by: author, title: "Suspended one", price: 1_000)
            _ = try fixture.store.suspend(suspended.listing.id, reason: "under investigation", by: fixture.admin.id)
            listings[.suspendedListing] = suspended
            let strategy = try fixture.store.createStrategy(name: "Draft strategy", by: author.id)
            let version = try fixture.store.uploadVersion(of: strategy.id, source: StoreFixture.smaSource, changelog: "", by: author.id)
            listings[.draft] = (try fixture.store.createListing(for: strategy.id, fixture.draft(title: "Draft one"), by: author.id), version)
            _ = try fixture.store.purchase(listings[.paidApproved]!.listing.id, idempotencyKey: "k", by: users[.buyer]!.id)
            try fixture.store.suspend(users[.suspended]!.id, until: fixture.clock.now + 86_400, reason: "cooling off", by: fixture.admin.id)
            try fixture.store.ban(users[.banned]!.id, reason: "fraud", by: fixture.admin.id)
        }

        func attempt(_ actor: Actor, _ action: Action, _ subject: Subject) -> StoreError? {
            let store = fixture.store
            let user = users[actor]!
            let (listing, version) = listings[subject]!
            return storeError {
                switch action {
                case .view: _ = try store.listing(listing.id, by: user.id)
                case .edit: _ = try store.updateListing(listing.id, fixture.draft(title: listing.title, price: listing.price.amount), by: user.id)
                case .buy: _ = try store.purchase(listing.id, idempotencyKey: "perm-\(actor)-\(subject)", by: user.id)
                case .review: _ = try store.writeReview(of: listing.id, ReviewDraft(rating: 4, title: "Permission", body: ""), by: user.id)
                case .readSource: _ = try store.source(of: version.id, by: user.id)
                case .deploy: _ = try store.deploy(.listing(listing.id), by: user.id)
                case .salesReport: _ = try store.salesReport(of: listing.authorID, by: user.id)
                case .moderate: _ = try store.moderationQueue(by: user.id)
                }
            }
        }
    }

    @Test func everyRowOfThePermissionTableHolds() throws {
        let world = try World()
        for (actor, action, subject, allowed) in Self.table {
            let error = world.attempt(actor, action, subject)
            if allowed {
                #expect(error == nil, "\(actor) \(action) \(subject) should be allowed, got \(String(describing: error))")
            } else {
                let refusal = ["forbidden", "not_found", "account_restricted", "own_listing", "already_purchased", "self_review"]
                #expect(error.map { refusal.contains($0.code) } == true, "\(actor) \(action) \(subject) should be refused, got \(String(describing: error))")
            }
        }
    }
}
