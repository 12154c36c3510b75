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
        let data = body(error, requestID: requestID)
        var headers: HTTPFields = [.contentType: "application/json; charset=utf-8"]
        if let retryAfter = error.retryAfter { headers[.retryAfter] = String(retryAfter) }
        if error.status == 401 { headers[.wwwAuthenticate] = error.challenge ?? APIError.bearerChallenge }
        return Response(status: .init(code: error.status), headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    /// The encoded error, bounded (`APIError.bounded`); escaped control
    /// characters can still swell it, so details are shed until it fits.
    static func body(_ error: APIError, requestID: String) -> Data {
        var kept = APIError.EchoLimits.details
        var data = encode(error.bounded(keeping: kept), requestID: requestID)
        while data.count > APIError.EchoLimits.bodyBytes, kept > 0 {
            kept -= 1
            data = encode(error.bounded(keeping: kept), requestID: requestID)
        }
        return data
    }

    private static func encode(_ error: APIError, requestID: String) -> Data {
        let envelope = Envelope(error: .init(code: error.code, message: error.message, details: error.details, requestId: requestID))
        return (try? JSONEncoder().encode(envelope)) ?? Data(#"{"error":{"code":"internal_error"}}"#.utf8)
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
