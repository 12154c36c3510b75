import Marketplace

extension WalletRoutes.BalanceView: SchemaDescribed {
    static let schemaName = "Balance"
    static var schema: JSONSchema { .record(["currency": .string(pattern: "^[A-Z]{3}$"), "balance": .exact]) }
}

extension WalletRoutes.WebhookReply: SchemaDescribed {
    static let schemaName = "WebhookReply"
    static var schema: JSONSchema { .record(["applied": .boolean], optional: ["balance": .exact]) }
}
