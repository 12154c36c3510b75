import Testing
@testable import Marketplace

@Suite struct WalletTests {
    @Test(arguments: [(1_000, 2_000, 200, 800), (999, 2_000, 199, 800), (1, 2_000, 0, 1), (1_000, 0, 0, 1_000), (7, 10_000, 7, 0), (333, 333, 11, 322)])
    func theFeeRoundsDownAndTheAuthorGetsTheRest(price: Int64, basisPoints: Int, fee: Int64, author: Int64) {
        let split = FeeSplit(price: price, basisPoints: basisPoints)
        #expect(split == FeeSplit(price: price, basisPoints: basisPoints))
        #expect(split.fee == fee && split.author == author && split.fee + split.author == price)
    }

    @Test func topUpsAreIdempotentByProviderEvent() throws {
        let fixture = try StoreFixture()
        let alice = try fixture.user("alice")
        #expect(try fixture.store.topUp(alice.id, amount: 500, currency: "USD", providerEventID: "evt_1") == TopUpReceipt(applied: true, balance: 500))
        #expect(try fixture.store.topUp(alice.id, amount: 500, currency: "USD", providerEventID: "evt_1") == TopUpReceipt(applied: false, balance: 500))
        #expect(storeError { _ = try fixture.store.topUp(alice.id, amount: 501, currency: "USD", providerEventID: "evt_1") }?.code == "invalid_input")
        #expect(storeError { _ = try fixture.store.topUp(alice.id, amount: 0, currency: "USD", providerEventID: "evt_2") }
                == .invalid(field: "amount", rule: "must be positive (integer minor units)"))
        #expect(try fixture.store.balance(of: alice.id, currency: "USD", by: alice.id) == 500)
        #expect(try fixture.store.balance(of: alice.id, currency: "EUR", by: alice.id) == 0)
        #expect(try fixture.store.ledger(of: alice.id, by: alice.id).map(\.amount) == [500])
        #expect(try fixture.store.ledgerImbalance() == 0)
    }

    @Test func aPurchaseMovesMoneyAtomicallyAndGrantsAccess() throws {
        let fixture = try StoreFixture(feeBasisPoints: 1_500)
        let author = try fixture.user("author")
        let buyer = try fixture.funded("buyer", 5_000)
        let (listing, version) = try fixture.approvedListing(by: author, price: 1_999)
        let purchase = try fixture.store.purchase(listing.id, idempotencyKey: "order-1", by: buyer.id)
        #expect(purchase.fee == 299 && purchase.authorAmount == 1_700 && purchase.versionID == version.id)
        #expect(try fixture.store.balance(of: buyer.id, currency: "USD", by: buyer.id) == 3_001)
        #expect(try fixture.store.balance(of: author.id, currency: "USD", by: author.id) == 1_700)
        #expect(try fixture.store.ledgerImbalance() == 0)
        #expect(try fixture.store.listing(listing.id, by: buyer.id).buyerCount == 1)
        #expect(try fixture.store.purchase(listing.id, idempotencyKey: "order-1", by: buyer.id) == purchase)
        #expect(try fixture.store.purchases(of: buyer.id, by: buyer.id) == [purchase])
        #expect(try fixture.store.salesReport(of: author.id, by: author.id)
                == [SalesLine(listingID: listing.id, currency: "USD", sales: 1, refunds: 0, gross: 1_999, fees: 299, net: 1_700)])
        #expect(storeError { _ = try fixture.store.salesReport(of: author.id, by: buyer.id) }?.code == "forbidden")
    }

    @Test func refusedPurchasesChangeNothing() throws {
        let fixture = try StoreFixture()
        let author = try fixture.funded("author", 5_000)
        let buyer = try fixture.funded("buyer", 1_500)
        let (listing, _) = try fixture.approvedListing(by: author, price: 1_000)
        let (expensive, _) = try fixture.approvedListing(by: author, title: "Pricey one", price: 9_000)
        #expect(storeError { _ = try fixture.store.purchase(listing.id, idempotencyKey: "a", by: author.id) } == .ownListing)
        #expect(storeError { _ = try fixture.store.purchase(expensive.id, idempotencyKey: "b", by: buyer.id) } == .insufficientFunds(balance: 1_500, required: 9_000))
        _ = try fixture.store.purchase(listing.id, idempotencyKey: "c", by: buyer.id)
        #expect(storeError { _ = try fixture.store.purchase(listing.id, idempotencyKey: "d", by: buyer.id) } == .alreadyPurchased(listing: listing.id.rawValue))
        #expect(storeError { _ = try fixture.store.purchase(expensive.id, idempotencyKey: "c", by: buyer.id) }
                == .invalid(field: "idempotencyKey", rule: "was already used for a different purchase"))
        #expect(storeError { _ = try fixture.store.purchase(listing.id, idempotencyKey: "", by: buyer.id) }?.code == "invalid_input")
        #expect(try fixture.store.balance(of: buyer.id, currency: "USD", by: buyer.id) == 500)
        #expect(try fixture.store.purchases(of: buyer.id, by: buyer.id).count == 1)
        #expect(try fixture.store.ledgerImbalance() == 0)
    }

    @Test func aRefundReversesTheEntriesAndRevokesAccess() throws {
        let fixture = try StoreFixture()
        let author = try fixture.user("author")
        let buyer = try fixture.funded("buyer", 2_000)
        let (listing, _) = try fixture.approvedListing(by: author, price: 1_000)
        let purchase = try fixture.store.purchase(listing.id, idempotencyKey: "k", by: buyer.id)
        let deployment = try fixture.store.deploy(.listing(listing.id), by: buyer.id)
        _ = try fixture.store.changeDeployment(deployment.id, .start, by: buyer.id)
        #expect(storeError { _ = try fixture.store.refund(purchase.id, reason: "not as described", by: buyer.id) }?.code == "forbidden")
        let refunded = try fixture.store.refund(purchase.id, reason: "not as described", by: fixture.admin.id)
        #expect(refunded.status == .refunded)
        #expect(try fixture.store.balance(of: buyer.id, currency: "USD", by: buyer.id) == 2_000)
        #expect(try fixture.store.balance(of: author.id, currency: "USD", by: author.id) == 0)
        #expect(try fixture.store.ledgerImbalance() == 0)
        #expect(try fixture.store.deployment(deployment.id, by: buyer.id).status == .stopped(reason: "purchase refunded"))
        #expect(storeError { _ = try fixture.store.changeDeployment(deployment.id, .start, by: buyer.id) }?.code == "forbidden")
        #expect(storeError { _ = try fixture.store.refund(purchase.id, reason: "twice", by: fixture.admin.id) }?.code == "illegal_transition")
        #expect(try fixture.store.salesReport(of: author.id, by: author.id).first?.refunds == 1)
        // Access is gone, so buying again is allowed and is a new purchase.
        let again = try fixture.store.purchase(listing.id, idempotencyKey: "k2", by: buyer.id)
        #expect(again.id != purchase.id)
        #expect(try fixture.store.auditLog(for: .purchase(purchase.id), by: fixture.admin.id).map(\.action) == ["purchase.refund"])
    }

    @Test func aRefundIsRefusedWhenTheAuthorNoLongerHoldsTheirShare() throws {
        let fixture = try StoreFixture()
        let author = try fixture.user("author")
        let buyer = try fixture.funded("buyer", 1_000)
        let (listing, _) = try fixture.approvedListing(by: author, price: 1_000)
        let (other, _) = try fixture.approvedListing(by: buyer, title: "Buyer's own", price: 800)
        let purchase = try fixture.store.purchase(listing.id, idempotencyKey: "k", by: buyer.id)
        _ = try fixture.store.purchase(other.id, idempotencyKey: "k", by: author.id)   // the author spends their 800
        #expect(storeError { _ = try fixture.store.refund(purchase.id, reason: "fraud", by: fixture.admin.id) } == .insufficientFunds(balance: 0, required: 800, holder: "the author's wallet"))
        #expect(try fixture.store.purchases(of: buyer.id, by: buyer.id).first?.status == .completed)
    }

    @Test func freeListingsNeedNoMoney() throws {
        let fixture = try StoreFixture()
        let author = try fixture.user("author")
        let buyer = try fixture.user("buyer")
        let (listing, _) = try fixture.approvedListing(by: author, price: 0)
        let purchase = try fixture.store.purchase(listing.id, idempotencyKey: "free", by: buyer.id)
        #expect(purchase.fee == 0 && purchase.authorAmount == 0)
        #expect(try fixture.store.ledger(of: buyer.id, by: buyer.id).isEmpty)
    }
}
