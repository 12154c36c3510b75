import Marketplace

struct RegisterBody: RequestBody {
    var username: String
    var email: String
    var password: String
}

struct LoginBody: RequestBody {
    /// Username or email.
    var login: String
    var password: String
    /// A TOTP or recovery code, when 2FA is on.
    var code: String?
}

struct RefreshBody: RequestBody {
    var refreshToken: String?
}

/// What login and refresh return (and set as cookies).
struct TokenPair: Codable, ResponseEncodableBody {
    var accessToken: String
    var refreshToken: String
    var tokenType = "Bearer"
    var expiresIn: Int
    var refreshExpiresIn: Int
    var user: UserView
}

/// A user as the API shows it: never the password hash.
struct UserView: Codable, ResponseEncodableBody {
    var id: Int64
    var username: String
    var email: String
    var role: String
    var status: String
    var statusReason: String?
    var suspendedUntil: Timestamp?
    var createdAt: Timestamp

    init(_ user: User) {
        id = user.id.rawValue
        username = user.username
        email = user.email
        role = user.role.rawValue
        status = user.status.name
        switch user.status {
        case .active: break
        case .suspended(let until, let reason): statusReason = reason; suspendedUntil = Timestamp(until)
        case .banned(let reason): statusReason = reason
        }
        createdAt = Timestamp(user.createdAt)
    }
}
