import Foundation
import JWTKit
import Marketplace
import Testing
@testable import Gateway

/// Tokens signed with the right key but the wrong claims are refused.
@Suite struct TokenClaimTests {
    @Test func wrongIssuerAudienceAndFutureTimesAreRefused() async throws {
        let fixture = try await GatewayFixture()
        try await fixture.run { api in
            let session = try await api.signUp("alice")
            let service = await TokenService.make(secret: GatewayFixture.secret)
            let real = try #require(await service.verify(session.access, now: fixture.clock.now))
            #expect(real.iss.value == "lunar" && real.aud.value == ["lunar-api"])
            let now = fixture.clock.now
            func date(_ seconds: Int64) -> Date { Date(timeIntervalSince1970: TimeInterval(seconds)) }
            func claims(iss: String = "lunar", aud: String = "lunar-api", iat: Int64? = nil, nbf: Int64? = nil) -> AccessClaims {
                AccessClaims(sub: real.sub, sid: real.sid, iss: .init(value: iss), aud: .init(value: [aud]),
                             iat: .init(value: date(iat ?? now)), nbf: .init(value: date(nbf ?? now)),
                             exp: .init(value: date(now + 900)), typ: "access")
            }
            func status(_ payload: AccessClaims) async throws -> (Int, String?) {
                let reply = try await api.call(.get, "/api/auth/me", token: try await service.sign(payload))
                return (reply.status, reply.errorCode)
            }
            // The same claims as issued pass, and so does a clock 30 s ahead (within the leeway).
            #expect(try await status(claims()).0 == 200)
            #expect(try await status(claims(iat: now + 30, nbf: now + 30)).0 == 200)
            #expect(try await status(claims(iss: "someone-else")) == (401, "invalid_token"))
            #expect(try await status(claims(aud: "another-api")) == (401, "invalid_token"))
            #expect(try await status(claims(nbf: now + 3_600)) == (401, "invalid_token"))
            #expect(try await status(claims(iat: now + 3_600)) == (401, "invalid_token"))
            // A token from before iss/aud existed: the right key, no issuer or audience.
            struct Legacy: JWTPayload {
                var sub: SubjectClaim, sid: String, iat: IssuedAtClaim, exp: ExpirationClaim, typ: String
                func verify(using algorithm: some JWTAlgorithm) async throws {}
            }
            let legacy = try await service.sign(Legacy(sub: real.sub, sid: real.sid, iat: .init(value: date(now)),
                                                       exp: .init(value: date(now + 900)), typ: "access"))
            #expect(try await api.call(.get, "/api/auth/me", token: legacy).status == 401)
            // Expiry follows the server's clock, not the machine's.
            fixture.clock.advance(901)
            #expect(try await api.call(.get, "/api/auth/me", token: session.access).status == 401)
        }
    }
}
