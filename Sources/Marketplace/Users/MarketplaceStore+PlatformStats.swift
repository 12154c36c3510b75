import Foundation

/// The platform's figures for admins (`GET /api/admin/stats`).
public struct PlatformStats: Sendable, Equatable {
    public struct Revenue: Sendable, Equatable {
        public var currency: String
        /// Completed sales' prices and the platform's fees on them, minor units.
        public var gross: Int64
        public var fees: Int64
        /// Money paid out to authors (`payouts` account), minor units.
        public var paidOut: Int64
    }
    public var users: Int
    /// Users by effective status: a suspension that has ended counts as active.
    public var activeUsers: Int
    public var suspendedUsers: Int
    public var bannedUsers: Int
    public var completedSales: Int
    public var refundedSales: Int
    public var revenue: [Revenue]
    /// Deployment rows by status (`running`, `halted`, `faulted`, `stopped`).
    public var deployments: [String: Int]
}

extension MarketplaceStore {
    /// Counts over the whole store in one read; moderators only.
    public func platformStats(by actorID: UserID) throws(StoreError) -> PlatformStats {
        let now = self.now
        return try read(as: actorID) { (actor, connection) throws(StoreError) -> PlatformStats in
            try actor.requireModerator("read platform statistics")
            let users = try connection.row("""
                SELECT COUNT(*),
                       COALESCE(SUM(status = 'active' OR (status = 'suspended' AND status_until <= ?1)), 0),
                       COALESCE(SUM(status = 'suspended' AND (status_until IS NULL OR status_until > ?1)), 0),
                       COALESCE(SUM(status = 'banned'), 0)
                FROM users
                """, [now]) { [$0.int(0), $0.int(1), $0.int(2), $0.int(3)] } ?? [0, 0, 0, 0]
            let sales = try connection.row("""
                SELECT COALESCE(SUM(status = 'completed'), 0), COALESCE(SUM(status = 'refunded'), 0) FROM purchases
                """) { [$0.int(0), $0.int(1)] } ?? [0, 0]
            var revenue: [String: PlatformStats.Revenue] = [:]
            for (currency, gross, fees) in try connection.rows("""
                SELECT currency, SUM(price), SUM(fee) FROM purchases WHERE status = 'completed' GROUP BY currency
                """, [], { ($0.text(0), $0.int64(1), $0.int64(2)) }) {
                revenue[currency] = .init(currency: currency, gross: gross, fees: fees, paidOut: 0)
            }
            for (currency, paid) in try connection.rows("""
                SELECT currency, SUM(amount) FROM ledger_entries WHERE account = 'payouts' GROUP BY currency
                """, [], { ($0.text(0), $0.int64(1)) }) {
                revenue[currency, default: .init(currency: currency, gross: 0, fees: 0, paidOut: 0)].paidOut = paid
            }
            var deployments = ["running": 0, "halted": 0, "faulted": 0, "stopped": 0]
            for (status, count) in try connection.rows("SELECT status, COUNT(*) FROM deployments GROUP BY status", [], { ($0.text(0), $0.int(1)) }) {
                deployments[status] = count
            }
            return PlatformStats(users: users[0], activeUsers: users[1], suspendedUsers: users[2], bannedUsers: users[3],
                                 completedSales: sales[0], refundedSales: sales[1],
                                 revenue: revenue.values.sorted { $0.currency < $1.currency }, deployments: deployments)
        }
    }
}
