import Hummingbird
import Marketplace
import Platform

/// `/api/admin` (admins and superadmins; role changes superadmin only,
/// enforced by the store): moderation, reports, users, deployments, audit.
struct AdminRoutes {
    let gateway: Gateway

    struct SuspendBody: RequestBody {
        static let fields: Set<String> = ["until", "reason"]
        /// When the suspension ends (ISO-8601 UTC).
        var until: Timestamp
        var reason: String
    }
    struct RoleBody: RequestBody {
        static let fields: Set<String> = ["role"]
        var role: Role
    }
    /// `POST /api/admin/users/{id}/wallet/credit`.
    struct CreditBody: RequestBody {
        var amount: String
        var currency: String?
        var reason: String
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
        var createdAt: Timestamp
    }
    struct StatsView: Codable, ResponseEncodableBody {
        var runningDeployments: Int
        /// Counted up to 100.
        var pendingListings: Int
        /// Counted up to 100.
        var openReports: Int
        /// Sum of every ledger entry in minor units as a decimal string: "0.00" when the books balance.
        var ledgerImbalance: String
    }

    func add(to admin: RouterGroup<GatewayContext>) {
        let store = gateway.store
        admin.get("moderation/queue") { _, context in
            let user = try context.requireIdentity().user.id
            return try await store.read { try $0.moderationQueue(by: user) }.map(ListingView.init)
        }
        for (action, change) in [("approve", Self.approve), ("reject", Self.reject), ("suspend", Self.suspend), ("reinstate", Self.reinstate)] {
            admin.post("listings/:id/\(action)") { request, context in
                let user = try context.requireIdentity().user
                let reason = action == "approve" ? "" : try await request.decodeStrict(ReasonBody.self, context: context).reason
                let listing = ListingID(try context.id("id", "listing"))
                return ListingView(try await store.write { try change($0, listing, reason, user.id) })
            }
        }
        for (action, hidden) in [("hide", true), ("restore", false)] {
            admin.post("reviews/:id/\(action)") { request, context in
                let body = try await request.decodeStrict(ReasonBody.self, context: context)
                let review = ReviewID(try context.id("id", "review")), user = try context.requireIdentity().user.id
                return ReviewView(try await store.write { try $0.setReviewHidden(review, hidden, reason: body.reason, by: user) })
            }
        }
        admin.get("reports") { _, context in
            let user = try context.requireIdentity().user.id
            return try await store.read { try $0.openReports(by: user) }.map(Self.view)
        }
        admin.post("reports/:id/resolve") { request, context in
            let body = try await request.decodeStrict(ResolveBody.self, context: context)
            let report = ReportID(try context.id("id", "report")), user = try context.requireIdentity().user.id
            try await store.write { try $0.resolveReport(report, resolution: body.resolution, by: user) }
            return Response(status: .noContent)
        }
        admin.get("users") { request, context in
            let query = try request.query("q") { $0 }, before = try request.query("before") { Int64($0).map(UserID.init) }
            let limit = try request.limit(default: 50, maximum: 100), user = try context.requireIdentity().user.id
            return try await store.read { try $0.users(matching: query, before: before, limit: limit, by: user) }.map(UserView.init)
        }
        admin.get("deployments") { request, context in
            let status = try request.query("status") { $0 }, limit = try request.limit(default: 50, maximum: 100)
            let user = try context.requireIdentity().user.id
            return try await gateway.deploymentViews(try await store.read { try $0.allDeployments(status: status, limit: limit, by: user) })
        }
        admin.post("users/:id/wallet/credit") { request, context in
            let body = try await request.decodeStrict(CreditBody.self, context: context)
            let target = UserID(try context.id("id", "user")), actor = try context.requireIdentity().user.id
            guard body.amount.utf8.count <= 20, APIUnits.isDecimal(body.amount), let minor = APIUnits.parseWalletMoney(body.amount), minor > 0 else {
                throw APIError.invalid("amount", "must be a decimal string above 0 with at most 2 decimals, e.g. \"50.00\"")
            }
            let currency = body.currency ?? APIUnits.currency
            let balance = try await store.write { try $0.creditWallet(of: target, amount: minor, currency: currency, reason: body.reason, by: actor) }
            return WalletRoutes.BalanceView(currency: currency, balance: APIUnits.walletMoney(balance))
        }
        admin.get("users/:id") { _, context in
            let target = UserID(try context.id("id", "user"))
            return UserView(try await store.read { try $0.user(target) })
        }
        admin.post("users/:id/suspend") { request, context in
            let body = try await request.decodeStrict(SuspendBody.self, context: context)
            let target = UserID(try context.id("id", "user"))
            let actor = try context.requireIdentity().user.id
            try await store.write { try $0.suspend(target, until: body.until.seconds, reason: body.reason, by: actor) }
            gateway.webSockets.closeUser(target, reason: "account suspended")
            return UserView(try await store.read { try $0.user(target) })
        }
        admin.post("users/:id/ban") { request, context in
            let body = try await request.decodeStrict(ReasonBody.self, context: context)
            let target = UserID(try context.id("id", "user"))
            // The store revokes the sessions in the ban's transaction, then the
            // platform stops the user's deployments in the host.
            try await gateway.platform.ban(target, reason: body.reason, by: context.requireIdentity().user.id)
            gateway.webSockets.closeUser(target, reason: "account banned")
            return UserView(try await store.read { try $0.user(target) })
        }
        admin.post("users/:id/unban") { request, context in
            let body = try await request.decodeStrict(ReasonBody.self, context: context)
            let target = UserID(try context.id("id", "user"))
            let actor = try context.requireIdentity().user.id
            return UserView(try await store.write { store in
                try store.reinstate(target, reason: body.reason, by: actor)
                return try store.user(target)
            })
        }
        admin.put("users/:id/role") { request, context in
            let body = try await request.decodeStrict(RoleBody.self, context: context)
            let target = UserID(try context.id("id", "user"))
            let actor = try context.requireIdentity().user.id
            return UserView(try await store.write { store in
                try store.setRole(of: target, to: body.role, by: actor)
                return try store.user(target)
            })
        }
        admin.post("deployments/:id/force-stop") { request, context in
            let body = try await request.decodeStrict(ReasonBody.self, context: context)
            let user = try context.requireIdentity().user
            let id = DeploymentID(try context.id("id", "deployment"))
            let deployment = try await store.read { try $0.deployment(id, by: user.id) }
            return try await gateway.deploymentView(try await gateway.platform.stopDeployment(deployment.id, reason: body.reason, by: user.id))
        }
        admin.get("audit") { request, context in
            let page = try PageRequest(request, kind: "audit", defaultLimit: 50), user = try context.requireIdentity().user.id
            let entries = try await store.read { try $0.auditLog(before: page.before, limit: page.limit + 1, by: user) }
            let (rows, next) = page.page(entries, kind: "audit") { $0.id }
            return PageView(name: "entries", items: rows.map(AuditEntryView.init), nextCursor: next)
        }
        admin.get("stats") { _, context in
            let user = try context.requireIdentity().user
            let (pending, reports, imbalance) = try await store.read { store in
                (try store.moderationQueue(by: user.id, limit: 100).count, try store.openReports(by: user.id, limit: 100).count,
                 try store.ledgerImbalance())
            }
            return StatsView(runningDeployments: gateway.host.deploymentCount, pendingListings: pending, openReports: reports,
                             ledgerImbalance: APIUnits.walletMoney(imbalance))
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
                          reason: report.reason, createdAt: Timestamp(report.createdAt))
    }
}
