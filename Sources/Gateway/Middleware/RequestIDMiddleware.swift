import Foundation
import HTTPTypes
import Hummingbird
import Marketplace

/// The outermost middleware: gives every request an id (a client's
/// well-formed `X-Request-Id` is kept, so traces join up), resolves the
/// client address, turns every thrown error into the one error body, and
/// stamps `X-Request-Id` on every response.
struct RequestIDMiddleware: RouterMiddleware {
    let clientAddress: ClientAddress
    /// Every synchronous store call inside the request is refused
    /// (`MarketplaceStore.refusesBlockingCalls`): handlers await the store.
    var refusesBlockingStoreCalls = true

    func handle(_ request: Request, context: GatewayContext,
                next: (Request, GatewayContext) async throws -> Response) async throws -> Response {
        var context = context
        context.requestID = Self.requestID(from: request.headers[.requestID])
        context.clientAddress = clientAddress.resolve(peer: context.peerAddress, forwardedFor: request.headers[values: .xForwardedFor])
        var response: Response
        do {
            response = try await MarketplaceStore.$refusesBlockingCalls.withValue(refusesBlockingStoreCalls) {
                try await next(request, context)
            }
        } catch {
            response = ErrorResponse.make(for: error, context: context)
        }
        response.headers[.requestID] = context.requestID
        return response
    }

    static func requestID(from header: String?) -> String {
        if let header, (8...64).contains(header.count),
           header.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") }) {
            return header
        }
        return UUID().uuidString.lowercased()
    }
}

extension HTTPField.Name {
    static let requestID = Self("X-Request-Id")!
    static let xForwardedFor = Self("X-Forwarded-For")!
    static let rateLimitLimit = Self("RateLimit-Limit")!
    static let rateLimitRemaining = Self("RateLimit-Remaining")!
    static let rateLimitReset = Self("RateLimit-Reset")!
    static let idempotencyKey = Self("Idempotency-Key")!
    static let lunarSignature = Self("Lunar-Signature")!
}
