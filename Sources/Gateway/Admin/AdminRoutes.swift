import Hummingbird
import Marketplace
import Platform

/// `/api/admin` (admins and superadmins; role changes superadmin only,
/// enforced by the store): moderation, reports, users, deployments, audit.
struct AdminRoutes {
    let gateway: Gateway

    struct SuspendBody: RequestBody {
        /// When the suspension ends (ISO-8601 UTC).
        var until: Timestamp
        var reason: String
    }
    struct RoleBody: RequestBody {
        var role: Role
    }
    /// `POST /api/admin/users/{id}/wallet/credit`.
    struct CreditBody: RequestBody {
        var amount: String
        var currency: String?
        var reason: String
    }
    struct ResolveBody: RequestBody {
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
        struct Users: Codable { var total, active, suspended, banned: Int }
        struct Sales: Codable { var completed, refunded: Int }
        /// Per currency, decimal strings with its 2 decimals.
        struct Revenue: Codable { var currency, gross, fees, paidOut: String }
        struct Deployments: Codable { var running, halted, faulted, stopped: Int }

        /// Deployments running in this server's host right now.
        var runningDeployments: Int
        /// Counted up to 100.
        var pendingListings: Int
        /// Counted up to 100.
        var openReports: Int
        /// Sum of every ledger entry in minor units as a decimal string: "0.00" when the books balance.
        var ledgerImbalance: String
        var users: Users
        var sales: Sales
        var revenue: [Revenue]
        /// Deployment rows by status.
        var deployments: Deployments
        /// The same as `deployments.faulted`: the figure an admin looks for first.
        var faultedDeployments: Int
    }

    func add(to admin: APIRoutes) {
        let store = gateway.store
        admin.get("moderation/queue", "Listings waiting for review") { _, context in
            let user = try context.requireIdentity().user.id
            return try await store.read { try $0.moderationQueue(by: user) }.map(ListingView.init)
        }
        admin.post("listings/:id/approve", "Approve a listing") { _, context in
            let listing = ListingID(try context.id("id", "listing")), user = try context.requireIdentity().user.id
            return ListingView(try await store.write { try $0.approve(listing, by: user) })
        }
        for (action, summary, change) in [("reject", "Reject with a reason", Self.reject), ("suspend", "Suspend with a reason", Self.suspend),
                                          ("reinstate", "Reinstate with a reason", Self.reinstate)] {
            admin.post("listings/:id/\(action)", summary, body: ReasonBody.self) { _, context, body in
                let listing = ListingID(try context.id("id", "listing")), user = try context.requireIdentity().user.id
                return ListingView(try await store.write { try change($0, listing, body.reason, user) })
            }
        }
        for (action, summary, hidden) in [("hide", "Hide a review", true), ("restore", "Restore a review", false)] {
            admin.post("reviews/:id/\(action)", summary, body: ReasonBody.self) { _, context, body in
                let review = ReviewID(try context.id("id", "review")), user = try context.requireIdentity().user.id
                return ReviewView(try await store.write { try $0.setReviewHidden(review, hidden, reason: body.reason, by: user) })
            }
        }
        admin.get("reports", "Open reports") { _, context in
            let user = try context.requireIdentity().user.id
            return try await store.read { try $0.openReports(by: user) }.map(Self.view)
        }
        admin.post("reports/:id/resolve", "Resolve a report", body: ResolveBody.self) { request, context, body in
            let report = ReportID(try context.id("id", "report")), user = try context.requireIdentity().user.id
            try await store.write { try $0.resolveReport(report, resolution: body.resolution, by: user) }
            return NoContent()
        }
        admin.get("users", "Users (?q= search, ?before= id, ?limit=)") { request, context in
            let query = try request.query("q") { $0 }, before = try request.query("before") { Int64($0).map(UserID.init) }
            let limit = try request.limit(default: 50, maximum: 100), user = try context.requireIdentity().user.id
            return try await store.read { try $0.users(matching: query, before: before, limit: limit, by: user) }.map(UserView.init)
        }
        admin.get("deployments", "Every user's deployments (?status=, ?limit=)") { request, context in
            let status = try request.query("status") { $0 }, limit = try request.limit(default: 50, maximum: 100)
            let user = try context.requireIdentity().user.id
            return try await gateway.deploymentViews(try await store.read { try $0.allDeployments(status: status, limit: limit, by: user) })
        }
        admin.post("users/:id/wallet/credit",
                   "Credit a user's wallet (test servers, goodwill): a decimal amount and a reason; audited as wallet.credit",
                   body: CreditBody.self) { request, context, body in
            let target = UserID(try context.id("id", "user")), actor = try context.requireIdentity().user.id
            guard body.amount.utf8.count <= 20, APIUnits.isDecimal(body.amount), let minor = APIUnits.parseWalletMoney(body.amount), minor > 0 else {
                throw APIError.invalid("amount", "must be a decimal string above 0 with at most 2 decimals, e.g. \"50.00\"")
            }
            let currency = body.currency ?? APIUnits.currency
            let balance = try await store.write { try $0.creditWallet(of: target, amount: minor, currency: currency, reason: body.reason, by: actor) }
            return WalletRoutes.BalanceView(currency: currency, balance: APIUnits.walletMoney(balance))
        }
        /// The path's user, 404 when there is none (a wallet read would otherwise answer zero).
        @Sendable func existingUser(_ context: GatewayContext) async throws -> UserID {
            let target = UserID(try context.id("id", "user"))
            _ = try await store.read { try $0.user(target) }
            return target
        }
        admin.get("users/:id/wallet", "A user's wallet balance (?currency=USD)") { request, context in
            try await WalletRoutes.balance(of: try await existingUser(context), request, by: try context.requireIdentity().user.id, store: store)
        }
        admin.get("users/:id/wallet/ledger", "A user's ledger entries, newest first (?limit=1..500, ?cursor=)") { request, context in
            try await WalletRoutes.ledger(of: try await existingUser(context), request, by: try context.requireIdentity().user.id, store: store)
        }
        admin.get("users/:id/purchases", "A user's purchases, newest first (refund one by its id)") { _, context in
            let target = try await existingUser(context), actor = try context.requireIdentity().user.id
            return try await store.read { try $0.purchases(of: target, by: actor) }.map(PurchaseRecordView.init)
        }
        admin.post("purchases/:id/refund",
                   "Refund a purchase: the buyer is paid back from the author's share and the platform fee, loses access, and their deployments of the listing stop; audited as purchase.refund",
                   body: ReasonBody.self) { _, context, body in
            let purchase = PurchaseID(try context.id("id", "purchase")), actor = try context.requireIdentity().user.id
            return PurchaseRecordView(try await gateway.platform.refund(purchase, reason: body.reason, by: actor))
        }
        admin.get("users/:id", "A user") { _, context in
            let target = UserID(try context.id("id", "user"))
            return UserView(try await store.read { try $0.user(target) })
        }
        admin.post("users/:id/suspend", "Suspend a user", body: SuspendBody.self) { request, context, body in
            let target = UserID(try context.id("id", "user"))
            let actor = try context.requireIdentity().user.id
            try await store.write { try $0.suspend(target, until: body.until.seconds, reason: body.reason, by: actor) }
            gateway.webSockets.closeUser(target, reason: "account suspended")
            return UserView(try await store.read { try $0.user(target) })
        }
        admin.post("users/:id/ban", "Ban a user (revokes their sessions)", body: ReasonBody.self) { request, context, body in
            let target = UserID(try context.id("id", "user"))
            // The store revokes the sessions in the ban's transaction, then the
            // platform stops the user's deployments in the host.
            try await gateway.platform.ban(target, reason: body.reason, by: context.requireIdentity().user.id)
            gateway.webSockets.closeUser(target, reason: "account banned")
            return UserView(try await store.read { try $0.user(target) })
        }
        admin.post("users/:id/unban", "Lift a suspension or ban", body: ReasonBody.self) { request, context, body in
            let target = UserID(try context.id("id", "user"))
            let actor = try context.requireIdentity().user.id
            return UserView(try await store.write { store in
                try store.reinstate(target, reason: body.reason, by: actor)
                return try store.user(target)
            })
        }
        admin.put("users/:id/role", "Change role (superadmin only)", body: RoleBody.self) { request, context, body in
            let target = UserID(try context.id("id", "user"))
            let actor = try context.requireIdentity().user.id
            return UserView(try await store.write { store in
                try store.setRole(of: target, to: body.role, by: actor)
                return try store.user(target)
            })
        }
        admin.post("deployments/:id/force-stop", "Force-stop any deployment", body: ReasonBody.self) { request, context, body in
            let user = try context.requireIdentity().user
            let id = DeploymentID(try context.id("id", "deployment"))
            let deployment = try await store.read { try $0.deployment(id, by: user.id) }
            return try await gateway.deploymentView(try await gateway.platform.stopDeployment(deployment.id, reason: body.reason, by: user.id))
        }
        admin.get("audit", "Audit log, newest first, with actor names (?limit=1..500, ?cursor=)") { request, context in
            let page = try PageRequest(request, kind: "audit", defaultLimit: 50), user = try context.requireIdentity().user.id
            let entries = try await store.read { try $0.auditLog(before: page.before, limit: page.limit + 1, by: user) }
            let (rows, next) = page.page(entries, kind: "audit") { $0.id }
            return PageView(items: rows.map(AuditEntryView.init), nextCursor: next)
        }
        admin.get("stats", "Platform figures") { _, context in
            let user = try context.requireIdentity().user
            let (pending, reports, imbalance, stats) = try await store.read { store in
                (try store.moderationQueue(by: user.id, limit: 100).count, try store.openReports(by: user.id, limit: 100).count,
                 try store.ledgerImbalance(), try store.platformStats(by: user.id))
            }
            let byStatus = stats.deployments
            return StatsView(runningDeployments: gateway.host.deploymentCount, pendingListings: pending, openReports: reports,
                             ledgerImbalance: APIUnits.walletMoney(imbalance),
                             users: .init(total: stats.users, active: stats.activeUsers, suspended: stats.suspendedUsers, banned: stats.bannedUsers),
                             sales: .init(completed: stats.completedSales, refunded: stats.refundedSales),
                             revenue: stats.revenue.map {
                                 .init(currency: $0.currency, gross: APIUnits.walletMoney($0.gross), fees: APIUnits.walletMoney($0.fees),
                                       paidOut: APIUnits.walletMoney($0.paidOut))
                             },
                             deployments: .init(running: byStatus["running"] ?? 0, halted: byStatus["halted"] ?? 0,
                                                faulted: byStatus["faulted"] ?? 0, stopped: byStatus["stopped"] ?? 0),
                             faultedDeployments: byStatus["faulted"] ?? 0)
        }
    }

    typealias ListingChange = @Sendable (MarketplaceStore, ListingID, String, UserID) throws -> Listing
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
