import Foundation
import Marketplace
import Platform
import Testing
import TestSupport
@testable import Gateway

/// The money routes testers and admins use (docs/api.md, "Wallet, payouts
/// and refunds"): refunds that stop the buyer's runs, author payouts to the
/// `payouts` account, any user's wallet for admins, platform figures, names
/// on admin views, and `lunar payments sign` funding a wallet through the
/// signed webhook.
@Suite struct MoneyAdminRouteTests {
    /// An approved 10.00 USD listing of the eager test strategy, bought by `buyer` (funded by the webhook).
    static func soldListing(_ fixture: GatewayFixture, _ api: API, root: String, author: (access: String, refresh: String, id: Int),
                            buyer: (access: String, refresh: String, id: Int)) async throws -> (listing: Int, purchase: Int) {
        let version = try await DeploymentRouteTests.uploadEager(api, token: author.access)
        let strategy = try #require(try await api.call(.get, "/api/strategies", token: author.access).list.first?["id"] as? Int)
        let created = try await api.call(.post, "/api/marketplace/listings", json: [
            "strategyId": strategy, "title": "Eager trader", "summary": "Trades every bar.", "category": "trend", "tags": ["btc"],
            "price": ["amount": "10.00", "currency": "USD"], "versionId": version], token: author.access)
        let listing = try #require(created.json["id"] as? Int, "\(created.text)")
        #expect(try await api.call(.post, "/api/admin/listings/\(listing)/approve", token: root).status == 200)
        let topUp = try await MarketplaceRouteTests.signedWebhook(api, ["id": "evt-\(buyer.id)", "type": "payment.succeeded", "userId": buyer.id,
                                                                        "amount": 5_000, "currency": "USD"], at: fixture.clock.now)
        #expect(topUp.json["applied"] as? Bool == true, "\(topUp.text)")
        let bought = try await api.call(.post, "/api/marketplace/listings/\(listing)/purchase", token: buyer.access,
                                        headers: ["Idempotency-Key": "buy-\(listing)-0001"])
        return (listing, try #require((bought.json["purchase"] as? [String: Any])?["id"] as? Int, "\(bought.text)"))
    }

    /// In both host modes, like a ban.
    @Test(arguments: [false, true]) func aRefundPaysBackRevokesAndStopsTheBuyersRuns(isolated: Bool) async throws {
        let fixture = try await GatewayFixture(configure: { $0.paymentWebhookSecret = MarketplaceRouteTests.webhookSecret },
                                               hostMode: BanStopsHostTests.modes()[isolated ? 1 : 0])
        try await fixture.run { api in
            let root = try await MarketplaceRouteTests.admin(fixture, api)
            let author = try await api.signUp("author"), buyer = try await api.signUp("buyer")
            let (listing, purchase) = try await Self.soldListing(fixture, api, root: root, author: author, buyer: buyer)
            let deployed = try await api.call(.post, "/api/deployments", json: ["listingId": listing], token: buyer.access)
            #expect(deployed.status == 201 && deployed.json["status"] as? String == "running", "\(deployed.text)")
            let deployment = try #require(deployed.json["id"] as? Int)
            DeploymentRouteTests.feed(fixture, events: 20)
            let hostID = Platform.hostID(DeploymentID(Int64(deployment)))
            #expect(fixture.host.snapshot(hostID) != nil)

            // Admins see the buyer's purchases and wallet; nobody else does.
            let purchases = try await api.call(.get, "/api/admin/users/\(buyer.id)/purchases", token: root)
            #expect(purchases.list.map { $0["id"] as? Int } == [purchase] && purchases.list.first?["status"] as? String == "completed")
            #expect(try await api.call(.get, "/api/admin/users/\(buyer.id)/purchases", token: author.access).status == 403)
            #expect(try await api.call(.get, "/api/admin/users/\(buyer.id)/wallet", token: root).json["balance"] as? String == "40.00")
            let ledger = try await api.call(.get, "/api/admin/users/\(buyer.id)/wallet/ledger?limit=1", token: root)
            #expect(ledger.page("entries").count == 1 && ledger.json["nextCursor"] is String, "\(ledger.text)")
            #expect(try await api.call(.get, "/api/admin/users/\(buyer.id)/wallet", token: buyer.access).status == 403)
            #expect(try await api.call(.get, "/api/admin/users/9999/wallet/ledger", token: root).status == 404)

            let path = "/api/admin/purchases/\(purchase)/refund"
            #expect(try await api.call(.post, path, json: ["reason": "not as described"], token: buyer.access).status == 403)
            #expect(try await api.call(.post, path, json: [:], token: root).status == 422)
            let refunded = try await api.call(.post, path, json: ["reason": "not as described"], token: root)
            #expect(refunded.status == 200 && refunded.json["status"] as? String == "refunded" && refunded.json["refundedAt"] is String,
                    "\(refunded.text)")
            #expect(fixture.host.snapshot(hostID) == nil, "the refunded buyer's deployment no longer runs in the host")
            let view = try await api.call(.get, "/api/deployments/\(deployment)", token: buyer.access)
            #expect(view.json["status"] as? String == "stopped" && view.json["statusReason"] as? String == "purchase refunded", "\(view.text)")
            #expect(try await api.call(.get, "/api/wallet", token: buyer.access).json["balance"] as? String == "50.00")
            #expect(try await api.call(.get, "/api/wallet", token: author.access).json["balance"] as? String == "0.00")
            #expect(try await api.call(.post, "/api/deployments", json: ["listingId": listing], token: buyer.access).status == 403)
            let again = try await api.call(.post, path, json: ["reason": "twice"], token: root)
            #expect(again.status == 409, "\(again.text)")
            #expect(try await api.call(.post, "/api/admin/purchases/9999/refund", json: ["reason": "ghost"], token: root).status == 404)

            let audit = try await api.call(.get, "/api/admin/audit?limit=10", token: root).page("entries")
            #expect(audit.contains { $0["action"] as? String == "purchase.refund" && $0["actorName"] as? String == "root" }, "\(audit)")
            let stats = try await api.call(.get, "/api/admin/stats", token: root).json
            #expect((stats["sales"] as? [String: Any])?["refunded"] as? Int == 1 && (stats["sales"] as? [String: Any])?["completed"] as? Int == 0,
                    "\(stats)")
            #expect(stats["ledgerImbalance"] as? String == "0.00")
        }
    }

    @Test func anAuthorPaysOutOncePerKeyWithinTheBalance() async throws {
        let fixture = try await GatewayFixture { $0.paymentWebhookSecret = MarketplaceRouteTests.webhookSecret }
        try await fixture.run { api in
            let root = try await MarketplaceRouteTests.admin(fixture, api)
            let author = try await api.signUp("author"), buyer = try await api.signUp("buyer")
            _ = try await Self.soldListing(fixture, api, root: root, author: author, buyer: buyer)
            #expect(try await api.call(.get, "/api/wallet", token: author.access).json["balance"] as? String == "8.00")

            let key = ["Idempotency-Key": "payout-key-0001"]
            let keyless = try await api.call(.post, "/api/wallet/payouts", json: ["amount": "5.00"], token: author.access)
            #expect(keyless.status == 422 && keyless.errorDetails.first?["field"] as? String == "Idempotency-Key", "\(keyless.text)")
            for bad in ["0", "-1.00", "1.234", "1e3", "NaN", "", "99999999999999999999"] {
                let refused = try await api.call(.post, "/api/wallet/payouts", json: ["amount": bad], token: author.access, headers: key)
                #expect(refused.status == 422 && refused.errorDetails.first?["field"] as? String == "amount", "\(bad): \(refused.text)")
            }
            #expect(try await api.call(.post, "/api/wallet/payouts", json: ["amount": 5], token: author.access, headers: key).status == 422)
            let tooMuch = try await api.call(.post, "/api/wallet/payouts", json: ["amount": "8.01"], token: author.access, headers: key)
            #expect(tooMuch.status == 409 && tooMuch.errorCode == "insufficient_funds"
                    && tooMuch.errorMessage == "your wallet holds 8.00, below the 8.01 required", "\(tooMuch.text)")

            let paid = try await api.call(.post, "/api/wallet/payouts", json: ["amount": "5.00"], token: author.access, headers: key)
            let payout = paid.json["payout"] as? [String: Any]
            #expect(paid.status == 201 && payout?["amount"] as? String == "5.00" && paid.json["created"] as? Bool == true, "\(paid.text)")
            let replay = try await api.call(.post, "/api/wallet/payouts", json: ["amount": "5.00"], token: author.access, headers: key)
            #expect(replay.status == 200 && replay.json["created"] as? Bool == false && (replay.json["payout"] as? [String: Any])?["id"] as? Int == payout?["id"] as? Int)
            let reused = try await api.call(.post, "/api/wallet/payouts", json: ["amount": "1.00"], token: author.access, headers: key)
            #expect(reused.status == 422, "a key names one payout: \(reused.text)")
            #expect(try await api.call(.get, "/api/wallet", token: author.access).json["balance"] as? String == "3.00")
            let entries = try await api.call(.get, "/api/wallet/ledger", token: author.access).page("entries")
            #expect(entries.first?["kind"] as? String == "payout" && entries.first?["amount"] as? String == "-5.00", "\(entries)")
            #expect(try await api.call(.get, "/api/wallet/payouts", token: author.access).list.count == 1)
            #expect(try await api.call(.get, "/api/wallet/payouts", token: buyer.access).list.isEmpty)

            let audit = try await api.call(.get, "/api/admin/audit?limit=10", token: root).page("entries")
            #expect(audit.contains { $0["action"] as? String == "wallet.payout" && $0["actorName"] as? String == "author" }, "\(audit)")
            let stats = try await api.call(.get, "/api/admin/stats", token: root).json
            let revenue = (stats["revenue"] as? [[String: Any]])?.first
            #expect(revenue?["currency"] as? String == "USD" && revenue?["gross"] as? String == "10.00" && revenue?["fees"] as? String == "2.00"
                    && revenue?["paidOut"] as? String == "5.00", "\(stats)")
            #expect((stats["users"] as? [String: Any])?["total"] as? Int == 3 && stats["ledgerImbalance"] as? String == "0.00", "\(stats)")
        }
    }

    /// Concurrent payouts with different keys never take the balance below zero.
    @Test func racingPayoutsNeverOverdraw() async throws {
        let fixture = try await GatewayFixture { $0.paymentWebhookSecret = MarketplaceRouteTests.webhookSecret }
        try await fixture.run { api in
            let root = try await MarketplaceRouteTests.admin(fixture, api)
            let author = try await api.signUp("author"), buyer = try await api.signUp("buyer")
            _ = try await Self.soldListing(fixture, api, root: root, author: author, buyer: buyer)
            let statuses = try await withThrowingTaskGroup(of: Int.self) { group in
                for index in 0..<6 {
                    group.addTask {
                        try await api.call(.post, "/api/wallet/payouts", json: ["amount": "3.00"], token: author.access,
                                           headers: ["Idempotency-Key": "race-payout-\(index)"]).status
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(statuses.filter { $0 == 201 }.count == 2 && statuses.filter { $0 == 409 }.count == 4, "\(statuses)")
            #expect(try await api.call(.get, "/api/wallet", token: author.access).json["balance"] as? String == "2.00")
            #expect(try fixture.store.ledgerImbalance() == 0)
        }
    }

    /// Admin deployment views name the owner and the strategy.
    @Test func adminDeploymentsNameTheOwnerAndTheStrategy() async throws {
        let fixture = try await GatewayFixture()
        try await fixture.run { api in
            let root = try await MarketplaceRouteTests.admin(fixture, api)
            let alice = try await api.signUp("alice")
            let version = try await DeploymentRouteTests.uploadEager(api, token: alice.access)
            #expect(try await api.call(.post, "/api/deployments", json: ["versionId": version, "start": false], token: alice.access).status == 201)
            let all = try await api.call(.get, "/api/admin/deployments", token: root).list
            #expect(all.count == 1 && all.first?["ownerName"] as? String == "alice" && all.first?["strategyName"] as? String == "Eager", "\(all)")
            let mine = try await api.call(.get, "/api/deployments", token: alice.access).list
            #expect(mine.first?["strategyName"] as? String == "Eager")
        }
    }

    /// `lunar payments sign` prints what a payment provider would post; the server applies it once.
    @Test func paymentsSignFundsAWalletThroughTheWebhook() async throws {
        let fixture = try await GatewayFixture { $0.paymentWebhookSecret = MarketplaceRouteTests.webhookSecret }
        let secretFile = FileManager.default.temporaryDirectory.appendingPathComponent("whsec-\(UUID().uuidString)")
        try MarketplaceRouteTests.webhookSecret.write(to: secretFile, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: secretFile) }
        try await fixture.run { api in
            let user = try await api.signUp("tester")
            let signed = try Self.lunar(["payments", "sign", "--user-id", "\(user.id)", "--amount", "12.34", "--event-id", "evt-cli-1",
                                         "--secret-file", secretFile.path, "--json"])
            #expect(signed.status == 0, "\(signed.stderr)")
            let output = try #require(try JSONSerialization.jsonObject(with: Data(signed.stdout.utf8)) as? [String: String], "\(signed.stdout)")
            let body = try #require(output["body"]), signature = try #require(output["signature"])
            for _ in 0..<2 {
                let reply = try await api.call(.post, "/api/webhooks/payments", raw: body, headers: ["Lunar-Signature": signature])
                #expect(reply.status == 200, "\(reply.text)")
            }
            #expect(try await api.call(.get, "/api/wallet", token: user.access).json["balance"] as? String == "12.34", "applied once")

            let curl = try Self.lunar(["payments", "sign", "--user-id", "\(user.id)", "--amount", "1.00", "--secret-file", secretFile.path,
                                       "--url", "http://127.0.0.1:\(api.port)/"])
            #expect(curl.status == 0 && curl.stdout.hasPrefix("curl -s http://127.0.0.1:\(api.port)/api/webhooks/payments ")
                    && curl.stdout.contains("Lunar-Signature: t="), "\(curl.stdout)")
            for bad in [["--amount", "0"], ["--amount", "-3"], ["--amount", "1.234"], ["--amount", "abc"]] {
                let refused = try Self.lunar(["payments", "sign", "--user-id", "\(user.id)", "--secret-file", secretFile.path] + bad)
                #expect(refused.status != 0 && refused.stderr.contains("--amount"), "\(bad): \(refused.stderr)")
            }
            let noSecret = try Self.lunar(["payments", "sign", "--user-id", "\(user.id)", "--amount", "1.00"], environment: [:])
            #expect(noSecret.status != 0 && noSecret.stderr.contains("LUNAR_WEBHOOK_SECRET"), "\(noSecret.stderr)")
        }
    }

    static func lunar(_ arguments: [String], environment: [String: String]? = nil) throws -> (status: Int32, stdout: String, stderr: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: TestPaths.lunarExecutable)
        process.arguments = arguments
        if let environment { process.environment = environment }
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let stdout = out.fileHandleForReading.readDataToEndOfFile(), stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: stdout, as: UTF8.self), String(decoding: stderr, as: UTF8.self))
    }
}
