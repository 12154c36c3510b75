import Synchronization

/// Every `/api` operation, filled as `APIRoutes` registers the routes: the
/// OpenAPI document and the `/docs` page are generated from it, so what is
/// documented is what is served.
final class RouteCatalog: Sendable {
    enum Access: String, Sendable { case anyone, user, admin, signature }

    struct Operation: Sendable {
        var method: String
        /// OpenAPI form: `/api/strategies/{id}`.
        var path: String
        var tag: String
        var summary: String
        var access: Access
        /// The request body's field names (the `/docs` page and the strict decoder) and schema.
        var bodyFields: [String]?
        var bodySchema: JSONSchema?
        var response: ResponseDocumentation
    }

    private let entries = Mutex<[Operation]>([])

    /// In registration order.
    var operations: [Operation] { entries.withLock { $0 } }

    func add(_ operation: Operation) {
        entries.withLock { $0.append(operation) }
    }
}
