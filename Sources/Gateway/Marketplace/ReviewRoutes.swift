import Hummingbird
import Marketplace

/// Reviews, favorites and reports under `/api/marketplace`.
struct ReviewRoutes {
    let gateway: Gateway

    func add(to market: RouterGroup<GatewayContext>) {
        let store = gateway.store
        market.get("listings/:id/reviews") { request, context in
            let limit = try request.limit(default: 20, maximum: 100)
            return try store.reviews(of: ListingID(context.id("id", "listing")), by: context.requireIdentity().user.id, limit: limit,
                                     before: try request.query("before") { Int64($0).map(ReviewID.init) })
        }
        market.post("listings/:id/reviews") { request, context in
            let user = try context.requireIdentity().user
            let body = try await request.decodeStrict(ReviewBody.self, context: context)
            return Created(body: try store.writeReview(of: ListingID(context.id("id", "listing")), body.draft, by: user.id))
        }
        market.put("reviews/:id") { request, context in
            let user = try context.requireIdentity().user
            let body = try await request.decodeStrict(ReviewBody.self, context: context)
            return try store.editReview(ReviewID(context.id("id", "review")), body.draft, by: user.id)
        }
        market.post("listings/:id/favorite") { _, context in
            try store.addFavorite(.listing(ListingID(context.id("id", "listing"))), by: context.requireIdentity().user.id)
            return Response(status: .noContent)
        }
        market.delete("listings/:id/favorite") { _, context in
            try store.removeFavorite(.listing(ListingID(context.id("id", "listing"))), by: context.requireIdentity().user.id)
            return Response(status: .noContent)
        }
        market.get("favorites") { _, context in
            try store.favorites(by: context.requireIdentity().user.id).map(FavoriteView.init)
        }
        market.post("listings/:id/report") { request, context in
            let user = try context.requireIdentity().user
            let body = try await request.decodeStrict(ReasonBody.self, context: context)
            let id = try store.report(.listing(ListingID(context.id("id", "listing"))), reason: body.reason, by: user.id)
            return Created(body: ReportCreated(id: id.rawValue))
        }
        market.post("reviews/:id/report") { request, context in
            let user = try context.requireIdentity().user
            let body = try await request.decodeStrict(ReasonBody.self, context: context)
            let id = try store.report(.review(ReviewID(context.id("id", "review"))), reason: body.reason, by: user.id)
            return Created(body: ReportCreated(id: id.rawValue))
        }
    }
}

struct ReportCreated: Codable, ResponseEncodableBody { var id: Int64 }

struct FavoriteView: Codable, ResponseEncodableBody {
    var kind: String
    var id: String
    init(_ target: FavoriteTarget) {
        switch target {
        case .listing(let listing): (kind, id) = ("listing", listing.description)
        case .template(let template): (kind, id) = ("template", template)
        }
    }
}
