/// What the leaderboard ranks by.
public enum LeaderboardMetric: String, Sendable, CaseIterable {
    /// Total return of the live version's validation backtest.
    case totalReturn
    /// Sharpe ratio of the same backtest.
    case sharpe
    /// Average rating (listings with at least one visible review).
    case rating
    /// Number of buyers.
    case buyers
}

/// One leaderboard row: 1-based rank and the listing.
public struct LeaderboardEntry: Sendable, Equatable {
    public var rank: Int
    public var listing: Listing
}

extension MarketplaceStore {
    /// The top approved listings by `metric`, optionally in one category.
    /// Ties rank by id (older first), so the order is stable.
    public func leaderboard(by metric: LeaderboardMetric, category: String? = nil, limit: Int = 20) throws(StoreError) -> [LeaderboardEntry] {
        let limit = try InputRules.limit(limit)
        let category = try category.map { (name) throws(StoreError) in try Category.parse(name).rawValue }
        let (key, present): (String, String) = switch metric {
        case .totalReturn: ("l.perf_return", "l.perf_return IS NOT NULL")
        case .sharpe: ("l.perf_sharpe", "l.perf_sharpe IS NOT NULL")
        case .rating: ("l.rating_average", "l.rating_count > 0")
        case .buyers: ("l.buyer_count", "1")
        }
        let listings = try pool.read { (connection) throws(StoreError) in
            try connection.rows("""
                SELECT \(Self.listingColumns) FROM listings l
                WHERE l.status = 'approved' AND l.author_banned = 0 AND \(present) AND (? IS NULL OR l.category = ?)
                ORDER BY \(key) DESC, l.id ASC LIMIT ?
                """, [category, category, limit], Self.listing)
        }
        return listings.enumerated().map { LeaderboardEntry(rank: $0.offset + 1, listing: $0.element) }
    }
}
