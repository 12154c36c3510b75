import Crypto
import Foundation
import JWTKit
import Marketplace

/// The claims of an access token (HS256, 15 minutes by default).
struct AccessClaims: JWTPayload {
    static let issuer = "lunar"
    static let audience = "lunar-api"
    /// How far a client's token may seem to come from the future (`iat`, `nbf`).
    static let leeway: Int64 = 60

    var sub: SubjectClaim
    /// The session (refresh-token family) it was issued in: logout revokes it.
    var sid: String
    var iss: IssuerClaim
    var aud: AudienceClaim
    var iat: IssuedAtClaim
    var nbf: NotBeforeClaim
    var exp: ExpirationClaim
    var typ: String

    /// What needs no clock; the times are checked by `verify(at:)` against
    /// the Gateway's clock (jwt-kit's own default is the system time).
    func verify(using algorithm: some JWTAlgorithm) async throws {
        guard iss.value == Self.issuer else { throw JWTError.claimVerificationFailure(failedClaim: iss, reason: "wrong issuer") }
        try aud.verifyIntendedAudience(includes: Self.audience)
        guard typ == "access" else { throw JWTError.claimVerificationFailure(failedClaim: nil, reason: "not an access token") }
    }

    /// `exp` strictly; `nbf` and `iat` with `leeway` for clock skew.
    func verify(at now: Int64) throws {
        try exp.verifyNotExpired(currentDate: Date(timeIntervalSince1970: TimeInterval(now)))
        try nbf.verifyNotBefore(currentDate: Date(timeIntervalSince1970: TimeInterval(now + Self.leeway)))
        guard iat.value.timeIntervalSince1970 <= TimeInterval(now + Self.leeway) else {
            throw JWTError.claimVerificationFailure(failedClaim: iat, reason: "issued in the future")
        }
    }
}

/// Signs and verifies access tokens and makes refresh tokens. Only HS256
/// with the configured secret is registered, so `alg: none`, another
/// algorithm or another key fail verification in jwt-kit.
public struct TokenService: Sendable {
    let keys: JWTKeyCollection
    let accessLifetime: Int64

    public static func make(secret: String, accessLifetime: Int64 = 900) async -> TokenService {
        let keys = JWTKeyCollection()
        await keys.add(hmac: HMACKey(from: secret), digestAlgorithm: .sha256)
        return TokenService(keys: keys, accessLifetime: accessLifetime)
    }

    func accessToken(for user: UserID, session: String, now: Int64) async throws -> String {
        let issued = Date(timeIntervalSince1970: TimeInterval(now))
        let claims = AccessClaims(sub: .init(value: user.description), sid: session, iss: .init(value: AccessClaims.issuer),
                                  aud: .init(value: [AccessClaims.audience]), iat: .init(value: issued), nbf: .init(value: issued),
                                  exp: .init(value: Date(timeIntervalSince1970: TimeInterval(now + accessLifetime))), typ: "access")
        return try await keys.sign(claims)
    }

    /// The claims of a valid token at `now` (Unix seconds), or nil for
    /// anything forged, expired, not yet valid, for another issuer or
    /// audience, or malformed.
    func verify(_ token: String, now: Int64) async -> AccessClaims? {
        guard token.utf8.count <= 4_096, let claims = try? await keys.verify(token, as: AccessClaims.self),
              (try? claims.verify(at: now)) != nil else { return nil }
        return claims
    }

    /// Signs any payload with the service's key (tests forge claims with it).
    func sign(_ claims: some JWTPayload) async throws -> String {
        try await keys.sign(claims)
    }

    /// 32 random bytes, base64url: an opaque refresh token or session id.
    static func randomToken() -> String {
        SymmetricKey(size: .bits256).withUnsafeBytes { Data($0) }.base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }

    /// What the store keeps of a refresh token.
    static func digest(_ token: String) -> String {
        SHA256.hash(data: Data(token.utf8)).map { String(format: "%02x", $0) }.joined()
    }
}
