extension MarketplaceStore {
    /// Searches approved listings (their authors not banned) with FTS5,
    /// filters, a sort, and keyset (cursor) pagination: pages stay correct
    /// and fast however deep, and a row never shows up twice.
    public func search(_ query: ListingQuery) throws(StoreError) -> SearchPage {
        let limit = try InputRules.limit(query.limit)
        let text = try query.text.map { (raw) throws(StoreError) in try SearchQuery.ftsExpression(raw, columns: "title summary description tags") }
        let category = try query.category.map { (name) throws(StoreError) in try Category.parse(name).rawValue }
        if let minimum = query.minimumPrice, minimum < 0 { throw StoreError.invalid(field: "minimumPrice", rule: "must not be negative") }
        if let maximum = query.maximumPrice, maximum < (query.minimumPrice ?? 0) {
            throw StoreError.invalid(field: "maximumPrice", rule: "must be at least minimumPrice and not negative")
        }
        if let rating = query.minimumRating, !(1...5).contains(rating) {
            throw StoreError.invalid(field: "minimumRating", rule: "must be 1 to 5")
        }
        let sort = query.sort == .relevance && text == nil ? ListingSort.newest : query.sort
        let cursor = try query.cursor.map { (encoded) throws(StoreError) in try SearchQuery.Cursor(decoding: encoded, expected: sort) }

        // The sort key and its direction; ties break on id in the same direction.
        let (key, ascending): (String, Bool) = switch sort {
        case .relevance: ("bm25(listing_search, 10.0, 4.0, 1.0, 6.0, 0.0)", true)
        case .rating: ("l.rating_average", false)
        case .popularity: ("l.buyer_count", false)
        case .performance: ("COALESCE(l.perf_return, -1e300)", false)
        case .newest: ("COALESCE(l.published_at, 0)", false)
        case .price: ("l.price", true)
        }
        var filters = ["l.status = 'approved'", "l.author_banned = 0"]
        var values: [any SQLBindable] = []
        if let text {
            // The category also narrows the match inside the index (see `facets` in the schema).
            let facet = category.map { " AND facets:\"category\($0.replacingOccurrences(of: "_", with: ""))\"" } ?? ""
            filters.append("listing_search MATCH ?")
            values.append(text + facet)
        }
        if let category { filters.append("l.category = ?"); values.append(category) }
        if let tag = query.tag {
            // IN, not EXISTS: the planner then drives from the tag index instead of scanning in sort order.
            filters.append("l.id IN (SELECT listing_id FROM listing_tags WHERE tag = ?)"); values.append(tag.lowercased())
        }
        if let minimum = query.minimumPrice { filters.append("l.price >= ?"); values.append(minimum) }
        if let maximum = query.maximumPrice { filters.append("l.price <= ?"); values.append(maximum) }
        if let rating = query.minimumRating { filters.append("l.rating_average >= ?"); values.append(rating) }
        if let author = query.authorID { filters.append("l.author_id = ?"); values.append(author) }
        let from = text == nil ? "listings l" : "listing_search JOIN listings l ON l.id = listing_search.rowid"
        let direction = ascending ? "ASC" : "DESC"
        let after = ascending ? ">" : "<"
        // The inner query ranks ids only (filters read the covering index
        // `listings_search_filter`); full rows are read for the page alone.
        var ranked = "SELECT l.id AS id, \(key) AS sort_key FROM \(from) WHERE \(filters.joined(separator: " AND "))"
        if let cursor {
            ranked = "SELECT * FROM (\(ranked)) WHERE (sort_key \(after) ? OR (sort_key = ? AND id \(after) ?))"
            values += [cursor.key, cursor.key, cursor.id]
        }
        ranked += " ORDER BY sort_key \(direction), id \(direction) LIMIT ?"
        values.append(limit + 1)
        let sql = """
            SELECT \(Self.listingColumns), p.sort_key FROM (\(ranked)) p JOIN listings l ON l.id = p.id
            ORDER BY p.sort_key \(direction), p.id \(direction)
            """
        let rows = try pool.read { (connection) throws(StoreError) in
            try connection.rows(sql, values) { row in (Self.listing(row), row.double(25)) }
        }
        let page = rows.prefix(limit)
        let next = rows.count > limit ? page.last.map { SearchQuery.Cursor(sort: sort, key: $0.1, id: $0.0.id.rawValue).encoded } : nil
        return SearchPage(listings: page.map(\.0), nextCursor: next)
    }
}
