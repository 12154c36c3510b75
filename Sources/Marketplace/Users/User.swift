/// A role; each outranks the ones before it.
public enum Role: String, Sendable, Codable, CaseIterable, Comparable {
    case user, admin, superadmin

    var rank: Int {
        switch self {
        case .user: 0
        case .admin: 1
        case .superadmin: 2
        }
    }

    public static func < (lhs: Role, rhs: Role) -> Bool { lhs.rank < rhs.rank }
    public var isModerator: Bool { self >= .admin }
}

/// Whether an account may act. A suspension ends by itself at `until`.
public enum AccountStatus: Sendable, Equatable, Codable {
    case active
    case suspended(until: Int64, reason: String)
    case banned(reason: String)

    public var name: String {
        switch self {
        case .active: "active"
        case .suspended: "suspended"
        case .banned: "banned"
        }
    }

    /// The status in effect at `now` (an expired suspension is active).
    func effective(at now: Int64) -> AccountStatus {
        if case .suspended(let until, _) = self, until <= now { return .active }
        return self
    }
}

/// A Marketplace account. The password hash is never part of this value.
public struct User: Sendable, Equatable, Codable {
    public var id: UserID
    public var username: String
    public var email: String
    public var role: Role
    public var status: AccountStatus
    public var createdAt: Int64
}

/// A user's stored credentials, for the Gateway's login.
public struct Credentials: Sendable, Equatable {
    public var userID: UserID
    /// Exactly as given at registration; hashing happens at the Gateway.
    public var passwordHash: String
    public var status: AccountStatus
}
