import Hummingbird
import Marketplace

/// Reviews, favorites and reports under `/api/marketplace`.
struct ReviewRoutes {
    let gateway: Gateway

    func add(to market: APIRoutes) {
        let store = gateway.store
        market.get("listings/:id/reviews", "Reviews") { request, context in
            let limit = try request.limit(default: 20, maximum: 100)
            let listing = ListingID(try context.id("id", "listing")), user = try context.requireIdentity().user.id
            let before = try request.query("before") { Int64($0).map(ReviewID.init) }
            return try await store.read { try $0.reviews(of: listing, by: user, limit: limit, before: before) }.map(ReviewView.init)
        }
        market.post("listings/:id/reviews", "Review a listing", body: ReviewBody.self) { request, context, body in
            let user = try context.requireIdentity().user
            let listing = ListingID(try context.id("id", "listing"))
            return Created(body: ReviewView(try await store.write { try $0.writeReview(of: listing, body.draft, by: user.id) }))
        }
        market.put("reviews/:id", "Edit my review", body: ReviewBody.self) { request, context, body in
            let user = try context.requireIdentity().user
            let review = ReviewID(try context.id("id", "review"))
            return ReviewView(try await store.write { try $0.editReview(review, body.draft, by: user.id) })
        }
        market.post("listings/:id/favorite", "Favorite") { _, context in
            let target = FavoriteTarget.listing(ListingID(try context.id("id", "listing"))), user = try context.requireIdentity().user.id
            try await store.write { try $0.addFavorite(target, by: user) }
            return NoContent()
        }
        market.delete("listings/:id/favorite", "Unfavorite") { _, context in
            let target = FavoriteTarget.listing(ListingID(try context.id("id", "listing"))), user = try context.requireIdentity().user.id
            try await store.write { try $0.removeFavorite(target, by: user) }
            return NoContent()
        }
        market.get("favorites", "My favorites") { _, context in
            let user = try context.requireIdentity().user.id
            return try await store.read { try $0.favorites(by: user) }.map(FavoriteView.init)
        }
        market.post("listings/:id/report", "Report a listing", body: ReasonBody.self) { request, context, body in
            let user = try context.requireIdentity().user
            let target = ReportTarget.listing(ListingID(try context.id("id", "listing")))
            let id = try await store.write { try $0.report(target, reason: body.reason, by: user.id) }
            return Created(body: ReportCreated(id: id.rawValue))
        }
        market.post("reviews/:id/report", "Report a review", body: ReasonBody.self) { request, context, body in
            let user = try context.requireIdentity().user
            let target = ReportTarget.review(ReviewID(try context.id("id", "review")))
            let id = try await store.write { try $0.report(target, reason: body.reason, by: user.id) }
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
