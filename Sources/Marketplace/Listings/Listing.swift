/// The categories a listing or template may have.
public enum Category: String, Sendable, Codable, CaseIterable {
    case trend, meanReversion = "mean_reversion", breakout, grid, dca, marketMaking = "market_making", arbitrage, other

    static func parse(_ text: String) throws(StoreError) -> Category {
        guard let category = Category(rawValue: text) else {
            throw StoreError.invalid(field: "category", rule: "unknown category (known: \(allCases.map(\.rawValue).joined(separator: ", ")))")
        }
        return category
    }
}

/// A price in integer minor units of `currency` (cents for USD); 0 is free.
public struct ListingPrice: Sendable, Equatable, Hashable, Codable {
    public var amount: Int64
    public var currency: String
    public init(amount: Int64, currency: String) {
        self.amount = amount
        self.currency = currency
    }
    public var isFree: Bool { amount == 0 }
}

/// The headline backtest figures of a listing's live version.
public struct PerformanceSummary: Sendable, Equatable, Codable {
    public var totalReturn: Double?
    public var maxDrawdown: Double
    public var sharpe: Double?
    public var tradeCount: Int
}

/// A published strategy as buyers see it.
public struct Listing: Sendable, Equatable, Codable {
    public var id: ListingID
    public var strategyID: StrategyID
    public var authorID: UserID
    public var title: String
    public var summary: String
    public var description: String
    public var category: Category
    /// Sorted, lowercase.
    public var tags: [String]
    public var price: ListingPrice
    public var status: ListingStatus
    /// Why it was rejected or suspended, or why its pending version was rejected.
    public var statusReason: String
    /// The version buyers get; nil until first approved.
    public var liveVersionID: VersionID?
    /// A newer version awaiting review.
    public var pendingVersionID: VersionID?
    public var ratingAverage: Double
    public var ratingCount: Int
    public var buyerCount: Int
    public var performance: PerformanceSummary?
    public var createdAt: Int64
    public var updatedAt: Int64
    public var publishedAt: Int64?
}

/// The editable fields of a listing, validated by the store.
public struct ListingDraft: Sendable, Equatable {
    public var title: String
    public var summary: String
    public var description: String
    /// One of `Category`'s raw values.
    public var category: String
    public var tags: [String]
    public var price: ListingPrice

    public init(title: String, summary: String, description: String = "", category: String, tags: [String] = [], price: ListingPrice) {
        self.title = title
        self.summary = summary
        self.description = description
        self.category = category
        self.tags = tags
        self.price = price
    }

    /// The checked, normalized fields.
    func validated() throws(StoreError) -> ListingDraft {
        var draft = self
        draft.title = try InputRules.publicText(title, field: "title", length: 3...120, multiline: false)
        draft.summary = try InputRules.text(summary, field: "summary", length: 10...300)
        draft.description = try InputRules.text(description, field: "description", length: 0...20_000)
        draft.category = try Category.parse(category).rawValue
        guard tags.count <= 10 else { throw StoreError.invalid(field: "tags", rule: "must be at most 10 tags") }
        var normalized: Set<String> = []
        for (index, tag) in tags.enumerated() {
            let lower = tag.lowercased()
            guard (2...30).contains(lower.count), lower.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") }) else {
                throw StoreError.invalid(field: "tags[\(index)]", rule: "must be 2 to 30 ASCII letters, digits or '-'")
            }
            normalized.insert(lower)
        }
        draft.tags = normalized.sorted()
        guard price.amount >= 0 else { throw StoreError.invalid(field: "price", rule: "must not be negative") }
        guard price.amount <= 100_000_000 else { throw StoreError.invalid(field: "price", rule: "must be at most 100000000 minor units") }
        draft.price.currency = try InputRules.currency(price.currency)
        return draft
    }
}
