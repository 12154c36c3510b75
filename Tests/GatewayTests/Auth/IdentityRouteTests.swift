import Foundation
import Testing
@testable import Gateway

/// Hostile Unicode in names over HTTP: 422 naming the field and the rule;
/// duplicates found after normalization and case folding.
@Suite struct IdentityRouteTests {
    @Test func hostileNamesAreRefusedAndLookalikesAreDuplicates() async throws {
        let fixture = try await GatewayFixture()
        try await fixture.run { api in
            let register = { (username: String, email: String) in
                try await api.call(.post, "/api/auth/register", json: ["username": username, "email": email, "password": "correct-horse-42"])
            }
            let bidi = try await register("mallory", "mallory\u{202E}moc.evil@example.com")
            #expect(bidi.status == 422 && bidi.errorDetails.first?["field"] as? String == "email")
            #expect((bidi.errorDetails.first?["issue"] as? String ?? "").contains("bidirectional"))
            let zeroWidth = try await register("ad\u{200B}min", "admin@example.com")
            #expect(zeroWidth.status == 422 && zeroWidth.errorDetails.first?["field"] as? String == "username")
            #expect((zeroWidth.errorDetails.first?["issue"] as? String ?? "").contains("zero-width"))

            #expect(try await register("eve", "e\u{301}ve@example.com").status == 201)
            let lookalike = try await register("eve2", "\u{c9}VE@example.com")
            #expect(lookalike.status == 409 && lookalike.errorCode == "duplicate")
            let login = try await api.call(.post, "/api/auth/login", json: ["login": "\u{c9}ve@EXAMPLE.com", "password": "correct-horse-42"])
            #expect(login.status == 200)
        }
    }
}
