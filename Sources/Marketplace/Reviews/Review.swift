/// A buyer's review of a listing; one per user per listing.
public struct Review: Sendable, Equatable, Codable {
    public var id: ReviewID
    public var listingID: ListingID
    public var userID: UserID
    /// 1...5.
    public var rating: Int
    public var title: String
    public var body: String
    /// Hidden by a moderator: not shown, not counted in the rating.
    public var hidden: Bool
    public var createdAt: Int64
    public var updatedAt: Int64
}

/// The rating, title and body of a review, validated by the store.
public struct ReviewDraft: Sendable, Equatable {
    public var rating: Int
    public var title: String
    public var body: String

    public init(rating: Int, title: String, body: String) {
        self.rating = rating
        self.title = title
        self.body = body
    }

    func validated() throws(StoreError) -> ReviewDraft {
        guard (1...5).contains(rating) else { throw StoreError.invalid(field: "rating", rule: "must be 1 to 5") }
        return ReviewDraft(rating: rating, title: try InputRules.publicText(title, field: "title", length: 3...120, multiline: false),
                           body: try InputRules.publicText(body, field: "body", length: 0...5_000, multiline: true))
    }
}

/// What a user reports for moderation.
public enum ReportTarget: Sendable, Equatable {
    case listing(ListingID)
    case review(ReviewID)
}

/// A user's report of a listing or review, open until a moderator resolves it.
public struct ModerationReport: Sendable, Equatable {
    public var id: ReportID
    public var reporterID: UserID
    public var target: ReportTarget
    public var reason: String
    public var resolved: Bool
    public var resolution: String
    public var createdAt: Int64
}

/// What a user can mark as a favorite.
public enum FavoriteTarget: Sendable, Equatable, Hashable {
    case listing(ListingID)
    case template(String)

    var kind: String {
        switch self {
        case .listing: "listing"
        case .template: "template"
        }
    }

    var id: String {
        switch self {
        case .listing(let id): id.description
        case .template(let id): id
        }
    }
}
