import Hummingbird

extension Gateway {
    /// The routes behind authentication and the per-user rate limit.
    func addProtectedRoutes(to group: RouterGroup<GatewayContext>) {
        AuthRoutes(gateway: self).addSignedIn(to: group.group("auth"))
        StrategyRoutes(gateway: self).add(to: group)
        BacktestRoutes(gateway: self).add(to: group)
        DatasetRoutes(gateway: self).add(to: group)
        DeploymentRoutes(gateway: self).add(to: group)
        ManualOrderRoutes(gateway: self).add(to: group)
        MarketRoutes(gateway: self).add(to: group)
        RiskRoutes(gateway: self).add(to: group)
        MarketplaceRoutes(gateway: self).add(to: group)
        WalletRoutes(gateway: self).add(to: group)
        let admin = group.group("admin").add(middleware: RequireRole(minimum: .admin))
        TemplateRoutes(gateway: self).add(to: group, admin: admin)
        AdminRoutes(gateway: self).add(to: admin)
    }
}
