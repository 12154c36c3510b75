import Hummingbird
import Marketplace

/// Marketplace records in the API's units: money as decimal strings with
/// the currency's 2 decimals (`APIUnits.walletMoney`), times as ISO-8601,
/// keys ending in `Id`.

/// A price: `{"amount": "19.00", "currency": "USD"}` (also how a listing body sends it).
struct PriceTag: Codable, Sendable, Equatable {
    var amount: String
    var currency: String

    init(minorUnits: Int64, currency: String) {
        amount = APIUnits.walletMoney(minorUnits)
        self.currency = currency
    }

    init(_ price: ListingPrice) { self.init(minorUnits: price.amount, currency: price.currency) }

    /// The store's price; `field` names the body's key (`price`).
    func listingPrice(field: String) throws -> ListingPrice {
        guard amount.utf8.count <= 20, APIUnits.isDecimal(amount), let minor = APIUnits.parseWalletMoney(amount) else {
            throw APIError.invalid("\(field).amount", "must be a decimal string with at most 2 decimals, e.g. \"19.00\"")
        }
        return ListingPrice(amount: minor, currency: currency)
    }
}

struct ListingSummaryFigures: Codable, Sendable {
    var totalReturn: Double?
    var maxDrawdown: Double
    var sharpe: Double?
    var tradeCount: Int

    init(_ summary: PerformanceSummary) {
        totalReturn = summary.totalReturn
        maxDrawdown = summary.maxDrawdown
        sharpe = summary.sharpe
        tradeCount = summary.tradeCount
    }
}

struct ListingView: Codable, Sendable, ResponseEncodableBody {
    var id: Int64
    var strategyId: Int64
    var authorId: Int64
    var title: String
    var summary: String
    var description: String
    var category: String
    var tags: [String]
    var price: PriceTag
    /// `draft`, `pending_review`, `approved`, `rejected` or `suspended`.
    var status: String
    var statusReason: String
    var liveVersionId: Int64?
    var pendingVersionId: Int64?
    var ratingAverage: Double
    var ratingCount: Int
    var buyerCount: Int
    /// The live version's validation backtest in brief (`validation` on the listing's own page has it all).
    var performance: ListingSummaryFigures?
    var createdAt: Timestamp
    var updatedAt: Timestamp
    var publishedAt: Timestamp?
    /// Listing page only: the live version's validation backtest in full
    /// (period, fees, trades, equity curve).
    var validation: ValidationFiguresView?
    /// Listing page only: the live version's declared parameters.
    var parameters: [ParameterView]?
    /// Listing page only: the author's verified paper deployment of the live version, when attached.
    var paperRecord: PaperRecordView?

    init(_ listing: Listing) {
        id = listing.id.rawValue
        strategyId = listing.strategyID.rawValue
        authorId = listing.authorID.rawValue
        title = listing.title
        summary = listing.summary
        description = listing.description
        category = listing.category.rawValue
        tags = listing.tags
        price = PriceTag(listing.price)
        status = listing.status.rawValue
        statusReason = listing.statusReason
        liveVersionId = listing.liveVersionID?.rawValue
        pendingVersionId = listing.pendingVersionID?.rawValue
        ratingAverage = listing.ratingAverage
        ratingCount = listing.ratingCount
        buyerCount = listing.buyerCount
        performance = listing.performance.map(ListingSummaryFigures.init)
        createdAt = Timestamp(listing.createdAt)
        updatedAt = Timestamp(listing.updatedAt)
        publishedAt = Timestamp(listing.publishedAt)
    }
}

struct PurchaseRecordView: Codable, Sendable, ResponseEncodableBody {
    var id: Int64
    var buyerId: Int64
    var listingId: Int64
    var versionId: Int64
    var price: PriceTag
    /// The platform's fee and the author's share of the price.
    var fee: String
    var authorAmount: String
    var currency: String
    var idempotencyKey: String
    /// `completed` or `refunded`.
    var status: String
    var createdAt: Timestamp
    var refundedAt: Timestamp?

    init(_ purchase: Purchase) {
        id = purchase.id.rawValue
        buyerId = purchase.buyerID.rawValue
        listingId = purchase.listingID.rawValue
        versionId = purchase.versionID.rawValue
        price = PriceTag(purchase.price)
        fee = APIUnits.walletMoney(purchase.fee)
        authorAmount = APIUnits.walletMoney(purchase.authorAmount)
        currency = purchase.price.currency
        idempotencyKey = purchase.idempotencyKey
        status = purchase.status.rawValue
        createdAt = Timestamp(purchase.createdAt)
        refundedAt = Timestamp(purchase.refundedAt)
    }
}

struct ReviewView: Codable, Sendable, ResponseEncodableBody {
    var id: Int64
    var listingId: Int64
    var userId: Int64
    var rating: Int
    var title: String
    var body: String
    var hidden: Bool
    var createdAt: Timestamp
    var updatedAt: Timestamp

    init(_ review: Review) {
        id = review.id.rawValue
        listingId = review.listingID.rawValue
        userId = review.userID.rawValue
        rating = review.rating
        title = review.title
        body = review.body
        hidden = review.hidden
        createdAt = Timestamp(review.createdAt)
        updatedAt = Timestamp(review.updatedAt)
    }
}

struct SalesLineView: Codable, Sendable, ResponseEncodableBody {
    var listingId: Int64
    var currency: String
    var sales: Int
    var refunds: Int
    var gross: String
    var fees: String
    var net: String

    init(_ line: SalesLine) {
        listingId = line.listingID.rawValue
        currency = line.currency
        sales = line.sales
        refunds = line.refunds
        gross = APIUnits.walletMoney(line.gross)
        fees = APIUnits.walletMoney(line.fees)
        net = APIUnits.walletMoney(line.net)
    }
}

struct LedgerEntryView: Codable, Sendable, ResponseEncodableBody, PageItem {
    static let pageKey = "entries"
    var id: Int64
    var transactionId: Int64
    /// What moved the money: `topup`, `purchase`, `refund`, `payout`, `credit`, …
    var kind: String
    /// Signed: positive into the wallet.
    var amount: String
    var currency: String
    var createdAt: Timestamp

    init(_ entry: LedgerEntry) {
        id = entry.id
        transactionId = entry.transactionID
        kind = entry.kind
        amount = APIUnits.walletMoney(entry.amount)
        currency = entry.currency
        createdAt = Timestamp(entry.createdAt)
    }
}

struct AuditEntryView: Codable, Sendable, ResponseEncodableBody, PageItem {
    static let pageKey = "entries"
    var id: Int64
    var actorId: Int64
    var actorName: String
    var action: String
    var targetKind: String
    var targetId: String
    var reason: String
    var createdAt: Timestamp

    init(_ entry: AuditEntry) {
        id = entry.id
        actorId = entry.actor.rawValue
        actorName = entry.actorName
        action = entry.action
        targetKind = entry.targetKind
        targetId = entry.targetID
        reason = entry.reason
        createdAt = Timestamp(entry.createdAt)
    }
}
