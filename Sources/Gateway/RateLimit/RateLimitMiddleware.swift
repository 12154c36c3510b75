import HTTPTypes
import Hummingbird

/// Applies a `RateLimiter` and reports it in `RateLimit-Limit`,
/// `RateLimit-Remaining` and `RateLimit-Reset` on every response of the
/// tier, errors included; a refused request gets 429 with `Retry-After`.
struct RateLimitMiddleware: RouterMiddleware {
    enum Key: Sendable {
        /// Per client address: the auth endpoints (nobody is signed in yet).
        case clientAddress
        /// Per signed-in user (client address when anonymous): the API.
        case user
    }

    let limiter: RateLimiter
    let key: Key
    let clock: @Sendable () -> Int64

    func handle(_ request: Request, context: GatewayContext,
                next: (Request, GatewayContext) async throws -> Response) async throws -> Response {
        let subject = switch key {
        case .clientAddress: "ip:\(context.clientAddress)"
        case .user: context.identity.map { "user:\($0.user.id)" } ?? "ip:\(context.clientAddress)"
        }
        let decision = limiter.take(subject, now: clock())
        var response: Response
        if decision.allowed {
            do { response = try await next(request, context) } catch { response = ErrorResponse.make(for: error, context: context) }
        } else {
            response = ErrorResponse.make(APIError(
                status: 429, code: "rate_limited",
                message: "more than \(decision.limit) requests in \(limiter.windowSeconds) s; retry in \(decision.reset) s",
                retryAfter: decision.reset), requestID: context.requestID)
        }
        response.headers[.rateLimitLimit] = String(decision.limit)
        response.headers[.rateLimitRemaining] = String(decision.remaining)
        response.headers[.rateLimitReset] = String(decision.reset)
        return response
    }
}
