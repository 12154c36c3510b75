import Hummingbird
import Marketplace

/// `/api/marketplace`: browse and search (filters, sort, cursor pages),
/// listing details, publishing and moderation submission, purchases with
/// `Idempotency-Key`, my listings / purchases / sales.
struct MarketplaceRoutes {
    let gateway: Gateway

    func add(to group: APIRoutes) {
        let store = gateway.store
        let market = group.group("marketplace")
        market.get("listings",
                   "Search (q, category, tag, minPrice and maxPrice as decimal strings, minRating, author, sort, limit, cursor)") { request, _ in
            // Read before the store is: a listing write that lands during the
            // search moves it on, so what the search saw is never kept as current.
            let generation = store.catalogGeneration, key = request.uri.query ?? ""
            if let body = gateway.searchPages.lookup(key, generation: generation) { return SearchPageResponse(body: body) }
            let sort = try request.query("sort") { ListingSort(rawValue: $0) } ?? .relevance
            let limit = try request.limit(default: 20, maximum: 100)
            let query = ListingQuery(
                text: try request.query("q") { $0 }, category: try request.query("category") { $0 }, tag: try request.query("tag") { $0 },
                minimumPrice: try request.query("minPrice") { APIUnits.isDecimal($0) ? APIUnits.parseWalletMoney($0) : nil },
                maximumPrice: try request.query("maxPrice") { APIUnits.isDecimal($0) ? APIUnits.parseWalletMoney($0) : nil },
                minimumRating: try request.query("minRating") { Double($0).flatMap { $0.isFinite ? $0 : nil } },
                authorID: try request.query("author") { Int64($0).map(UserID.init) }, sort: sort, limit: limit,
                cursor: try request.query("cursor") { $0 })
            gateway.searchPages.countStoreRead()
            let page = try await store.read { try $0.search(query) }
            let response = try SearchPageResponse(listings: page.listings, nextCursor: page.nextCursor, cache: gateway.listingJSON)
            gateway.searchPages.remember(key, response.body, generation: generation)
            return response
        }
        market.get("leaderboard",
                   "Approved listings ranked (?metric=total_return|sharpe|rating|buyers, ?category, ?limit=1..100); figures from their validation backtests") { request, _ in
            let metric = try request.query("metric") { name in LeaderboardMetric.allCases.first { $0.apiName == name } } ?? .totalReturn
            let category = try request.query("category") { $0 }, limit = try request.limit(default: 20, maximum: 100)
            return LeaderboardView(metric: metric.apiName, entries: try await store.read { try $0.leaderboard(by: metric, category: category, limit: limit) }
                .map { LeaderboardView.Entry(rank: $0.rank, listing: ListingView($0.listing)) })
        }
        market.get("listings/:id",
                   "A listing's page: with its live version's validation backtest (period, fees, trades, equity curve) and parameters") { _, context in
            let listing = ListingID(try context.id("id", "listing")), user = try context.requireIdentity().user.id
            return try await gateway.listingPage(try await store.read { try $0.listing(listing, by: user) }, by: user)
        }
        market.get("listings/:id/source", "Source (author and admins only)") { _, context in
            let user = try context.requireIdentity().user
            let id = ListingID(try context.id("id", "listing"))
            let listing = try await store.read { try $0.listing(id, by: user.id) }
            // Only the author and admins read a listing's code (docs/api.md).
            guard listing.authorID == user.id || user.role.isModerator, let version = listing.liveVersionID ?? listing.pendingVersionID else {
                throw APIError.notFound("listing source")
            }
            return SourceView(versionId: version.rawValue, source: try await store.read { try $0.source(of: version, by: user.id) })
        }
        market.post("listings", "Create a listing (optionally submit a version)", body: ListingBody.self) { request, context, body in
            let user = try context.requireIdentity().user
            guard let strategy = body.strategyId else { throw APIError.invalid("strategyId", "is required") }
            let draft = try body.draft()
            return Created(body: ListingView(try await store.write { store in
                let listing = try store.createListing(for: StrategyID(strategy), draft, by: user.id)
                guard let version = body.versionId else { return listing }
                return try store.submit(listing.id, version: VersionID(version), by: user.id)
            }))
        }
        market.put("listings/:id", "Update my listing", body: ListingBody.self) { request, context, body in
            let user = try context.requireIdentity().user
            guard body.strategyId == nil, body.versionId == nil else {
                throw APIError.invalid("strategyId", "cannot change; submit a version with POST .../submit")
            }
            let listing = ListingID(try context.id("id", "listing")), draft = try body.draft()
            return ListingView(try await store.write { try $0.updateListing(listing, draft, by: user.id) })
        }
        market.post("listings/:id/submit", "Submit a version for review", body: SubmitBody.self) { request, context, body in
            let user = try context.requireIdentity().user
            let listing = ListingID(try context.id("id", "listing"))
            return ListingView(try await store.write { try $0.submit(listing, version: VersionID(body.versionId), by: user.id) })
        }
        market.post("listings/:id/unpublish", "Unpublish my listing") { _, context in
            let listing = ListingID(try context.id("id", "listing")), user = try context.requireIdentity().user.id
            return ListingView(try await store.write { try $0.unpublish(listing, by: user) })
        }
        market.post("listings/:id/purchase", "Buy (Idempotency-Key header required)") { request, context in
            let user = try context.requireIdentity().user
            guard let key = request.headers[.idempotencyKey], (8...128).contains(key.count) else {
                throw APIError.invalid("Idempotency-Key", "header is required (8 to 128 characters)")
            }
            let listing = ListingID(try context.id("id", "listing"))
            // `created` is decided in the purchase's own transaction: a read
            // before it let concurrent retries all answer 201.
            let outcome = try await store.write { try $0.purchaseOnce(listing, idempotencyKey: key, by: user.id) }
            return Created(status: outcome.created ? .created : .ok, body: PurchaseView(purchase: PurchaseRecordView(outcome.purchase), created: outcome.created))
        }
        market.get("my/listings", "My listings") { _, context in
            let user = try context.requireIdentity().user
            return try await store.read { try $0.listings(of: user.id, by: user.id) }.map(ListingView.init)
        }
        market.get("my/purchases", "My purchases") { _, context in
            let user = try context.requireIdentity().user
            return try await store.read { try $0.purchases(of: user.id, by: user.id) }.map(PurchaseRecordView.init)
        }
        market.get("my/sales", "My sales") { _, context in
            let user = try context.requireIdentity().user
            return try await store.read { try $0.salesReport(of: user.id, by: user.id) }.map(SalesLineView.init)
        }
        ReviewRoutes(gateway: gateway).add(to: market)
        PaperRecordRoutes(gateway: gateway).add(to: market)
    }
}

extension Gateway {
    /// A listing's own page: the summary plus its live version's full
    /// validation backtest and declared parameters.
    func listingPage(_ listing: Listing, by user: UserID) async throws -> ListingView {
        var view = ListingView(listing)
        if let record = try await store.read({ try $0.paperRecord(of: listing.id, by: user) }) {
            view.paperRecord = try await paperRecordView(record)
        }
        guard let version = try await store.read({ try $0.listedVersion(of: listing.id, by: user) }) else { return view }
        view.validation = version.performance.map(ValidationFiguresView.init)
        view.parameters = ParameterView.list(version.schema)
        return view
    }
}

/// `GET /api/marketplace/leaderboard`: approved listings ranked by one
/// figure of their validation backtest, their rating or their buyers.
struct LeaderboardView: Codable, Sendable, ResponseEncodableBody {
    struct Entry: Codable, Sendable {
        var rank: Int
        var listing: ListingView
    }
    /// `total_return`, `sharpe`, `rating` or `buyers`.
    var metric: String
    var entries: [Entry]
}

extension LeaderboardMetric {
    /// `total_return`, `sharpe`, `rating` or `buyers`.
    var apiName: String { self == .totalReturn ? "total_return" : rawValue }
}

extension LeaderboardView: SchemaDescribed {
    static let schemaName = "Leaderboard"
    static var schema: JSONSchema {
        .record(["metric": .oneOfStrings(LeaderboardMetric.allCases.map(\.apiName)),
                 "entries": .array(of: .record(["rank": .integer(minimum: 1), "listing": .ref(ListingView.self)]))])
    }
}
