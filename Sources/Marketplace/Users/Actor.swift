/// The user an operation acts for, loaded inside the operation's
/// transaction so permission checks see the same snapshot as the change.
struct Actor {
    let id: UserID
    let role: Role
    let status: AccountStatus

    static func load(_ id: UserID, _ connection: Connection, now: Int64) throws(StoreError) -> Actor {
        guard let user = try MarketplaceStore.fetchUser(id, connection) else {
            throw StoreError.notFound(entity: "user", id: id.description)
        }
        return Actor(id: id, role: user.role, status: user.status.effective(at: now))
    }

    var isModerator: Bool { role.isModerator && status == .active }

    /// Throws unless the account is active (not suspended or banned).
    func requireActive() throws(StoreError) {
        guard status == .active else { throw StoreError.accountRestricted(status: status.name) }
    }

    /// Throws unless the actor is an active admin or superadmin.
    func requireModerator(_ action: String) throws(StoreError) {
        try requireActive()
        guard role.isModerator else { throw StoreError.forbidden(action: action, reason: "requires the admin role") }
    }
}
