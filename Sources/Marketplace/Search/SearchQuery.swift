import Foundation

/// How search results are ordered.
public enum ListingSort: String, Sendable, CaseIterable {
    /// Best text match first (BM25); newest when there is no text.
    case relevance
    case rating, popularity, performance, newest
    /// Cheapest first.
    case price
}

/// A search over approved listings: full text plus filters, one page at a time.
public struct ListingQuery: Sendable, Equatable {
    /// Words to match in title, summary, description and tags (all must match; stemmed).
    public var text: String?
    public var category: String?
    public var tag: String?
    /// Inclusive price bounds in minor units.
    public var minimumPrice: Int64?
    public var maximumPrice: Int64?
    /// 1...5.
    public var minimumRating: Double?
    public var authorID: UserID?
    public var sort: ListingSort
    /// 1...100.
    public var limit: Int
    /// `nextCursor` of the previous page.
    public var cursor: String?

    public init(text: String? = nil, category: String? = nil, tag: String? = nil, minimumPrice: Int64? = nil,
                maximumPrice: Int64? = nil, minimumRating: Double? = nil, authorID: UserID? = nil,
                sort: ListingSort = .relevance, limit: Int = 20, cursor: String? = nil) {
        self.text = text
        self.category = category
        self.tag = tag
        self.minimumPrice = minimumPrice
        self.maximumPrice = maximumPrice
        self.minimumRating = minimumRating
        self.authorID = authorID
        self.sort = sort
        self.limit = limit
        self.cursor = cursor
    }
}

/// One page of results; pass `nextCursor` back for the next (nil on the last page).
public struct SearchPage: Sendable, Equatable {
    public var listings: [Listing]
    public var nextCursor: String?
}

/// Query text and cursor encoding.
enum SearchQuery {
    /// Turns user text into a safe FTS5 expression: each word becomes a
    /// quoted term (operators and syntax in the input have no effect),
    /// limited to `columns` when given.
    static func ftsExpression(_ text: String, columns: String? = nil) throws(StoreError) -> String {
        let words = text.lowercased().split { !($0.isLetter || $0.isNumber) }.prefix(10).map { String($0.prefix(40)) }
        guard !words.isEmpty, text.count <= 200 else {
            throw StoreError.invalid(field: "text", rule: "must hold 1 to 10 words of letters or digits (at most 200 characters)")
        }
        let terms = words.map { "\"\($0)\"" }.joined(separator: " ")
        return columns.map { "{\($0)} : (\(terms))" } ?? terms
    }

    /// A position after a row: the sort it belongs to, the row's sort key, its id.
    struct Cursor: Equatable {
        var sort: ListingSort
        var key: Double
        var id: Int64

        var encoded: String {
            Data("\(sort.rawValue):\(key.bitPattern):\(id)".utf8).base64EncodedString()
        }

        init(sort: ListingSort, key: Double, id: Int64) {
            self.sort = sort
            self.key = key
            self.id = id
        }

        init(decoding text: String, expected sort: ListingSort) throws(StoreError) {
            let invalid = StoreError.invalid(field: "cursor", rule: "must be a nextCursor from the same search")
            guard let data = Data(base64Encoded: text) else { throw invalid }
            let parts = String(decoding: data, as: UTF8.self).split(separator: ":")
            guard parts.count == 3, ListingSort(rawValue: String(parts[0])) == sort,
                  let bits = UInt64(parts[1]), let id = Int64(parts[2]) else { throw invalid }
            self.init(sort: sort, key: Double(bitPattern: bits), id: id)
        }
    }
}
