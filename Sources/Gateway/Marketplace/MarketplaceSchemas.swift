import Marketplace

// Request limits mirror `ListingDraft.validated`, `ReviewDraft.validated`
// and `InputRules.reason`; responses are the store's types (synthesized
// `Codable`, ids as bare integers).

extension JSONSchema {
    static let category = JSONSchema.oneOfStrings(Category.allCases.map(\.rawValue))
    static let reason = JSONSchema.string(minLength: 3, maxLength: 1_000)
}

extension ListingBody {
    static var schema: JSONSchema {
        .body(["title": .string(minLength: 3, maxLength: 120), "summary": .string(minLength: 10, maxLength: 300),
               "category": .category, "price": .ref(ListingPrice.self)],
              optional: ["strategyId": .id, "description": .string(maxLength: 20_000),
                         "tags": .array(of: .string(minLength: 2, maxLength: 30, pattern: "^[A-Za-z0-9-]+$"), maxItems: 10),
                         "versionId": .id])
    }
}

extension SubmitBody {
    static var schema: JSONSchema { .body(["versionId": .id]) }
}

extension ReviewBody {
    static var schema: JSONSchema {
        .body(["rating": .integer(minimum: 1, maximum: 5), "title": .string(minLength: 3, maxLength: 120)],
              optional: ["body": .string(maxLength: 5_000)])
    }
}

extension ReasonBody {
    static var schema: JSONSchema { .body(["reason": .reason]) }
}

extension ListingPrice: SchemaDescribed {
    static var schema: JSONSchema {
        .record(["amount": .integer(minimum: 0, maximum: 100_000_000), "currency": .string(pattern: "^[A-Z]{3}$")])
    }
}

extension PerformanceSummary: SchemaDescribed {
    static var schema: JSONSchema {
        .record(["maxDrawdown": .number(), "tradeCount": .integer(minimum: 0)], optional: ["totalReturn": .number(), "sharpe": .number()])
    }
}

extension Listing: SchemaDescribed {
    static var schema: JSONSchema {
        .record(["id": .id, "strategyID": .id, "authorID": .id, "title": .text, "summary": .text, "description": .text,
                 "category": .category, "tags": .array(of: .text), "price": .ref(ListingPrice.self),
                 "status": .oneOfStrings(ListingStatus.allCases.map(\.rawValue)), "statusReason": .text,
                 "ratingAverage": .number(minimum: 0, maximum: 5), "ratingCount": .integer(minimum: 0),
                 "buyerCount": .integer(minimum: 0), "createdAt": .time, "updatedAt": .time],
                optional: ["liveVersionID": .id, "pendingVersionID": .id, "performance": .ref(PerformanceSummary.self),
                           "publishedAt": .time])
    }
}

extension SearchPageView: SchemaDescribed {
    static let schemaName = "ListingPage"
    /// `nextCursor` is absent on the last page.
    static var schema: JSONSchema { .record(["listings": .list(Listing.self)], optional: ["nextCursor": .text]) }
}

extension Purchase: SchemaDescribed {
    static var schema: JSONSchema {
        .record(["id": .id, "buyerID": .id, "listingID": .id, "versionID": .id, "price": .ref(ListingPrice.self),
                 "fee": .integer(minimum: 0), "authorAmount": .integer(minimum: 0), "idempotencyKey": .text,
                 "status": .oneOfStrings(["completed", "refunded"]), "createdAt": .time],
                optional: ["refundedAt": .time])
    }
}

extension PurchaseView: SchemaDescribed {
    static let schemaName = "PurchaseResult"
    static var schema: JSONSchema { .record(["purchase": .ref(Purchase.self), "created": .boolean]) }
}

extension Review: SchemaDescribed {
    static var schema: JSONSchema {
        .record(["id": .id, "listingID": .id, "userID": .id, "rating": .integer(minimum: 1, maximum: 5), "title": .text,
                 "body": .text, "hidden": .boolean, "createdAt": .time, "updatedAt": .time])
    }
}

extension ReportCreated: SchemaDescribed {
    static var schema: JSONSchema { .record(["id": .id]) }
}

extension FavoriteView: SchemaDescribed {
    static let schemaName = "Favorite"
    static var schema: JSONSchema { .record(["kind": .oneOfStrings(["listing", "template"]), "id": .text]) }
}

extension SalesLine: SchemaDescribed {
    static var schema: JSONSchema {
        .record(["listingID": .id, "currency": .text, "sales": .integer(minimum: 0), "refunds": .integer(minimum: 0),
                 "gross": .integer(), "fees": .integer(), "net": .integer()])
    }
}
