import Foundation
import Hummingbird

/// Cursor pages, the marketplace's scheme on every list that grows:
/// `?limit=` (1 to 500) and `?cursor=` (the previous page's `nextCursor`,
/// opaque) in; `{"<items>": [...], "nextCursor": "..."}` out, newest first,
/// `nextCursor` absent on the last page. Keyset paging: what arrives while
/// a client pages does not shift its pages.
struct PageRequest {
    static let maximumLimit = 500
    var limit: Int
    /// The key of the last item of the previous page.
    var before: Int64?

    /// `kind` names the list, so a cursor of one list is refused by another.
    init(_ request: Request, kind: String, defaultLimit: Int = 100) throws {
        limit = try request.limit(default: defaultLimit, maximum: Self.maximumLimit)
        before = try request.query("cursor") { $0 }.map { try PageCursor.key(of: $0, kind: kind) }
    }

    /// The page of `rows` (fetched with `limit + 1`), and its next cursor.
    func page<Row>(_ rows: [Row], kind: String, key: (Row) -> Int64) -> (rows: [Row], nextCursor: String?) {
        guard rows.count > limit else { return (rows, nil) }
        let page = Array(rows.prefix(limit))
        return (page, page.last.map { PageCursor.encode(kind: kind, key: key($0)) })
    }
}

enum PageCursor {
    static func encode(kind: String, key: Int64) -> String { Data("\(kind):\(key)".utf8).base64EncodedString() }

    static func key(of cursor: String, kind: String) throws -> Int64 {
        let invalid = APIError.invalid("cursor", "must be a nextCursor from the same list")
        guard let data = Data(base64Encoded: cursor) else { throw invalid }
        let parts = String(decoding: data, as: UTF8.self).split(separator: ":")
        guard parts.count == 2, parts[0] == kind, let key = Int64(parts[1]) else { throw invalid }
        return key
    }
}

/// An item of a cursor page, and the key its page lists it under.
protocol PageItem: Encodable, Sendable, SchemaDescribed {
    static var pageKey: String { get }
}

/// `{"<Item.pageKey>": [...], "nextCursor": "..."}`.
struct PageView<Item: PageItem>: Encodable, ResponseEncodableBody {
    var items: [Item]
    var nextCursor: String?

    static var schemaName: String { "\(Item.schemaName)Page" }
    static var schema: JSONSchema { .page(Item.pageKey, of: .ref(Item.self)) }
    static var documentation: ResponseDocumentation { .json(schema) }

    private struct Key: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(_ string: String) { stringValue = string }
        init?(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Key.self)
        try container.encode(items, forKey: Key(Item.pageKey))
        try container.encodeIfPresent(nextCursor, forKey: Key("nextCursor"))
    }
}

extension JSONSchema {
    /// A cursor page of `items` under `name`.
    static func page(_ name: String, of items: JSONSchema) -> JSONSchema {
        .record([name: .array(of: items)], optional: ["nextCursor": .text])
    }
}
