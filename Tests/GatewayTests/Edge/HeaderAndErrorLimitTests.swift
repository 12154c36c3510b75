import Foundation
import Testing
@testable import Gateway

/// Heads too large, errors that would echo too much, duplicate keys, and
/// the `WWW-Authenticate` challenge of a 401.
@Suite struct HeaderAndErrorLimitTests {
    @Test func aHeadOverTheLimitIsRefusedWith431() async throws {
        let fixture = try await GatewayFixture()
        try await fixture.run { api in
            let big = try await api.call(.get, "/api/health", headers: ["X-Padding": String(repeating: "a", count: 64 * 1_024)])
            #expect(big.status == 431 && big.errorCode == "request_header_fields_too_large")
            #expect(big.errorMessage.contains("16384"))
            let fits = try await api.call(.get, "/api/health", headers: ["X-Padding": String(repeating: "a", count: 15 * 1_024)])
            #expect(fits.status == 200)
            // Many small fields count together.
            var many: [String: String] = [:]
            for index in 0..<40 { many["X-Field-\(index)"] = String(repeating: "b", count: 500) }
            #expect(try await api.call(.get, "/api/health", headers: many).status == 431)
        }
    }

    @Test func aMegabyteOfUnknownKeysGetsASmallError() async throws {
        let fixture = try await GatewayFixture()
        try await fixture.run { api in
            let alice = try await api.signUp("alice")
            var body: [String: Any] = ["name": "A"]
            for index in 0..<12_000 { body["unknown_key_\(String(repeating: "x", count: 60))_\(index)"] = 1 }
            let bytes = try JSONSerialization.data(withJSONObject: body).count
            #expect(bytes > 900_000 && bytes < RequestLimits.maximumBodyBytes)
            let reply = try await api.call(.post, "/api/strategies", json: body, token: alice.access)
            #expect(reply.status == 422 && reply.errorCode == "unknown_field")
            #expect(reply.text.utf8.count < 8 * 1_024)
            let details = reply.errorDetails
            #expect(details.count == 11)
            #expect(details.prefix(10).allSatisfy { ($0["field"] as? String ?? "").unicodeScalars.count == 64 })
            #expect(details.last?["issue"] as? String == "and 11990 more")
        }
    }

    @Test func escapedControlCharactersStillFitTheBound() {
        let noisy = String(repeating: "\u{1}", count: 64)
        let error = APIError(status: 422, code: "unknown_field", message: String(repeating: "\u{2}", count: 5_000),
                             details: (0..<50).map { APIError.Detail(field: noisy + "\($0)", issue: String(repeating: "\u{3}", count: 500)) })
        #expect(ErrorResponse.body(error, requestID: "test-request").count < 8 * 1_024)
        #expect(APIError.cut(noisy + "tail", 64).unicodeScalars.count == 64)
        #expect(error.bounded().details.count == 11)
    }

    @Test func aBodyBeyondTheCapIs413() async throws {
        let fixture = try await GatewayFixture()
        try await fixture.run { api in
            let alice = try await api.signUp("alice")
            let huge = #"{"name":""# + String(repeating: "a", count: RequestLimits.maximumBodyBytes) + #""}"#
            let reply = try await api.call(.post, "/api/strategies", raw: huge, token: alice.access)
            #expect(reply.status == 413 && reply.errorCode == "payload_too_large")
        }
    }

    @Test func duplicateKeysAreRefusedNamingTheKey() async throws {
        let fixture = try await GatewayFixture()
        try await fixture.run { api in
            let alice = try await api.signUp("alice")
            let twice = try await api.call(.post, "/api/strategies", raw: #"{"name":"A","name":"B"}"#, token: alice.access)
            #expect(twice.status == 400 && twice.errorCode == "duplicate_key")
            #expect(twice.errorDetails.first?["field"] as? String == "name")
            let escaped = try await api.call(.post, "/api/strategies", raw: #"{"name":"A","n\u0061me":"B"}"#, token: alice.access)
            #expect(escaped.status == 400 && escaped.errorDetails.first?["field"] as? String == "name")
            #expect(try await api.call(.post, "/api/strategies", raw: #"{"name":"A"}"#, token: alice.access).status == 201)
        }
    }

    @Test func a401SaysHowToAuthenticate() async throws {
        let fixture = try await GatewayFixture()
        try await fixture.run { api in
            let missing = try await api.call(.get, "/api/strategies")
            #expect(missing.status == 401 && missing.header("WWW-Authenticate") == #"Bearer realm="lunar""#)
            let bad = try await api.call(.get, "/api/strategies", token: "not-a-token")
            #expect(bad.status == 401)
            #expect(bad.header("WWW-Authenticate")?.contains(#"error="invalid_token""#) == true)
            let session = try await api.signUp("erin")
            _ = try await api.call(.post, "/api/auth/logout", token: session.access)
            let revoked = try await api.call(.get, "/api/auth/me", token: session.access)
            #expect(revoked.status == 401 && revoked.header("WWW-Authenticate")?.contains(#"error="invalid_token""#) == true)
        }
    }
}
