import HTTPTypes
import Hummingbird

/// Refuses a request whose head is too large with 431
/// `request_header_fields_too_large`: the request target plus every header
/// field (name, value, `": "` and the line end) counted from the parsed
/// fields, against `GatewayConfiguration.maximumHeaderBytes`. The HTTP
/// parser's own ceiling sits well above it (see `Gateway.application`).
struct HeaderSizeMiddleware: RouterMiddleware {
    let limit: Int

    func handle(_ request: Request, context: GatewayContext,
                next: (Request, GatewayContext) async throws -> Response) async throws -> Response {
        let size = Self.headBytes(request.head)
        guard size <= limit else {
            throw APIError(status: 431, code: "request_header_fields_too_large",
                           message: "the request target and header fields total \(size) bytes; the limit is \(limit)")
        }
        return try await next(request, context)
    }

    static func headBytes(_ head: HTTPRequest) -> Int {
        head.headerFields.reduce((head.path ?? "").utf8.count) { total, field in
            total + field.name.rawName.utf8.count + field.value.utf8.count + 4
        }
    }
}
