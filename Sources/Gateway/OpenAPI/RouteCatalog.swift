/// Every HTTP route, once: the OpenAPI document and the `/docs` page are
/// generated from this table, and `RouteCatalogTests` checks it against
/// the route registrations in `Sources/Gateway` and the running server.
enum RouteCatalog {
    enum Access: String { case anyone, user, admin, signature }

    struct Operation {
        var method: String
        /// OpenAPI form: `/api/strategies/{id}`.
        var path: String
        var tag: String
        var summary: String
        var access: Access
        var body: [String]?
        var success: Int
    }

    private static func op(_ method: String, _ path: String, _ tag: String, _ summary: String, _ access: Access = .user,
                           body: (any RequestBody.Type)? = nil, success: Int = 200) -> Operation {
        Operation(method: method, path: path, tag: tag, summary: summary, access: access, body: body.map { $0.fields.sorted() }, success: success)
    }

    static let operations: [Operation] = [
        op("get", "/api/health", "health", "The process answers", .anyone),
        op("get", "/api/health/ready", "health", "The database reads (503 when not)", .anyone),
        op("get", "/api/version", "health", "Version, schema version and host mode", .anyone),
        op("get", "/api/openapi.json", "health", "This document", .anyone),
        op("post", "/api/auth/register", "auth", "Create an account (password rules in docs/api.md)", .anyone, body: RegisterBody.self, success: 201),
        op("post", "/api/auth/login", "auth", "Sign in: tokens in the body and httpOnly cookies", .anyone, body: LoginBody.self),
        op("post", "/api/auth/refresh", "auth", "Rotate the refresh token (body or cookie)", .anyone, body: RefreshBody.self),
        op("post", "/api/auth/logout", "auth", "Revoke the session", success: 204),
        op("get", "/api/auth/me", "auth", "The signed-in user"),
        op("post", "/api/auth/2fa/enable", "auth", "Start TOTP enrolment: secret and otpauth URI"),
        op("post", "/api/auth/2fa/confirm", "auth", "Confirm with a code; returns ten recovery codes once", body: CodeBody.self),
        op("post", "/api/auth/2fa/verify", "auth", "Check a code", body: CodeBody.self, success: 204),
        op("post", "/api/auth/2fa/disable", "auth", "Turn 2FA off (needs a code)", body: CodeBody.self, success: 204),
        op("post", "/api/strategies", "strategies", "Create a strategy", body: CreateStrategyBody.self, success: 201),
        op("get", "/api/strategies", "strategies", "My strategies"),
        op("get", "/api/strategies/{id}", "strategies", "One of my strategies"),
        op("post", "/api/strategies/{id}/versions", "strategies", "Upload a version (validated in the sandbox; 422 with reasons)",
           body: UploadVersionBody.self, success: 201),
        op("get", "/api/strategies/{id}/versions", "strategies", "Versions of my strategy"),
        op("get", "/api/strategies/{id}/versions/{version}/source", "strategies", "A version's source"),
        op("post", "/api/strategies/{id}/backtest", "backtests", "Start a backtest job", body: BacktestBody.self, success: 202),
        op("get", "/api/backtests", "backtests", "My backtest jobs"),
        op("get", "/api/backtests/{id}", "backtests", "A job: progress, then metrics, trades and equity curve"),
        op("post", "/api/deployments", "deployments", "Deploy a version, purchased listing or template", body: CreateDeploymentBody.self, success: 201),
        op("get", "/api/deployments", "deployments", "My deployments"),
        op("get", "/api/deployments/{id}", "deployments", "A deployment with its live account"),
        op("put", "/api/deployments/{id}", "deployments", "Change parameters or risk limits (stopped only)", body: UpdateDeploymentBody.self),
        op("delete", "/api/deployments/{id}", "deployments", "Delete with its journal (stopped or faulted only)", success: 204),
        op("post", "/api/deployments/{id}/start", "deployments", "Start"),
        op("post", "/api/deployments/{id}/stop", "deployments", "Stop"),
        op("get", "/api/deployments/{id}/orders", "deployments", "Orders (journal)"),
        op("get", "/api/deployments/{id}/fills", "deployments", "Fills (journal)"),
        op("get", "/api/deployments/{id}/positions", "deployments", "Open positions"),
        op("get", "/api/deployments/{id}/performance", "deployments", "Equity, cash, P&L, fees"),
        op("get", "/api/deployments/{id}/logs", "deployments", "Recent strategy log lines"),
        op("post", "/api/templates/{id}/deploy", "templates", "Deploy a template", body: CreateDeploymentBody.self, success: 201),
        op("get", "/api/market/instruments", "market", "Instruments of the feed"),
        op("get", "/api/market/{symbol}/price", "market", "Last price"),
        op("get", "/api/market/{symbol}/candles", "market", "Recent candles (?limit=1..200)"),
        op("get", "/api/market/{symbol}/book", "market", "Order book snapshot"),
        op("post", "/api/risk/emergency-stop", "risk", "Engage the kill switch (own; admins: global)", body: RiskRoutes.EmergencyStopBody.self),
        op("delete", "/api/risk/emergency-stop", "risk", "Release the kill switch (?scope=own|global)"),
        op("get", "/api/risk/limits", "risk", "My risk limits over all my deployments"),
        op("put", "/api/risk/limits", "risk", "Set them (apply to deployments started afterwards)", body: RiskRoutes.LimitsBody.self),
        op("get", "/api/risk/status", "risk", "Kill switches and running deployments"),
        op("get", "/api/marketplace/listings", "marketplace", "Search (q, category, tag, minPrice, maxPrice, minRating, author, sort, limit, cursor)"),
        op("post", "/api/marketplace/listings", "marketplace", "Create a listing (optionally submit a version)", body: ListingBody.self, success: 201),
        op("get", "/api/marketplace/listings/{id}", "marketplace", "Listing details"),
        op("put", "/api/marketplace/listings/{id}", "marketplace", "Update my listing", body: ListingBody.self),
        op("get", "/api/marketplace/listings/{id}/source", "marketplace", "Source (author and admins only)"),
        op("post", "/api/marketplace/listings/{id}/submit", "marketplace", "Submit a version for review", body: SubmitBody.self),
        op("post", "/api/marketplace/listings/{id}/unpublish", "marketplace", "Unpublish my listing"),
        op("post", "/api/marketplace/listings/{id}/purchase", "marketplace", "Buy (Idempotency-Key header required)", success: 201),
        op("get", "/api/marketplace/listings/{id}/reviews", "marketplace", "Reviews"),
        op("post", "/api/marketplace/listings/{id}/reviews", "marketplace", "Review a listing", body: ReviewBody.self, success: 201),
        op("put", "/api/marketplace/reviews/{id}", "marketplace", "Edit my review", body: ReviewBody.self),
        op("post", "/api/marketplace/listings/{id}/favorite", "marketplace", "Favorite", success: 204),
        op("delete", "/api/marketplace/listings/{id}/favorite", "marketplace", "Unfavorite", success: 204),
        op("get", "/api/marketplace/favorites", "marketplace", "My favorites"),
        op("post", "/api/marketplace/listings/{id}/report", "marketplace", "Report a listing", body: ReasonBody.self, success: 201),
        op("post", "/api/marketplace/reviews/{id}/report", "marketplace", "Report a review", body: ReasonBody.self, success: 201),
        op("get", "/api/marketplace/my/listings", "marketplace", "My listings"),
        op("get", "/api/marketplace/my/purchases", "marketplace", "My purchases"),
        op("get", "/api/marketplace/my/sales", "marketplace", "My sales"),
        op("get", "/api/templates", "templates", "Templates (?q, ?category)"),
        op("get", "/api/templates/categories", "templates", "Categories"),
        op("get", "/api/templates/{id}", "templates", "A template"),
        op("post", "/api/templates/{id}/favorite", "templates", "Favorite a template", success: 204),
        op("delete", "/api/templates/{id}/favorite", "templates", "Unfavorite a template", success: 204),
        op("get", "/api/wallet", "wallet", "Balance (?currency=USD), minor units"),
        op("get", "/api/wallet/ledger", "wallet", "Ledger entries"),
        op("post", "/api/webhooks/payments", "wallet", "Payment provider webhook (Lunar-Signature HMAC)", .signature),
        op("get", "/api/admin/moderation/queue", "admin", "Listings waiting for review", .admin),
        op("post", "/api/admin/listings/{id}/approve", "admin", "Approve a listing", .admin),
        op("post", "/api/admin/listings/{id}/reject", "admin", "Reject with a reason", .admin, body: ReasonBody.self),
        op("post", "/api/admin/listings/{id}/suspend", "admin", "Suspend with a reason", .admin, body: ReasonBody.self),
        op("post", "/api/admin/listings/{id}/reinstate", "admin", "Reinstate with a reason", .admin, body: ReasonBody.self),
        op("post", "/api/admin/reviews/{id}/hide", "admin", "Hide a review", .admin, body: ReasonBody.self),
        op("post", "/api/admin/reviews/{id}/restore", "admin", "Restore a review", .admin, body: ReasonBody.self),
        op("get", "/api/admin/reports", "admin", "Open reports", .admin),
        op("post", "/api/admin/reports/{id}/resolve", "admin", "Resolve a report", .admin, body: AdminRoutes.ResolveBody.self, success: 204),
        op("get", "/api/admin/users", "admin", "Users (?q= search, ?before= id, ?limit=)", .admin),
        op("get", "/api/admin/users/{id}", "admin", "A user", .admin),
        op("get", "/api/admin/deployments", "admin", "Every user's deployments (?status=, ?limit=)", .admin),
        op("post", "/api/admin/users/{id}/suspend", "admin", "Suspend a user", .admin, body: AdminRoutes.SuspendBody.self),
        op("post", "/api/admin/users/{id}/ban", "admin", "Ban a user (revokes their sessions)", .admin, body: ReasonBody.self),
        op("post", "/api/admin/users/{id}/unban", "admin", "Lift a suspension or ban", .admin, body: ReasonBody.self),
        op("put", "/api/admin/users/{id}/role", "admin", "Change role (superadmin only)", .admin, body: AdminRoutes.RoleBody.self),
        op("post", "/api/admin/deployments/{id}/force-stop", "admin", "Force-stop any deployment", .admin, body: ReasonBody.self),
        op("post", "/api/admin/templates", "admin", "Create or replace a template", .admin, body: TemplateRoutes.TemplateBody.self, success: 201),
        op("get", "/api/admin/audit", "admin", "Audit log", .admin),
        op("get", "/api/admin/stats", "admin", "Platform figures", .admin),
    ]
}
