import Foundation
import Testing
@testable import Gateway

/// Health, version, the error shape, request ids, strict JSON and body limits.
@Suite struct FoundationTests {
    @Test func healthReadyAndVersionAnswerWithARequestID() async throws {
        let fixture = try await GatewayFixture()
        try await fixture.run { api in
            let health = try await api.call(.get, "/api/health")
            #expect(health.status == 200 && health.json["status"] as? String == "ok")
            #expect((health.header("X-Request-Id") ?? "").count >= 8)
            let ready = try await api.call(.get, "/api/health/ready")
            #expect(ready.status == 200 && ready.json["database"] as? String == "ok")
            let version = try await api.call(.get, "/api/version")
            #expect(version.json["schemaVersion"] as? Int == MarketplaceStore.schemaVersion)
            // A well-formed client request id is kept; a hostile one is replaced.
            let traced = try await api.call(.get, "/api/health", headers: ["X-Request-Id": "trace-12345678"])
            #expect(traced.header("X-Request-Id") == "trace-12345678")
            let hostile = try await api.call(.get, "/api/health", headers: ["X-Request-Id": "bad id\twith spaces and tabs"])
            #expect(hostile.header("X-Request-Id") != "bad id\twith spaces and tabs")
        }
    }

    @Test func unknownRoutesGetTheOneErrorShape() async throws {
        let fixture = try await GatewayFixture()
        try await fixture.run { api in
            let reply = try await api.call(.get, "/api/no-such-thing")
            #expect(reply.status == 404)
            let error = try #require(reply.json["error"] as? [String: Any])
            #expect(error["code"] as? String == "not_found")
            #expect(error["requestId"] as? String == reply.header("X-Request-Id"))
            #expect(error["details"] is [Any] && error["message"] is String)
        }
    }

    @Test func writeBodiesAreStrict() async throws {
        let fixture = try await GatewayFixture()
        try await fixture.run { api in
            let massAssignment = try await api.call(.post, "/api/auth/register", json: [
                "username": "mallory", "email": "m@example.com", "password": "correct-horse-42", "role": "superadmin"])
            #expect(massAssignment.status == 422 && massAssignment.errorCode == "unknown_field")
            #expect(massAssignment.errorDetails.first?["field"] as? String == "role")

            let notJSON = try await api.call(.post, "/api/auth/register", raw: "{not json")
            #expect(notJSON.status == 400 && notJSON.errorCode == "bad_request")
            let array = try await api.call(.post, "/api/auth/register", raw: "[1, 2]")
            #expect(array.status == 400)
            let wrongType = try await api.call(.post, "/api/auth/register", raw: #"{"username": 5, "email": "a@b.co", "password": "x"}"#)
            #expect(wrongType.status == 422 && wrongType.errorDetails.first?["field"] as? String == "username")
            let missing = try await api.call(.post, "/api/auth/register", json: ["username": "someone"])
            #expect(missing.status == 422 && missing.errorCode == "invalid_input")
            let nan = try await api.call(.post, "/api/auth/register", raw: #"{"username": NaN}"#)
            #expect(nan.status == 400)
        }
    }

    @Test func oversizedBodiesGet413() async throws {
        let fixture = try await GatewayFixture()
        try await fixture.run { api in
            let huge = String(repeating: "a", count: RequestLimits.maximumBodyBytes + 10)
            let reply = try await api.call(.post, "/api/auth/login", raw: #"{"login": "\#(huge)", "password": "x"}"#)
            #expect(reply.status == 413 && reply.errorCode == "payload_too_large")
        }
    }

    @Test func storeFailuresNeverLeakSQL() {
        let mapped = APIError.from(Marketplace.StoreError.database(code: 19, message: "UNIQUE constraint failed: users.email"))
        #expect(mapped.status == 500 && !mapped.message.contains("UNIQUE") && mapped.details.isEmpty)
        let invalid = APIError.from(Marketplace.StoreError.invalid(field: "title", rule: "must be 3 to 120 characters"))
        #expect(invalid.status == 422 && invalid.details == [.init(field: "title", issue: "must be 3 to 120 characters")])
    }
}

import Marketplace
