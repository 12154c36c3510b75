import Foundation
import Hummingbird

/// Renders an `APIError` as the one error body, with the request id.
enum ErrorResponse {
    private struct Envelope: Encodable {
        struct Body: Encodable {
            var code: String
            var message: String
            var details: [APIError.Detail]
            var requestId: String
        }
        var error: Body
    }

    static func make(_ error: APIError, requestID: String) -> Response {
        let envelope = Envelope(error: .init(code: error.code, message: error.message, details: error.details, requestId: requestID))
        let data = (try? JSONEncoder().encode(envelope)) ?? Data(#"{"error":{"code":"internal_error"}}"#.utf8)
        var headers: HTTPFields = [.contentType: "application/json; charset=utf-8"]
        if let retryAfter = error.retryAfter { headers[.retryAfter] = String(retryAfter) }
        return Response(status: .init(code: error.status), headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    /// The response for any thrown error; 500s are logged with the original
    /// error (the client sees only the request id).
    static func make(for error: any Error, context: GatewayContext) -> Response {
        let apiError = APIError.from(error)
        if apiError.status >= 500 {
            context.logger.error("request failed", metadata: ["requestId": .string(context.requestID), "error": .string("\(error)")])
        }
        return make(apiError, requestID: context.requestID)
    }
}
