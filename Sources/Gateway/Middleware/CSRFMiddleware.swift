import HTTPTypes
import Hummingbird

/// Cross-site request forgery defence for cookie authentication: a write
/// (any method but GET, HEAD and OPTIONS) that carries a token cookie and no
/// `Authorization: Bearer` header must name an allowed origin in `Origin`,
/// or in `Referer` when `Origin` is absent; otherwise 403 `csrf_rejected`.
/// Browsers send `Origin` on every cross-origin and same-origin POST, PUT,
/// PATCH and DELETE, so the web console needs nothing extra; the cookies are
/// also `SameSite=Strict` (`AuthCookies`), which keeps them off cross-site
/// requests in browsers that honour it. A bearer token cannot be attached by
/// another site, so bearer-authenticated requests are not checked.
struct CSRFMiddleware: RouterMiddleware {
    static let safeMethods: Set<HTTPRequest.Method> = [.get, .head, .options]
    let origins: AllowedOrigins

    func handle(_ request: Request, context: GatewayContext,
                next: (Request, GatewayContext) async throws -> Response) async throws -> Response {
        guard !Self.safeMethods.contains(request.method), Self.isCookieAuthenticated(request) else {
            return try await next(request, context)
        }
        let claimed = request.headers[.origin] ?? request.headers[.referer]
        guard let claimed, origins.allows(claimed) else {
            let shown = claimed.map { "'\($0.prefix(100))'" } ?? "none"
            throw APIError(status: 403, code: "csrf_rejected",
                           message: "a write authenticated by cookie must come from an allowed origin (Origin or Referer); got \(shown)")
        }
        return try await next(request, context)
    }

    /// A token cookie is present and no bearer token overrides it.
    static func isCookieAuthenticated(_ request: Request) -> Bool {
        guard AuthenticationMiddleware.bearerToken(in: request) == nil else { return false }
        return request.cookies[AuthCookies.access] != nil || request.cookies[AuthCookies.refresh] != nil
    }
}
