import Foundation
import Host
import Hummingbird
import Marketplace
import Sandbox

extension APIError {
    /// Maps any error a handler throws to the API shape, through the one
    /// protocol every module's error adopts (`APIErrorConvertible`). Unknown
    /// errors become a bare 500 (the caller logs the original): no SQL, no
    /// stack, no path.
    static func from(_ error: any Error) -> APIError {
        if let error = error as? APIError { return error }
        if let error = error as? any APIErrorConvertible { return error.apiError }
        return .internalError
    }

    init(_ error: StoreError) {
        switch error {
        case .invalid(let field, let rule):
            self = .invalid(field, rule)
        case .invalidFields(let rules):
            self.init(status: 422, code: error.code, message: rules.map { "\($0.field) \($0.rule)" }.joined(separator: "; "),
                      details: rules.map { Detail(field: $0.field, issue: $0.rule) })
        case .notFound(let entity, _):
            self.init(status: 404, code: error.code, message: "no such \(entity)")
        case .forbidden(let action, let reason):
            self.init(status: 403, code: error.code, message: "may not \(action): \(reason)")
        case .accountRestricted(let status):
            self.init(status: 403, code: error.code, message: "the account is \(status)")
        case .selfReview:
            self.init(status: 403, code: error.code, message: "authors cannot review their own listing")
        case .quotaExceeded(let what, let limit):
            self.init(status: 429, code: error.code, message: "at most \(limit) \(what) per user")
        case .illegalTransition, .duplicate, .alreadyPurchased, .ownListing, .insufficientFunds, .inUse:
            self.init(status: 409, code: error.code, message: String(error.description.drop(while: { $0 != ":" }).dropFirst(2)))
        case .schemaTooNew, .schemaMismatch, .database, .corrupt, .blockingCall:
            self = .internalError
        }
    }

    init(_ error: HTTPError) {
        switch error.status.code {
        case 404: self.init(status: 404, code: "not_found", message: "no such route")
        case 405: self.init(status: 404, code: "not_found", message: "no such route for this method")
        case 413: self = .payloadTooLarge
        case 400..<500: self.init(status: error.status.code, code: "bad_request", message: error.body ?? error.status.reasonPhrase)
        default: self = .internalError
        }
    }

    init(_ error: DecodingError) {
        func path(_ context: DecodingError.Context) -> String {
            context.codingPath.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".")
        }
        switch error {
        case .keyNotFound(let key, let context):
            let field = (context.codingPath + [key]).map(\.stringValue).joined(separator: ".")
            self = .invalid(field, "is required")
        case .typeMismatch(let type, let context), .valueNotFound(let type, let context):
            self = .invalid(path(context), "must be \(JSONTypeName.of(type))")
        case .dataCorrupted(let context):
            self = context.codingPath.isEmpty
                ? .badRequest("the body is not valid JSON")
                : .invalid(path(context), context.debugDescription.hasPrefix("expected ") ? context.debugDescription : "has an invalid value")
        @unknown default:
            self = .badRequest("the body could not be read")
        }
    }
}

/// JSON names for Swift types in validation messages: a client reads
/// "must be an object", never a Swift type name.
enum JSONTypeName {
    static func of(_ type: Any.Type) -> String {
        switch type {
        case is String.Type, is String?.Type: "a string"
        case is Bool.Type, is Bool?.Type: "a boolean"
        case is Int.Type, is Int64.Type, is Int32.Type, is Int?.Type, is Int64?.Type: "an integer"
        case is Double.Type, is Decimal.Type, is Double?.Type: "a finite number"
        default:
            switch String(describing: type) {
            case let name where name.hasPrefix("Dictionary<") || name.hasPrefix("Optional<Dictionary<"): "an object"
            case let name where name.hasPrefix("Array<") || name.hasPrefix("Optional<Array<"): "an array"
            default: "a value of the documented type"
            }
        }
    }
}
