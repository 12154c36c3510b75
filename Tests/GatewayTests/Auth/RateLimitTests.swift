import Testing
@testable import Gateway

@Suite struct RateLimitTests {
    @Test func authTierCountsPerAddressWithHeadersAnd429() async throws {
        let fixture = try await GatewayFixture { $0.authRateLimit = 3 }
        try await fixture.run { api in
            var remaining: [String?] = []
            for _ in 0..<3 {
                let reply = try await api.call(.post, "/api/auth/refresh", json: ["refreshToken": "nothing-like-a-token"])
                #expect(reply.status == 401 && reply.header("RateLimit-Limit") == "3")
                remaining.append(reply.header("RateLimit-Remaining"))
            }
            #expect(remaining == ["2", "1", "0"])
            let limited = try await api.call(.post, "/api/auth/refresh", json: ["refreshToken": "nothing-like-a-token"])
            #expect(limited.status == 429 && limited.errorCode == "rate_limited")
            let retry = Int(limited.header("Retry-After") ?? "") ?? -1
            #expect((1...60).contains(retry) && limited.header("RateLimit-Reset") == String(retry))
            // A new window lets it through again.
            fixture.clock.advance(60)
            #expect(try await api.call(.post, "/api/auth/refresh", json: ["refreshToken": "x-token"]).status == 401)
        }
    }

    @Test func apiTierCountsPerUser() async throws {
        let fixture = try await GatewayFixture { $0.apiRateLimit = 2 }
        try await fixture.run { api in
            let alice = try await api.signUp("alice")
            let bob = try await api.signUp("bob")
            #expect(try await api.call(.get, "/api/auth/me", token: alice.access).status == 200)
            #expect(try await api.call(.get, "/api/auth/me", token: alice.access).status == 200)
            #expect(try await api.call(.get, "/api/auth/me", token: alice.access).status == 429)
            #expect(try await api.call(.get, "/api/auth/me", token: bob.access).status == 200)
        }
    }

    @Test func anonymousTierCountsPerAddressApartFromUsers() async throws {
        // The loopback test client is the "proxy", so X-Forwarded-For picks the address counted.
        let fixture = try await GatewayFixture { $0.anonymousRateLimit = 3; $0.trustedProxies = ["127.0.0.1", "::1"] }
        try await fixture.run { api in
            let alice = try await api.signUp("alice")
            let first = ["X-Forwarded-For": "203.0.113.1"]
            var remaining: [String?] = []
            for path in ["/api/health", "/api/version", "/api/marketplace/listings"] {
                let reply = try await api.call(.get, path, headers: first)
                #expect(reply.header("RateLimit-Limit") == "3", "\(path)")
                remaining.append(reply.header("RateLimit-Remaining"))
            }
            #expect(remaining == ["2", "1", "0"])
            let limited = try await api.call(.get, "/api/market/instruments", headers: first)
            #expect(limited.status == 429 && limited.errorCode == "rate_limited")
            let retry = Int(limited.header("Retry-After") ?? "") ?? -1
            #expect((1...60).contains(retry) && limited.header("RateLimit-Remaining") == "0")
            // An invalid token is no way around it: it counts as anonymous.
            #expect(try await api.call(.get, "/api/strategies", token: "not-a-token", headers: first).status == 429)
            // Another address has a budget of its own.
            let other = try await api.call(.get, "/api/health", headers: ["X-Forwarded-For": "203.0.113.2"])
            #expect(other.status == 200 && other.header("RateLimit-Remaining") == "2")
            // A signed-in user behind the exhausted address spends the user tier, not the anonymous one.
            let me = try await api.call(.get, "/api/auth/me", token: alice.access, headers: first)
            #expect(me.status == 200 && me.header("RateLimit-Limit") == "600" && me.header("RateLimit-Remaining") == "599")
            // Without a token the same route is refused as before (401), once the window allows counting it.
            fixture.clock.advance(60)
            let anonymous = try await api.call(.get, "/api/auth/me", headers: first)
            #expect(anonymous.status == 401 && anonymous.header("RateLimit-Limit") == "3")
        }
    }

    @Test func forwardedForIsBelievedOnlyFromTrustedProxies() {
        let direct = ClientAddress(trustedProxies: [])
        #expect(direct.resolve(peer: "10.0.0.9", forwardedFor: ["1.2.3.4"]) == "10.0.0.9")
        let proxied = ClientAddress(trustedProxies: ["10.0.0.1", "10.0.0.2"])
        #expect(proxied.resolve(peer: "10.0.0.1", forwardedFor: ["6.6.6.6, 1.2.3.4, 10.0.0.2"]) == "1.2.3.4")
        #expect(proxied.resolve(peer: "10.0.0.1", forwardedFor: []) == "10.0.0.1")
        #expect(proxied.resolve(peer: "9.9.9.9", forwardedFor: ["1.2.3.4"]) == "9.9.9.9")
    }

    @Test func limiterMemoryStaysBounded() {
        let limiter = RateLimiter(limit: 5, windowSeconds: 60, maximumKeys: 100)
        for index in 0..<1_000 { _ = limiter.take("key-\(index)", now: 1_000 + Int64(index)) }
        #expect(limiter.take("fresh", now: 2_000).allowed)
    }
}
