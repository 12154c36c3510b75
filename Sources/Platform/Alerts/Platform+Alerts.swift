import Marketplace

/// Alert rules go through the platform so the engine reads them again at once.
extension Platform {
    public func createAlertRule(kind: AlertRuleKind, deploymentID: DeploymentID?, threshold: Int64?,
                                by user: UserID) async throws -> AlertRule {
        let rule = try await store.write { try $0.createAlertRule(kind: kind, deploymentID: deploymentID, threshold: threshold, by: user) }
        alerts.reload()
        return rule
    }

    /// Deletes a rule; its active alerts are resolved (and reach the listeners as such).
    public func deleteAlertRule(_ id: AlertRuleID, by user: UserID) async throws {
        let resolved = try await store.write { try $0.deleteAlertRule(id, by: user) }
        alerts.reload()
        for alert in resolved { alerts.announce(alert) }
    }
}
