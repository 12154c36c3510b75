import Foundation
import Testing
@testable import Marketplace

/// Outcomes, not timings: whatever the interleaving, the results must hold.
@Suite struct ConcurrencyTests {
    @Test func fiftyParallelPurchasesWithOneKeyMakeExactlyOne() throws {
        let fixture = try StoreFixture()
        let author = try fixture.user("author")
        let buyer = try fixture.funded("buyer", 100_000)
        let (listing, _) = try fixture.approvedListing(by: author, price: 1_000)
        let store = fixture.store
        let results = Results<Result<Purchase, StoreError>>()
        DispatchQueue.concurrentPerform(iterations: 50) { _ in
            do { results.append(.success(try store.purchase(listing.id, idempotencyKey: "same-key", by: buyer.id))) } catch let error as StoreError {
                results.append(.failure(error))
            } catch { results.append(.failure(.corrupt("\(error)"))) }
        }
        let purchases = results.values.compactMap { try? $0.get() }
        #expect(purchases.count == 50)
        #expect(Set(purchases.map(\.id)).count == 1)
        #expect(try fixture.store.purchases(of: buyer.id, by: buyer.id).count == 1)
        #expect(try fixture.store.balance(of: buyer.id, currency: "USD", by: buyer.id) == 99_000)
        #expect(try fixture.store.listing(listing.id, by: buyer.id).buyerCount == 1)
    }

    @Test func parallelPurchasesByManyUsersKeepEveryBalanceConsistent() throws {
        let fixture = try StoreFixture(feeBasisPoints: 1_250)
        let authors = try (0..<3).map { try fixture.funded("author\($0)", 1_000) }
        let listings = try authors.enumerated().map { try fixture.approvedListing(by: $0.element, title: "Listing \($0.offset)", price: 700 + Int64($0.offset) * 111).listing }
        // Each buyer can afford exactly two of the three listings.
        let buyers = try (0..<24).map { try fixture.funded("buyer\($0)", 1_700) }
        let store = fixture.store
        let results = Results<Bool>()
        DispatchQueue.concurrentPerform(iterations: buyers.count * listings.count * 2) { index in
            let buyer = buyers[index % buyers.count]
            let listing = listings[(index / buyers.count) % listings.count]
            let key = "b\(buyer.id)-l\(listing.id)-try\(index / (buyers.count * listings.count))"
            results.append((try? store.purchase(listing.id, idempotencyKey: key, by: buyer.id)) != nil)
        }
        #expect(try store.ledgerImbalance() == 0)
        var sold: [ListingID: Int] = [:]
        for buyer in buyers {
            let owned = try store.purchases(of: buyer.id, by: buyer.id)
            #expect(owned.count == 2, "buyer \(buyer.username) owns \(owned.count)")
            let spent = owned.reduce(0) { $0 + $1.price.amount }
            #expect(try store.balance(of: buyer.id, currency: "USD", by: buyer.id) == 1_700 - spent)
            #expect(try store.ledger(of: buyer.id, by: buyer.id).reduce(0) { $0 + $1.amount } == 1_700 - spent)
            for purchase in owned { sold[purchase.listingID, default: 0] += 1 }
        }
        for (author, listing) in zip(authors, listings) {
            let count = sold[listing.id] ?? 0
            let share = FeeSplit(price: listing.price.amount, basisPoints: 1_250).author
            #expect(try store.balance(of: author.id, currency: "USD", by: author.id) == 1_000 + Int64(count) * share)
            #expect(try store.listing(listing.id, by: author.id).buyerCount == count)
        }
        #expect(results.values.filter { $0 }.count == buyers.count * 2)
    }
}

/// A lock-protected list the parallel workers append to.
final class Results<Value>: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: [Value] = []
    func append(_ value: Value) {
        lock.lock()
        stored.append(value)
        lock.unlock()
    }
    var values: [Value] {
        lock.lock()
        defer { lock.unlock() }
        return stored
    }
}
