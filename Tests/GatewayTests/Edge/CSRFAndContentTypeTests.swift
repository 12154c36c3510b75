import Foundation
import Testing
@testable import Gateway

/// Cookie-authenticated writes need a JSON content type and an allowed
/// origin; bearer tokens and body-less routes are unaffected.
@Suite struct CSRFAndContentTypeTests {
    @Test func cookieWritesNeedJSONAndAnAllowedOrigin() async throws {
        let fixture = try await GatewayFixture()
        try await fixture.run { api in
            let alice = try await api.signUp("alice")
            let cookie = "access_token=\(alice.access)"
            let own = "http://127.0.0.1:\(api.port)"

            let plain = try await api.call(.post, "/api/strategies", raw: #"{"name":"A"}"#,
                                           headers: ["Cookie": cookie, "Origin": own, "Content-Type": "text/plain"])
            #expect(plain.status == 415 && plain.errorCode == "unsupported_media_type")
            #expect(plain.errorMessage.contains("application/json"))
            let form = try await api.call(.post, "/api/strategies", raw: "name=A",
                                          headers: ["Cookie": cookie, "Origin": own, "Content-Type": "application/x-www-form-urlencoded"])
            #expect(form.status == 415)

            let foreign = try await api.call(.post, "/api/strategies", json: ["name": "B"],
                                             headers: ["Cookie": cookie, "Origin": "https://evil.example"])
            #expect(foreign.status == 403 && foreign.errorCode == "csrf_rejected")
            let nullOrigin = try await api.call(.post, "/api/strategies", json: ["name": "B"], headers: ["Cookie": cookie, "Origin": "null"])
            #expect(nullOrigin.status == 403)
            let none = try await api.call(.post, "/api/strategies", json: ["name": "B"], headers: ["Cookie": cookie])
            #expect(none.status == 403 && none.errorCode == "csrf_rejected")
            let foreignReferer = try await api.call(.post, "/api/strategies", json: ["name": "B"],
                                                    headers: ["Cookie": cookie, "Referer": "https://evil.example/\(own)"])
            #expect(foreignReferer.status == 403)

            let same = try await api.call(.post, "/api/strategies", json: ["name": "C"], headers: ["Cookie": cookie, "Origin": own])
            #expect(same.status == 201)
            let referer = try await api.call(.post, "/api/strategies", json: ["name": "D"],
                                             headers: ["Cookie": cookie, "Referer": "\(own)/console/strategies?x=1"])
            #expect(referer.status == 201)
            let localhost = try await api.call(.post, "/api/strategies", raw: #"{"name":"E"}"#,
                                               headers: ["Cookie": cookie, "Origin": "http://LOCALHOST:\(api.port)",
                                                         "Content-Type": "application/json; charset=utf-8"])
            #expect(localhost.status == 201)
            let bearer = try await api.call(.post, "/api/strategies", json: ["name": "F"], token: alice.access,
                                            headers: ["Origin": "https://evil.example"])
            #expect(bearer.status == 201)
            // Reads are not writes.
            let read = try await api.call(.get, "/api/strategies", headers: ["Cookie": cookie, "Origin": "https://evil.example"])
            #expect(read.status == 200 && read.list.count == 4)
        }
    }

    @Test func refreshAndLogoutByCookieAreCheckedToo() async throws {
        let fixture = try await GatewayFixture()
        try await fixture.run { api in
            let bob = try await api.signUp("bob")
            let own = "http://127.0.0.1:\(api.port)"
            let refreshCookie = "refresh_token=\(bob.refresh)"
            let forged = try await api.call(.post, "/api/auth/refresh", json: [:], headers: ["Cookie": refreshCookie, "Origin": "https://evil.example"])
            #expect(forged.status == 403 && forged.errorCode == "csrf_rejected")
            let refreshed = try await api.call(.post, "/api/auth/refresh", json: [:], headers: ["Cookie": refreshCookie, "Origin": own])
            #expect(refreshed.status == 200)
            let access = try #require(refreshed.json["accessToken"] as? String)
            #expect(refreshed.cookies().allSatisfy { $0.contains("SameSite=Strict") })

            let forgedLogout = try await api.call(.post, "/api/auth/logout", headers: ["Cookie": "access_token=\(access)"])
            #expect(forgedLogout.status == 403)
            // A body-less POST needs no content type.
            let logout = try await api.call(.post, "/api/auth/logout", headers: ["Cookie": "access_token=\(access)", "Origin": own])
            #expect(logout.status == 204)
            let carol = try await api.signUp("carol")
            #expect(try await api.call(.post, "/api/auth/logout", token: carol.access).status == 204)
        }
    }

    @Test func configuredOriginsReplaceTheDefaults() async throws {
        let fixture = try await GatewayFixture { $0.allowedOrigins = ["https://Console.Example.com"] }
        try await fixture.run { api in
            let dave = try await api.signUp("dave")
            let cookie = "access_token=\(dave.access)"
            let console = try await api.call(.post, "/api/strategies", json: ["name": "A"],
                                              headers: ["Cookie": cookie, "Origin": "https://console.example.com:443"])
            #expect(console.status == 201)
            let own = try await api.call(.post, "/api/strategies", json: ["name": "B"],
                                          headers: ["Cookie": cookie, "Origin": "http://127.0.0.1:\(api.port)"])
            #expect(own.status == 403)
        }
    }

    @Test func theSignedWebhookTakesAnyContentType() async throws {
        let fixture = try await GatewayFixture { $0.paymentWebhookSecret = MarketplaceRouteTests.webhookSecret }
        try await fixture.run { api in
            let data = Data(#"{"id":"evt_x","type":"payment.refunded","userId":1,"amount":1,"currency":"USD"}"#.utf8)
            let signature = PaymentSignature.sign(data, secret: MarketplaceRouteTests.webhookSecret, timestamp: fixture.clock.now)
            let reply = try await api.call(.post, "/api/webhooks/payments", raw: String(decoding: data, as: UTF8.self),
                                           headers: ["Lunar-Signature": signature, "Content-Type": "text/plain"])
            #expect(reply.status == 200 && reply.json["applied"] as? Bool == false)
        }
    }

    @Test func originsCompareAsSchemeHostAndPort() {
        #expect(AllowedOrigins.normalize("HTTPS://Console.Example.com:443/path?q=1") == "https://console.example.com")
        #expect(AllowedOrigins.normalize("http://example.com:80") == "http://example.com")
        #expect(AllowedOrigins.normalize("http://[::1]:8080/") == "http://[::1]:8080")
        #expect(AllowedOrigins.normalize("null") == nil)
        #expect(AllowedOrigins.normalize("file:///etc/passwd") == nil)
        var configuration = GatewayConfiguration()
        configuration.host = "0.0.0.0"
        configuration.port = 0
        let origins = AllowedOrigins(configuration: configuration)
        origins.serverStarted(port: 9123)
        #expect(origins.allows("http://localhost:9123") && origins.allows("http://127.0.0.1:9123/console"))
        #expect(!origins.allows("http://localhost:9124") && !origins.allows("https://localhost:9123"))
    }
}
