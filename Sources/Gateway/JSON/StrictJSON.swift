import Foundation
import Hummingbird

/// A write request's JSON body. Decoding is strict: the body must be one
/// JSON object of at most `RequestLimits.maximumBodyBytes`, and a field the
/// type does not declare is refused with 422 naming it. This is what stops
/// mass assignment: `role`, `status`, `price` or `owner` in a body that does
/// not declare them is an error, never silently applied or ignored.
protocol RequestBody: Decodable, Sendable, SchemaDescribed {
    /// Every JSON key the body may carry.
    static var fields: Set<String> { get }
}

extension RequestBody {
    /// Until a body describes itself: its field names, each of any type.
    static var schema: JSONSchema {
        .body([:], optional: Dictionary(uniqueKeysWithValues: fields.map { ($0, JSONSchema.any) }))
    }
}

extension Request {
    /// Decodes a strict JSON body (see `RequestBody`).
    func decodeStrict<Body: RequestBody>(_ type: Body.Type, context: GatewayContext) async throws -> Body {
        if let length = headers[.contentLength].flatMap(Int.init), length > context.maxUploadSize { throw APIError.payloadTooLarge }
        let buffer: ByteBuffer
        do { buffer = try await body.collect(upTo: context.maxUploadSize) } catch { throw APIError.payloadTooLarge }
        let data = Data(buffer.readableBytesView)
        guard let object = try? JSONSerialization.jsonObject(with: data), let fields = object as? [String: Any] else {
            throw APIError.badRequest("the body must be one JSON object")
        }
        let unknown = Set(fields.keys).subtracting(Body.fields).sorted()
        guard unknown.isEmpty else {
            throw APIError(status: 422, code: "unknown_field", message: "the body has fields this request does not accept",
                           details: unknown.map { APIError.Detail(field: $0, issue: "is not a field of this request") })
        }
        return try JSONDecoder().decode(Body.self, from: data)
    }
}

/// Checks shared by request bodies; each throws a 422 naming the field.
enum Check {
    static func text(_ value: String, _ field: String, length: ClosedRange<Int>) throws -> String {
        guard length.contains(value.count) else { throw APIError.invalid(field, "must be \(length.lowerBound) to \(length.upperBound) characters") }
        return value
    }
    static func number<Value: Comparable>(_ value: Value, _ field: String, in range: ClosedRange<Value>) throws -> Value {
        guard range.contains(value) else { throw APIError.invalid(field, "must be between \(range.lowerBound) and \(range.upperBound)") }
        return value
    }
    static func finite(_ value: Double, _ field: String) throws -> Double {
        guard value.isFinite else { throw APIError.invalid(field, "must be a finite number") }
        return value
    }
}
