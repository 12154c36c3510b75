import Crypto
import Foundation
import JWTKit
import Marketplace

/// The claims of an access token (HS256, 15 minutes by default).
struct AccessClaims: JWTPayload {
    var sub: SubjectClaim
    /// The session (refresh-token family) it was issued in: logout revokes it.
    var sid: String
    var iat: IssuedAtClaim
    var exp: ExpirationClaim
    var typ: String

    func verify(using algorithm: some JWTAlgorithm) async throws {
        try exp.verifyNotExpired()
        guard typ == "access" else { throw JWTError.claimVerificationFailure(failedClaim: nil, reason: "not an access token") }
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
        let claims = AccessClaims(sub: .init(value: user.description), sid: session,
                                  iat: .init(value: Date(timeIntervalSince1970: TimeInterval(now))),
                                  exp: .init(value: Date(timeIntervalSince1970: TimeInterval(now + accessLifetime))), typ: "access")
        return try await keys.sign(claims)
    }

    /// The claims of a valid token, or nil for anything forged, expired or malformed.
    func verify(_ token: String) async -> AccessClaims? {
        guard token.utf8.count <= 4_096 else { return nil }
        return try? await keys.verify(token, as: AccessClaims.self)
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
