import Foundation
import Hummingbird

/// A write request's JSON body. Decoding is strict: the body must be sent as
/// `Content-Type: application/json` (else 415), be one JSON object of at
/// most `RequestLimits.maximumBodyBytes` with no key twice in any object
/// (else 400 `duplicate_key`), and a field the
/// type does not declare is refused with 422 naming it. This is what stops
/// mass assignment: `role`, `status`, `price` or `owner` in a body that does
/// not declare them is an error, never silently applied or ignored.
protocol RequestBody: Decodable, Sendable, SchemaDescribed {
    /// Every JSON key the body may carry: by default the keys of its
    /// published `schema`, so what is refused and what is documented are one list.
    static var fields: Set<String> { get }
}

extension RequestBody {
    static var fields: Set<String> { schema.propertyNames }
}

extension JSONSchema {
    /// The same object schema without the field `name`.
    func removing(_ name: String) -> JSONSchema {
        guard case .object(var required, var optional, let closed) = self else { return self }
        required[name] = nil
        optional[name] = nil
        return .object(required: required, optional: optional, closed: closed)
    }

    /// The keys an object schema names (required and optional); empty for other schemas.
    var propertyNames: Set<String> {
        switch self {
        case .object(let required, let optional, _): Set(required.keys).union(optional.keys)
        case .component(_, let schema), .nullable(let schema): schema.propertyNames
        default: []
        }
    }
}

extension Request {
    /// Decodes a strict JSON body (see `RequestBody`). `maximumBytes`
    /// raises the size limit for the one route that takes bulk data
    /// (dataset uploads); every other route keeps `context.maxUploadSize`.
    func decodeStrict<Body: RequestBody>(_ type: Body.Type, context: GatewayContext, maximumBytes: Int? = nil) async throws -> Body {
        try requireJSONContentType()
        let limit = maximumBytes ?? context.maxUploadSize
        let tooLarge = APIError(status: 413, code: "payload_too_large", message: "the body is larger than \(limit) bytes")
        if let length = headers[.contentLength].flatMap(Int.init), length > limit { throw tooLarge }
        let buffer: ByteBuffer
        do { buffer = try await body.collect(upTo: limit) } catch { throw tooLarge }
        let data = Data(buffer.readableBytesView)
        guard let object = try? JSONSerialization.jsonObject(with: data), let fields = object as? [String: Any] else {
            throw APIError.badRequest("the body must be one JSON object")
        }
        if let duplicate = DuplicateKeyScanner.firstDuplicate(in: buffer.readableBytesView) {
            throw APIError(status: 400, code: "duplicate_key", message: "a key appears more than once in one JSON object",
                           details: [APIError.Detail(field: duplicate, issue: "appears more than once")])
        }
        let unknown = Set(fields.keys).subtracting(Body.fields).sorted()
        guard unknown.isEmpty else {
            throw APIError(status: 422, code: "unknown_field", message: "the body has fields this request does not accept",
                           details: unknown.map { APIError.Detail(field: $0, issue: "is not a field of this request") })
        }
        return try JSONDecoder().decode(Body.self, from: data)
    }
}

extension Request {
    /// The one place the API's content type is enforced: every JSON body is
    /// read by `decodeStrict`, and body-less routes (logout, start, stop)
    /// and the signed payment webhook never call it. `application/json`,
    /// optionally with parameters such as `charset=utf-8`; anything else is
    /// 415, so an HTML form (`text/plain`, urlencoded, multipart) cannot
    /// post to a JSON route.
    func requireJSONContentType() throws {
        let mediaType = headers[.contentType]?.split(separator: ";", maxSplits: 1).first?
            .trimmingCharacters(in: .whitespaces).lowercased()
        guard mediaType == "application/json" else {
            let got = headers[.contentType].map { "'\($0.prefix(100))'" } ?? "none"
            throw APIError(status: 415, code: "unsupported_media_type",
                           message: "the body must be sent as Content-Type: application/json; got \(got)")
        }
        if let charset = headers[.contentType]?.split(separator: ";").dropFirst()
            .map({ $0.trimmingCharacters(in: .whitespaces).lowercased() }).first(where: { $0.hasPrefix("charset=") }),
           !["charset=utf-8", "charset=\"utf-8\""].contains(charset) {
            throw APIError(status: 415, code: "unsupported_media_type", message: "JSON bodies must be UTF-8; got \(charset.prefix(40))")
        }
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
