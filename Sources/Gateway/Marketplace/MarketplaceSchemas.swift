import Marketplace

// Request limits mirror `ListingDraft.validated`, `ReviewDraft.validated`
// and `InputRules.reason`; responses are the views of `MarketplaceViews.swift`.

extension JSONSchema {
    static let category = JSONSchema.oneOfStrings(Category.allCases.map(\.rawValue))
    static let reason = JSONSchema.string(minLength: 3, maxLength: 1_000)
}

extension ListingBody {
    static var schema: JSONSchema {
        .body(["title": .string(minLength: 3, maxLength: 120), "summary": .string(minLength: 10, maxLength: 300),
               "category": .category, "price": .ref(PriceTag.self)],
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

extension PriceTag: SchemaDescribed {
    static let schemaName = "Price"
    static var schema: JSONSchema {
        .record(["amount": .string(maxLength: 20, pattern: "^[0-9]+(\\.[0-9]{1,2})?$"), "currency": .string(pattern: "^[A-Z]{3}$")])
    }
}

extension ListingSummaryFigures: SchemaDescribed {
    static let schemaName = "ListingFigures"
    static var schema: JSONSchema {
        .record(["maxDrawdown": .number(), "tradeCount": .integer(minimum: 0)], optional: ["totalReturn": .number(), "sharpe": .number()])
    }
}

extension ListingView: SchemaDescribed {
    static let schemaName = "Listing"
    static var schema: JSONSchema {
        .record(["id": .id, "strategyId": .id, "authorId": .id, "title": .text, "summary": .text, "description": .text,
                 "category": .category, "tags": .array(of: .text), "price": .ref(PriceTag.self),
                 "status": .oneOfStrings(ListingStatus.allCases.map(\.rawValue)), "statusReason": .text,
                 "ratingAverage": .number(minimum: 0, maximum: 5), "ratingCount": .integer(minimum: 0),
                 "buyerCount": .integer(minimum: 0), "createdAt": .timestamp, "updatedAt": .timestamp],
                optional: ["liveVersionId": .id, "pendingVersionId": .id, "performance": .ref(ListingSummaryFigures.self),
                           "publishedAt": .timestamp, "validation": .ref(ValidationFiguresView.self),
                           "parameters": .list(ParameterView.self), "paperRecord": .ref(PaperRecordView.self)])
    }
}

extension SearchPageView: SchemaDescribed {
    static let schemaName = "ListingPage"
    /// `nextCursor` is absent on the last page.
    static var schema: JSONSchema { .page("listings", of: .ref(ListingView.self)) }
}

extension PurchaseRecordView: SchemaDescribed {
    static let schemaName = "Purchase"
    static var schema: JSONSchema {
        .record(["id": .id, "buyerId": .id, "listingId": .id, "versionId": .id, "price": .ref(PriceTag.self),
                 "fee": .exact, "authorAmount": .exact, "currency": .text, "idempotencyKey": .text,
                 "status": .oneOfStrings(["completed", "refunded"]), "createdAt": .timestamp],
                optional: ["refundedAt": .timestamp])
    }
}

extension PurchaseView: SchemaDescribed {
    static let schemaName = "PurchaseResult"
    static var schema: JSONSchema { .record(["purchase": .ref(PurchaseRecordView.self), "created": .boolean]) }
}

extension ReviewView: SchemaDescribed {
    static let schemaName = "Review"
    static var schema: JSONSchema {
        .record(["id": .id, "listingId": .id, "userId": .id, "rating": .integer(minimum: 1, maximum: 5), "title": .text,
                 "body": .text, "hidden": .boolean, "createdAt": .timestamp, "updatedAt": .timestamp])
    }
}

extension ReportCreated: SchemaDescribed {
    static var schema: JSONSchema { .record(["id": .id]) }
}

extension FavoriteView: SchemaDescribed {
    static let schemaName = "Favorite"
    static var schema: JSONSchema { .record(["kind": .oneOfStrings(["listing", "template"]), "id": .text]) }
}

extension SalesLineView: SchemaDescribed {
    static let schemaName = "SalesLine"
    static var schema: JSONSchema {
        .record(["listingId": .id, "currency": .text, "sales": .integer(minimum: 0), "refunds": .integer(minimum: 0),
                 "gross": .exact, "fees": .exact, "net": .exact])
    }
}

extension LedgerEntryView: SchemaDescribed {
    static let schemaName = "LedgerEntry"
    static var schema: JSONSchema {
        .record(["id": .id, "transactionId": .id, "kind": .oneOfStrings(["top_up", "purchase", "refund", "payout"]), "amount": .exact,
                 "currency": .text, "createdAt": .timestamp])
    }
}

extension AuditEntryView: SchemaDescribed {
    static let schemaName = "AuditEntry"
    static var schema: JSONSchema {
        .record(["id": .id, "actorId": .id, "actorName": .text, "action": .text, "targetKind": .text, "targetId": .text,
                 "reason": .text, "createdAt": .timestamp])
    }
}
