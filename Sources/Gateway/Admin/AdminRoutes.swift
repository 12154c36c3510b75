import Hummingbird
import Marketplace
import Platform

/// `/api/admin` (admins and superadmins; role changes superadmin only,
/// enforced by the store): moderation, reports, users, deployments, audit.
struct AdminRoutes {
    let gateway: Gateway

    struct SuspendBody: RequestBody {
        static let fields: Set<String> = ["until", "reason"]
        var until: Int64
        var reason: String
    }
    struct RoleBody: RequestBody {
        static let fields: Set<String> = ["role"]
        var role: Role
    }
    struct ResolveBody: RequestBody {
        static let fields: Set<String> = ["resolution"]
        var resolution: String
    }
    struct ReportView: Codable, ResponseEncodableBody {
        var id: Int64
        var reporterId: Int64
        var targetKind: String
        var targetId: Int64
        var reason: String
        var createdAt: Int64
    }
    struct StatsView: Codable, ResponseEncodableBody {
        var runningDeployments: Int
        /// Counted up to 100.
        var pendingListings: Int
        /// Counted up to 100.
        var openReports: Int
        var ledgerImbalance: Int64
    }

    func add(to admin: RouterGroup<GatewayContext>) {
        let store = gateway.store
        admin.get("moderation/queue") { _, context in try store.moderationQueue(by: context.requireIdentity().user.id) }
        for (action, change) in [("approve", Self.approve), ("reject", Self.reject), ("suspend", Self.suspend), ("reinstate", Self.reinstate)] {
            admin.post("listings/:id/\(action)") { request, context in
                let user = try context.requireIdentity().user
                let reason = action == "approve" ? "" : try await request.decodeStrict(ReasonBody.self, context: context).reason
                return try change(store, ListingID(context.id("id", "listing")), reason, user.id)
            }
        }
        for (action, hidden) in [("hide", true), ("restore", false)] {
            admin.post("reviews/:id/\(action)") { request, context in
                let body = try await request.decodeStrict(ReasonBody.self, context: context)
                return try store.setReviewHidden(ReviewID(context.id("id", "review")), hidden, reason: body.reason,
                                                 by: context.requireIdentity().user.id)
            }
        }
        admin.get("reports") { _, context in
            try store.openReports(by: context.requireIdentity().user.id).map(Self.view)
        }
        admin.post("reports/:id/resolve") { request, context in
            let body = try await request.decodeStrict(ResolveBody.self, context: context)
            try store.resolveReport(ReportID(context.id("id", "report")), resolution: body.resolution, by: context.requireIdentity().user.id)
            return Response(status: .noContent)
        }
        admin.get("users") { request, context in
            try store.users(matching: try request.query("q") { $0 }, before: try request.query("before") { Int64($0).map(UserID.init) },
                            limit: try request.limit(default: 50, maximum: 100), by: context.requireIdentity().user.id).map(UserView.init)
        }
        admin.get("deployments") { request, context in
            try gateway.deploymentViews(
                try store.allDeployments(status: try request.query("status") { $0 }, limit: try request.limit(default: 50, maximum: 100),
                                         by: context.requireIdentity().user.id))
        }
        admin.get("users/:id") { _, context in UserView(try store.user(UserID(context.id("id", "user")))) }
        admin.post("users/:id/suspend") { request, context in
            let body = try await request.decodeStrict(SuspendBody.self, context: context)
            let target = UserID(try context.id("id", "user"))
            try store.suspend(target, until: body.until, reason: body.reason, by: context.requireIdentity().user.id)
            gateway.webSockets.closeUser(target, reason: "account suspended")
            return UserView(try store.user(target))
        }
        admin.post("users/:id/ban") { request, context in
            let body = try await request.decodeStrict(ReasonBody.self, context: context)
            let target = UserID(try context.id("id", "user"))
            // The store revokes the sessions in the ban's transaction, then the
            // platform stops the user's deployments in the host.
            try await gateway.platform.ban(target, reason: body.reason, by: context.requireIdentity().user.id)
            gateway.webSockets.closeUser(target, reason: "account banned")
            return UserView(try store.user(target))
        }
        admin.post("users/:id/unban") { request, context in
            let body = try await request.decodeStrict(ReasonBody.self, context: context)
            let target = UserID(try context.id("id", "user"))
            try store.reinstate(target, reason: body.reason, by: context.requireIdentity().user.id)
            return UserView(try store.user(target))
        }
        admin.put("users/:id/role") { request, context in
            let body = try await request.decodeStrict(RoleBody.self, context: context)
            let target = UserID(try context.id("id", "user"))
            try store.setRole(of: target, to: body.role, by: context.requireIdentity().user.id)
            return UserView(try store.user(target))
        }
        admin.post("deployments/:id/force-stop") { request, context in
            let body = try await request.decodeStrict(ReasonBody.self, context: context)
            let user = try context.requireIdentity().user
            let deployment = try store.deployment(DeploymentID(context.id("id", "deployment")), by: user.id)
            return try gateway.deploymentView(try await gateway.platform.stopDeployment(deployment.id, reason: body.reason, by: user.id),
                                              snapshot: nil)
        }
        admin.get("audit") { request, context in
            let limit = try request.limit(default: 50)
            return try store.auditLog(before: try request.query("before") { Int64($0) }, limit: limit, by: context.requireIdentity().user.id)
        }
        admin.get("stats") { _, context in
            let user = try context.requireIdentity().user
            return StatsView(runningDeployments: gateway.host.deploymentCount, pendingListings: try store.moderationQueue(by: user.id, limit: 100).count,
                             openReports: try store.openReports(by: user.id, limit: 100).count, ledgerImbalance: try store.ledgerImbalance())
        }
    }

    typealias ListingChange = @Sendable (MarketplaceStore, ListingID, String, UserID) throws -> Listing
    static let approve: ListingChange = { store, id, _, actor in try store.approve(id, by: actor) }
    static let reject: ListingChange = { store, id, reason, actor in try store.reject(id, reason: reason, by: actor) }
    static let suspend: ListingChange = { store, id, reason, actor in try store.suspend(id, reason: reason, by: actor) }
    static let reinstate: ListingChange = { store, id, reason, actor in try store.reinstate(id, reason: reason, by: actor) }

    static func view(_ report: ModerationReport) -> ReportView {
        let (kind, id): (String, Int64) = switch report.target {
        case .listing(let listing): ("listing", listing.rawValue)
        case .review(let review): ("review", review.rawValue)
        }
        return ReportView(id: report.id.rawValue, reporterId: report.reporterID.rawValue, targetKind: kind, targetId: id,
                          reason: report.reason, createdAt: report.createdAt)
    }
}
