import Hummingbird
import Marketplace

/// Lifts `refusesBlockingStoreCalls` for the routes of one group: the
/// backtest routes (`Backtests/`, owned by another change) still call the
/// store synchronously. Remove it once they await `store.read`.
struct AllowsBlockingStoreCalls: RouterMiddleware {
    func handle(_ request: Request, context: GatewayContext,
                next: (Request, GatewayContext) async throws -> Response) async throws -> Response {
        try await MarketplaceStore.$refusesBlockingCalls.withValue(false) { try await next(request, context) }
    }
}
