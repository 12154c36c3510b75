import Crypto
import Foundation
import Hummingbird
import Marketplace

/// `/api/wallet` (balance, ledger) and the payment provider's webhook.
struct WalletRoutes {
    let gateway: Gateway

    struct BalanceView: Codable, ResponseEncodableBody {
        var currency: String
        /// A decimal string with the currency's 2 decimals.
        var balance: String
    }

    /// What the payment provider posts. Unknown fields are ignored here (the
    /// provider's schema, not ours); the signature covers the raw bytes.
    struct PaymentEvent: Decodable {
        var id: String
        var type: String
        var userId: Int64
        var amount: Int64
        var currency: String
    }

    struct WebhookReply: Codable, ResponseEncodableBody {
        var applied: Bool
        var balance: String?
    }

    /// `POST /api/wallet/payouts`.
    struct PayoutBody: RequestBody {
        var amount: String
        var currency: String?
        static var schema: JSONSchema {
            .body(["amount": .string(minLength: 1, maxLength: 20, pattern: "^[0-9]+(\\.[0-9]{1,2})?$")],
                  optional: ["currency": .string(pattern: "^[A-Z]{3}$")])
        }
    }

    struct PayoutView: Codable, ResponseEncodableBody {
        var id: Int64
        var amount: String
        var currency: String
        var transactionId: Int64
        var createdAt: Timestamp

        init(_ payout: Payout) {
            id = payout.id
            amount = APIUnits.walletMoney(payout.amount)
            currency = payout.currency
            transactionId = payout.transactionID
            createdAt = Timestamp(payout.createdAt)
        }

        static var schema: JSONSchema {
            .record(["id": .id, "amount": .exact, "currency": .string(pattern: "^[A-Z]{3}$"), "transactionId": .id, "createdAt": .timestamp])
        }
    }

    /// `POST /api/wallet/payouts`' answer, shaped like a purchase's.
    struct PayoutResultView: Codable, ResponseEncodableBody {
        var payout: PayoutView
        /// False when the Idempotency-Key had been used: the first payout is returned.
        var created: Bool
        static let schemaName = "PayoutResult"
        static var schema: JSONSchema { .record(["payout": .ref(PayoutView.self), "created": .boolean]) }
    }

    func add(to group: APIRoutes) {
        let store = gateway.store
        group.post("wallet/payouts",
                   "Pay out part of my balance (Idempotency-Key header required): moved to the payouts account, audited as wallet.payout",
                   body: PayoutBody.self) { request, context, body in
            let user = try context.requireIdentity().user
            guard let key = request.headers[.idempotencyKey], (8...128).contains(key.count) else {
                throw APIError.invalid("Idempotency-Key", "header is required (8 to 128 characters)")
            }
            guard body.amount.utf8.count <= 20, APIUnits.isDecimal(body.amount), let minor = APIUnits.parseWalletMoney(body.amount), minor > 0 else {
                throw APIError.invalid("amount", "must be a decimal string above 0 with at most 2 decimals, e.g. \"25.00\"")
            }
            let currency = body.currency ?? APIUnits.currency
            let outcome = try await store.write { try $0.requestPayout(amount: minor, currency: currency, idempotencyKey: key, by: user.id) }
            return Created(status: outcome.created ? .created : .ok, body: PayoutResultView(payout: PayoutView(outcome.payout), created: outcome.created))
        }
        group.get("wallet/payouts", "My payouts, newest first") { _, context in
            let user = try context.requireIdentity().user
            return try await store.read { try $0.payouts(of: user.id, by: user.id) }.map { PayoutView($0) }
        }
        group.get("wallet", "Balance (?currency=USD) as a decimal string") { request, context in
            let user = try context.requireIdentity().user
            return try await Self.balance(of: user.id, request, by: user.id, store: store)
        }
        group.get("wallet/ledger", "Ledger entries, newest first (?limit=1..500, ?cursor=)") { request, context in
            let user = try context.requireIdentity().user
            return try await Self.ledger(of: user.id, request, by: user.id, store: store)
        }
    }

    /// `owner`'s balance in `?currency=` (default USD), read as `actor` (the owner or an admin).
    static func balance(of owner: UserID, _ request: Request, by actor: UserID, store: MarketplaceStore) async throws -> BalanceView {
        let currency = try request.query("currency") { $0.count == 3 ? $0.uppercased() : nil } ?? APIUnits.currency
        return BalanceView(currency: currency,
                           balance: APIUnits.walletMoney(try await store.read { try $0.balance(of: owner, currency: currency, by: actor) }))
    }

    /// A cursor page of `owner`'s ledger entries, newest first, read as `actor`.
    static func ledger(of owner: UserID, _ request: Request, by actor: UserID, store: MarketplaceStore) async throws -> PageView<LedgerEntryView> {
        let page = try PageRequest(request, kind: "ledger")
        let entries = try await store.read { try $0.ledger(of: owner, before: page.before, by: actor, limit: page.limit + 1) }
        let (rows, next) = page.page(entries, kind: "ledger") { $0.id }
        return PageView(items: rows.map(LedgerEntryView.init), nextCursor: next)
    }

    /// `POST /api/webhooks/payments`: `Lunar-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "t.body">`,
    /// at most 5 minutes old; idempotent by event id.
    func addWebhook(to api: APIRoutes) {
        api.post("webhooks/payments", "Payment provider webhook (Lunar-Signature HMAC)") { request, context in
            guard let secret = gateway.configuration.paymentWebhookSecret else {
                throw APIError(status: 404, code: "not_found", message: "payments are not configured (set LUNAR_WEBHOOK_SECRET)")
            }
            let buffer: ByteBuffer
            do { buffer = try await request.body.collect(upTo: 64 * 1024) } catch { throw APIError.payloadTooLarge }
            let body = Data(buffer.readableBytesView)
            try PaymentSignature.verify(request.headers[.lunarSignature], body: body, secret: secret, now: gateway.now)
            let event = try JSONDecoder().decode(PaymentEvent.self, from: body)
            guard event.type == "payment.succeeded" else { return WebhookReply(applied: false, balance: nil) }
            _ = try Check.text(event.id, "id", length: 1...200)
            let receipt = try await gateway.store.write {
                try $0.topUp(UserID(event.userId), amount: event.amount, currency: event.currency, providerEventID: event.id)
            }
            return WebhookReply(applied: receipt.applied, balance: APIUnits.walletMoney(receipt.balance))
        }
    }
}

/// The payment webhook's signature scheme (docs/api.md).
public enum PaymentSignature {
    static let tolerance: Int64 = 300

    /// A `payment.succeeded` event crediting `amount` (a decimal string, "50.00") to `userID`, and its
    /// `Lunar-Signature` header at `timestamp`: what a payment provider would post (`lunar payments sign`).
    public static func succeededEvent(userID: Int64, amount: String, currency: String, eventID: String, secret: String,
                                      timestamp: Int64) throws -> (body: Data, signature: String) {
        guard amount.utf8.count <= 20, APIUnits.isDecimal(amount), let minor = APIUnits.parseWalletMoney(amount), minor > 0 else {
            throw APIError.invalid("amount", "must be a decimal string above 0 with at most 2 decimals, e.g. \"50.00\"")
        }
        let event: [String: Any] = ["id": eventID, "type": "payment.succeeded", "userId": userID, "amount": minor, "currency": currency]
        let body = try JSONSerialization.data(withJSONObject: event, options: [.sortedKeys])
        return (body, sign(body, secret: secret, timestamp: timestamp))
    }

    public static func sign(_ body: Data, secret: String, timestamp: Int64) -> String {
        let mac = HMAC<SHA256>.authenticationCode(for: Data("\(timestamp).".utf8) + body, using: SymmetricKey(data: Data(secret.utf8)))
        return "t=\(timestamp),v1=" + mac.map { String(format: "%02x", $0) }.joined()
    }

    static func verify(_ header: String?, body: Data, secret: String, now: Int64) throws {
        let invalid = APIError(status: 400, code: "invalid_signature", message: "the Lunar-Signature header is missing or does not match")
        guard let header else { throw invalid }
        var timestamp: Int64?
        var signatures: [Data] = []
        for part in header.split(separator: ",") {
            let pair = part.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard pair.count == 2 else { continue }
            if pair[0] == "t" { timestamp = Int64(pair[1]) }
            if pair[0] == "v1", let bytes = Data(hex: pair[1]) { signatures.append(bytes) }
        }
        guard let timestamp, !signatures.isEmpty else { throw invalid }
        guard abs(now - timestamp) <= tolerance else {
            throw APIError(status: 400, code: "signature_expired", message: "the signature timestamp is more than \(tolerance) s from now")
        }
        let key = SymmetricKey(data: Data(secret.utf8))
        let signed = Data("\(timestamp).".utf8) + body
        guard signatures.contains(where: { HMAC<SHA256>.isValidAuthenticationCode($0, authenticating: signed, using: key) }) else {
            throw invalid
        }
    }
}

extension Data {
    init?(hex: String) {
        guard hex.count % 2 == 0, hex.count <= 256 else { return nil }
        var bytes: [UInt8] = []
        var index = hex.startIndex
        while index < hex.endIndex {
            let next = hex.index(index, offsetBy: 2)
            guard let byte = UInt8(hex[index..<next], radix: 16) else { return nil }
            bytes.append(byte)
            index = next
        }
        self.init(bytes)
    }
}
