/// A bought listing. `completed` grants access; an admin refund reverses
/// the ledger entries and revokes access.
public struct Purchase: Sendable, Equatable, Codable {
    public enum Status: String, Sendable, Codable { case completed, refunded }

    public var id: PurchaseID
    public var buyerID: UserID
    public var listingID: ListingID
    /// The live version when bought (deployments follow the live version).
    public var versionID: VersionID
    public var price: ListingPrice
    /// The platform's share, in minor units (see `FeeSplit`).
    public var fee: Int64
    /// What the author received: price − fee.
    public var authorAmount: Int64
    public var idempotencyKey: String
    public var status: Status
    public var createdAt: Int64
    public var refundedAt: Int64?
}

/// How a sale divides between platform and author: the fee is
/// `price × basisPoints ÷ 10,000` rounded down (toward zero), and the author
/// gets the rest, so the two always add up to the price exactly.
public struct FeeSplit: Sendable, Equatable {
    public var fee: Int64
    public var author: Int64

    public init(price: Int64, basisPoints: Int) {
        // price ≤ 1e8 and basisPoints ≤ 1e4 keep the product far below Int64.max.
        fee = price * Int64(basisPoints) / 10_000
        author = price - fee
    }
}

/// The result of a top-up: `applied` is false when the provider event was
/// already recorded (a retried webhook), in which case nothing changed.
public struct TopUpReceipt: Sendable, Equatable {
    public var applied: Bool
    public var balance: Int64
}

/// One line of a user's wallet history.
public struct LedgerEntry: Sendable, Equatable, Codable {
    /// The entry's own id: newest first, the page key.
    public var id: Int64
    public var transactionID: Int64
    /// `top_up`, `purchase` or `refund`.
    public var kind: String
    /// Positive credits, negative debits, minor units.
    public var amount: Int64
    public var currency: String
    public var createdAt: Int64
}

/// An author's sales of one listing in one currency.
public struct SalesLine: Sendable, Equatable, Codable {
    public var listingID: ListingID
    public var currency: String
    public var sales: Int
    public var refunds: Int
    /// Prices of completed (not refunded) sales.
    public var gross: Int64
    public var fees: Int64
    /// What the author kept: gross − fees.
    public var net: Int64
}
