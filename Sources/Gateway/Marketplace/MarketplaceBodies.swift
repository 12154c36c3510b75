import Hummingbird
import Marketplace

struct ListingBody: RequestBody {
    /// Create only; refused on update (a listing never moves to another strategy).
    var strategyId: Int64?
    var title: String
    var summary: String
    var description: String?
    var category: String
    var tags: [String]?
    var price: PriceTag
    /// Submit this version for review at once.
    var versionId: Int64?

    func draft() throws -> ListingDraft {
        ListingDraft(title: title, summary: summary, description: description ?? "", category: category, tags: tags ?? [],
                     price: try price.listingPrice(field: "price"))
    }
}

struct SubmitBody: RequestBody {
    var versionId: Int64
}

struct ReviewBody: RequestBody {
    var rating: Int
    var title: String
    var body: String?
    var draft: ReviewDraft { ReviewDraft(rating: rating, title: title, body: body ?? "") }
}

struct ReasonBody: RequestBody {
    var reason: String
}

/// A search page's shape, for the OpenAPI document; `SearchPageResponse`
/// writes it from cached listing bytes.
struct SearchPageView: Codable {
    var listings: [ListingView]
    var nextCursor: String?
}

struct PurchaseView: Codable, ResponseEncodableBody {
    var purchase: PurchaseRecordView
    /// False when the Idempotency-Key had been used: the first purchase is returned.
    var created: Bool
}


extension Request {
    /// `?limit=` within 1...maximum, or `value` when absent.
    func limit(default value: Int, maximum: Int = RequestLimits.maximumPageSize) throws -> Int {
        try query("limit") { Int($0) }.map { try Check.number($0, "limit", in: 1...maximum) } ?? value
    }

    /// A query parameter parsed by `parse`, or 422 naming it.
    func query<T>(_ name: String, _ parse: (String) -> T?) throws -> T? {
        guard let text = uri.queryParameters.get(name) else { return nil }
        guard text.count <= 500, let value = parse(text) else { throw APIError.invalid(name, "has an invalid value") }
        return value
    }
}
