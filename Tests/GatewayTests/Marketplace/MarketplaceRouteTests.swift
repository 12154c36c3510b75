import Foundation
import Marketplace
import Testing
import TestSupport
@testable import Gateway

@Suite struct MarketplaceRouteTests {
    static let webhookSecret = "whsec-test-0123456789"

    /// A superadmin signed in through the API (bootstrapped as `lunar serve` does).
    static func admin(_ fixture: GatewayFixture, _ api: API) async throws -> String {
        #expect(try await fixture.gateway.bootstrapSuperadmin(username: "root", email: "root@example.com", password: "root-password-1"))
        return try await api.signIn("root", password: "root-password-1").access
    }

    static func signedWebhook(_ api: API, _ body: [String: Any], at time: Int64, secret: String = webhookSecret) async throws -> API.Reply {
        let data = try JSONSerialization.data(withJSONObject: body)
        let text = String(decoding: data, as: UTF8.self)
        return try await api.call(.post, "/api/webhooks/payments", raw: text,
                                  headers: ["Lunar-Signature": PaymentSignature.sign(data, secret: secret, timestamp: time)])
    }

    /// A test server funds a wallet through an admin: audited, balanced, refused to others and for bad amounts.
    @Test func anAdminCreditsAWallet() async throws {
        let fixture = try await GatewayFixture()
        try await fixture.run { api in
            let root = try await Self.admin(fixture, api)
            let user = try await api.signUp("tester")
            let path = "/api/admin/users/\(user.id)/wallet/credit"
            #expect(try await api.call(.post, path, json: ["amount": "50.00", "reason": "test funds"], token: user.access).status == 403)
            for bad in ["0", "-5", "1.234", "1e3", "abc", "99999999999999999999"] {
                let refused = try await api.call(.post, path, json: ["amount": bad, "reason": "test funds"], token: root)
                #expect(refused.status == 422 && refused.errorDetails.first?["field"] as? String == "amount", "\(bad): \(refused.text)")
            }
            let credited = try await api.call(.post, path, json: ["amount": "50.00", "reason": "test funds"], token: root)
            #expect(credited.status == 200 && credited.json["balance"] as? String == "50.00", "\(credited.text)")
            #expect(try await api.call(.post, path, json: ["amount": "0.25", "reason": "more"], token: root).json["balance"] as? String == "50.25")
            #expect(try await api.call(.get, "/api/wallet", token: user.access).json["balance"] as? String == "50.25")
            let audit = try await api.call(.get, "/api/admin/audit?limit=5", token: root).page("entries")
            #expect(audit.contains { $0["action"] as? String == "wallet.credit" && $0["actorName"] as? String == "root" }, "\(audit)")
            #expect(try fixture.store.ledgerImbalance() == 0, "the books balance")
            #expect(try await api.call(.post, "/api/admin/users/9999/wallet/credit", json: ["amount": "1.00", "reason": "ghost"], token: root).status == 404)
        }
    }

    @Test func publishModeratePurchaseReviewAndFavorite() async throws {
        let fixture = try await GatewayFixture { $0.paymentWebhookSecret = Self.webhookSecret }
        try await fixture.run { api in
            let root = try await Self.admin(fixture, api)
            let author = try await api.signUp("author")
            let buyer = try await api.signUp("buyer")
            let strategy = try #require(try await api.call(.post, "/api/strategies", json: ["name": "SMA"], token: author.access).json["id"] as? Int)
            let source = try TestPaths.read(TestPaths.strategy("sma_crossover.lua"))
            let version = try #require(try await api.call(.post, "/api/strategies/\(strategy)/versions", json: ["source": source],
                                                          token: author.access).json["id"] as? Int)
            let listingBody: [String: Any] = ["strategyId": strategy, "title": "Trend rider", "summary": "Two moving averages.",
                                              "category": "trend", "tags": ["btc"], "price": ["amount": "10.00", "currency": "USD"],
                                              "versionId": version]
            let created = try await api.call(.post, "/api/marketplace/listings", json: listingBody, token: author.access)
            #expect(created.status == 201 && created.json["status"] as? String == "pending_review")
            let listing = try #require(created.json["id"] as? Int)
            var withOwner = listingBody
            withOwner["authorId"] = buyer.id
            #expect(try await api.call(.post, "/api/marketplace/listings", json: withOwner, token: author.access).status == 422)

            // Not visible until approved; users cannot moderate.
            #expect(try await api.call(.get, "/api/marketplace/listings/\(listing)", token: buyer.access).status == 404)
            #expect(try await api.call(.post, "/api/admin/listings/\(listing)/approve", token: buyer.access).status == 403)
            #expect(try await api.call(.get, "/api/admin/moderation/queue", token: root).list.count == 1)
            #expect(try await api.call(.post, "/api/admin/listings/\(listing)/approve", token: root).json["status"] as? String == "approved")

            let search = try await api.call(.get, "/api/marketplace/listings?q=moving&sort=newest&limit=10", token: buyer.access)
            #expect((search.json["listings"] as? [[String: Any]])?.count == 1)
            #expect(try await api.call(.get, "/api/marketplace/listings?sort=sideways", token: buyer.access).status == 422)
            #expect(try await api.call(.get, "/api/marketplace/listings/\(listing)/source", token: buyer.access).status == 404)
            #expect(try await api.call(.get, "/api/marketplace/listings/\(listing)/source", token: author.access).status == 200)

            // Purchase: no funds, then a signed top-up, then idempotent purchase.
            let headers = ["Idempotency-Key": "purchase-key-0001"]
            #expect(try await api.call(.post, "/api/marketplace/listings/\(listing)/purchase", token: buyer.access).status == 422)
            let poor = try await api.call(.post, "/api/marketplace/listings/\(listing)/purchase", token: buyer.access, headers: headers)
            #expect(poor.status == 409 && poor.errorCode == "insufficient_funds")
            let topUp = try await Self.signedWebhook(api, ["id": "evt_1", "type": "payment.succeeded", "userId": buyer.id, "amount": 5_000,
                                                           "currency": "USD"], at: fixture.clock.now)
            #expect(topUp.status == 200 && topUp.json["applied"] as? Bool == true)
            let bought = try await api.call(.post, "/api/marketplace/listings/\(listing)/purchase", token: buyer.access, headers: headers)
            #expect(bought.status == 201)
            let again = try await api.call(.post, "/api/marketplace/listings/\(listing)/purchase", token: buyer.access, headers: headers)
            #expect(again.status == 200 && again.json["created"] as? Bool == false)
            #expect(try await api.call(.get, "/api/wallet", token: buyer.access).json["balance"] as? String == "40.00")
            #expect(try await api.call(.get, "/api/wallet/ledger", token: buyer.access).page("entries").count == 2)
            #expect(try await api.call(.get, "/api/marketplace/my/purchases", token: buyer.access).list.count == 1)
            #expect(try await api.call(.get, "/api/marketplace/my/purchases", token: author.access).list.isEmpty)
            #expect(try await api.call(.get, "/api/marketplace/my/sales", token: author.access).list.first?["net"] as? String == "8.00")

            // The buyer deploys the purchased listing; reviews; favorites; reports.
            #expect(try await api.call(.post, "/api/deployments", json: ["listingId": listing, "start": false], token: buyer.access).status == 201)
            let review = try await api.call(.post, "/api/marketplace/listings/\(listing)/reviews",
                                            json: ["rating": 5, "title": "Solid", "body": "Works."], token: buyer.access)
            #expect(review.status == 201)
            let reviewID = try #require(review.json["id"] as? Int)
            #expect(try await api.call(.put, "/api/marketplace/reviews/\(reviewID)", json: ["rating": 4, "title": "Good"], token: author.access).status != 200)
            #expect(try await api.call(.put, "/api/marketplace/reviews/\(reviewID)", json: ["rating": 4, "title": "Good"], token: buyer.access).status == 200)
            #expect(try await api.call(.post, "/api/marketplace/listings/\(listing)/reviews", json: ["rating": 9, "title": "x"],
                                       token: buyer.access).status == 422)
            #expect(try await api.call(.get, "/api/marketplace/listings/\(listing)/reviews", token: author.access).list.count == 1)
            #expect(try await api.call(.post, "/api/marketplace/listings/\(listing)/favorite", token: buyer.access).status == 204)
            #expect(try await api.call(.get, "/api/marketplace/favorites", token: buyer.access).list.count == 1)
            let report = try await api.call(.post, "/api/marketplace/reviews/\(reviewID)/report", json: ["reason": "rude words"], token: author.access)
            #expect(report.status == 201)
            let reports = try await api.call(.get, "/api/admin/reports", token: root)
            #expect(reports.list.count == 1)
            #expect(try await api.call(.post, "/api/admin/reviews/\(reviewID)/hide", json: ["reason": "rude"], token: root).json["hidden"] as? Bool == true)
            #expect(try await api.call(.post, "/api/admin/reports/\(report.json["id"] as? Int ?? 0)/resolve", json: ["resolution": "hidden"],
                                       token: root).status == 204)
            #expect(try await api.call(.get, "/api/admin/audit", token: root).page("entries").count >= 2)
            #expect(try await api.call(.get, "/api/admin/stats", token: root).status == 200)
        }
    }

    @Test func webhookSignaturesAreCheckedAndEventsApplyOnce() async throws {
        let fixture = try await GatewayFixture { $0.paymentWebhookSecret = Self.webhookSecret }
        try await fixture.run { api in
            let user = try await api.signUp("payer")
            let event: [String: Any] = ["id": "evt_42", "type": "payment.succeeded", "userId": user.id, "amount": 2_500, "currency": "USD"]
            let forged = try await Self.signedWebhook(api, event, at: fixture.clock.now, secret: "not-the-secret")
            #expect(forged.status == 400 && forged.errorCode == "invalid_signature")
            let stale = try await Self.signedWebhook(api, event, at: fixture.clock.now - 301)
            #expect(stale.status == 400 && stale.errorCode == "signature_expired")
            #expect(try await api.call(.post, "/api/webhooks/payments", json: event).status == 400)
            let first = try await Self.signedWebhook(api, event, at: fixture.clock.now)
            #expect(first.json["applied"] as? Bool == true)
            let replay = try await Self.signedWebhook(api, event, at: fixture.clock.now)
            #expect(replay.status == 200 && replay.json["applied"] as? Bool == false)
            #expect(try await api.call(.get, "/api/wallet", token: user.access).json["balance"] as? String == "25.00")
            // A body changed after signing fails.
            let data = try JSONSerialization.data(withJSONObject: event)
            let signature = PaymentSignature.sign(data, secret: Self.webhookSecret, timestamp: fixture.clock.now)
            let tampered = String(decoding: data, as: UTF8.self).replacingOccurrences(of: "2500", with: "9500")
            #expect(try await api.call(.post, "/api/webhooks/payments", raw: tampered, headers: ["Lunar-Signature": signature]).status == 400)
        }
    }

    @Test func rolesAreEnforcedAndOnlySuperadminsChangeRoles() async throws {
        let fixture = try await GatewayFixture()
        _ = try fixture.store.loadTemplates(from: TestPaths.root.appendingPathComponent("templates"),
                                            strategiesDirectory: TestPaths.root.appendingPathComponent("strategies"))
        try await fixture.run { api in
            let root = try await Self.admin(fixture, api)
            let mod = try await api.signUp("moderator")
            let user = try await api.signUp("plain")
            #expect(try await api.call(.get, "/api/admin/audit", token: user.access).status == 403)
            #expect(try await api.call(.get, "/api/admin/users", token: user.access).status == 403)
            let found = try await api.call(.get, "/api/admin/users?q=plain", token: root)
            #expect(found.list.map { $0["username"] as? String } == ["plain"])
            #expect(try await api.call(.get, "/api/admin/deployments?status=running", token: root).status == 200)
            #expect(try await api.call(.put, "/api/admin/users/\(mod.id)/role", json: ["role": "admin"], token: root).json["role"] as? String == "admin")
            let modToken = try await api.signIn("moderator").access
            #expect(try await api.call(.put, "/api/admin/users/\(user.id)/role", json: ["role": "admin"], token: modToken).status == 403)
            let suspended = try await api.call(.post, "/api/admin/users/\(user.id)/suspend",
                                               json: ["until": APIUnits.time(fixture.clock.now + 60), "reason": "cool off"], token: modToken)
            #expect(suspended.json["status"] as? String == "suspended")
            #expect(try await api.call(.get, "/api/auth/me", token: user.access).status == 403)
            #expect(try await api.call(.post, "/api/admin/users/\(user.id)/unban", json: ["reason": "appeal accepted"], token: modToken).json["status"] as? String == "active")
            let banned = try await api.call(.post, "/api/admin/users/\(user.id)/ban", json: ["reason": "fraud"], token: modToken)
            #expect(banned.json["status"] as? String == "banned")
            #expect(try await api.call(.post, "/api/auth/refresh", json: ["refreshToken": user.refresh]).status == 401)

            let templates = try await api.call(.get, "/api/templates", token: mod.access)
            #expect(!templates.list.isEmpty)
            let first = try #require(templates.list.first?["id"] as? String)
            #expect(try await api.call(.get, "/api/templates/\(first)", token: root).json["id"] as? String == first)
            #expect(try await api.call(.get, "/api/templates/categories", token: root).status == 200)
            #expect(try await api.call(.post, "/api/templates/\(first)/favorite", token: root).status == 204)
        }
    }
}
