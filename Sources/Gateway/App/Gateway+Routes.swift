import Hummingbird

extension Gateway {
    /// The routes behind authentication and the per-user rate limit.
    func addProtectedRoutes(to group: RouterGroup<GatewayContext>) {
        AuthRoutes(gateway: self).addSignedIn(to: group.group("auth"))
    }
}
