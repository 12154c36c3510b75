import Marketplace

extension WalletRoutes.BalanceView: SchemaDescribed {
    static let schemaName = "Balance"
    static var schema: JSONSchema { .record(["currency": .string(pattern: "^[A-Z]{3}$"), "balance": .integer()]) }
}

extension LedgerEntry: SchemaDescribed {
    static var schema: JSONSchema {
        .record(["transactionID": .id, "kind": .text, "amount": .integer(), "currency": .text, "createdAt": .time])
    }
}

extension WalletRoutes.WebhookReply: SchemaDescribed {
    static let schemaName = "WebhookReply"
    static var schema: JSONSchema { .record(["applied": .boolean], optional: ["balance": .integer()]) }
}
