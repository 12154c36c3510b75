import Hummingbird
import Marketplace

extension Gateway {
    /// Two-factor sign-in is not built yet (docs/api.md says so): no user can
    /// turn it on, so there is never a challenge.
    func secondFactorChallenge(for user: User, code: String?) async throws -> Response? { nil }
}
