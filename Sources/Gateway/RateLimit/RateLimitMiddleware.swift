import HTTPTypes
import Hummingbird

/// Applies a `RateLimiter` and reports it in `RateLimit-Limit`,
/// `RateLimit-Remaining` and `RateLimit-Reset` on every response of the
/// tier, errors included; a refused request gets 429 with `Retry-After`.
struct RateLimitMiddleware: RouterMiddleware {
    enum Key: Sendable {
        /// Per client address: the auth endpoints (nobody is signed in yet),
        /// and the public routes under the anonymous limiter.
        case clientAddress
        /// Per signed-in user: the API. A request without one counts per
        /// client address in `anonymous`, a tier of its own, so anonymous
        /// traffic from a shared address never spends a user's budget.
        case user(anonymous: RateLimiter)
    }

    let limiter: RateLimiter
    let key: Key
    let clock: @Sendable () -> Int64

    func handle(_ request: Request, context: GatewayContext,
                next: (Request, GatewayContext) async throws -> Response) async throws -> Response {
        let (tier, subject): (RateLimiter, String) = switch key {
        case .clientAddress: (limiter, "ip:\(context.clientAddress)")
        case .user(let anonymous): context.identity.map { (limiter, "user:\($0.user.id)") } ?? (anonymous, "ip:\(context.clientAddress)")
        }
        let decision = tier.take(subject, now: clock())
        var response: Response
        if decision.allowed {
            do { response = try await next(request, context) } catch { response = ErrorResponse.make(for: error, context: context) }
        } else {
            response = ErrorResponse.make(APIError(
                status: 429, code: "rate_limited",
                message: "more than \(decision.limit) requests in \(tier.windowSeconds) s; retry in \(decision.reset) s",
                retryAfter: decision.reset), requestID: context.requestID)
        }
        response.headers[.rateLimitLimit] = String(decision.limit)
        response.headers[.rateLimitRemaining] = String(decision.remaining)
        response.headers[.rateLimitReset] = String(decision.reset)
        return response
    }
}
