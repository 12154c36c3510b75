import Hummingbird

extension Gateway {
    /// The routes behind authentication and the per-user rate limit.
    func addProtectedRoutes(to group: APIRoutes) {
        AuthRoutes(gateway: self).addSignedIn(to: group.group("auth", tag: "auth"))
        StrategyRoutes(gateway: self).add(to: group.tagged("strategies"))
        BacktestRoutes(gateway: self).add(to: group.tagged("backtests"))
        OptimizationRoutes(gateway: self).add(to: group.tagged("backtests"))
        DatasetRoutes(gateway: self).add(to: group.tagged("backtests"))
        DeploymentRoutes(gateway: self).add(to: group.tagged("deployments"))
        EquityRoutes(gateway: self).add(to: group.tagged("portfolio"))
        PortfolioRoutes(gateway: self).add(to: group.tagged("portfolio"), risk: group.tagged("risk"))
        ManualOrderRoutes(gateway: self).add(to: group.tagged("trading"))
        MarketRoutes(gateway: self).add(to: group.tagged("market"))
        RiskRoutes(gateway: self).add(to: group.tagged("risk"))
        AlertRoutes(gateway: self).add(to: group.tagged("risk"))
        MarketplaceRoutes(gateway: self).add(to: group.tagged("marketplace"))
        WalletRoutes(gateway: self).add(to: group.tagged("wallet"))
        let admin = group.group("admin", tag: "admin", access: .admin).add(middleware: RequireRole(minimum: .admin))
        TemplateRoutes(gateway: self).add(to: group.tagged("templates"), admin: admin)
        AdminRoutes(gateway: self).add(to: admin)
    }
}
