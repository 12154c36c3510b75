/// A sign-in: one family of refresh tokens. Each refresh spends the
/// presented token and issues the next; presenting a spent token again means
/// it was copied, so the whole family is revoked.
public struct Session: Sendable, Equatable {
    public var id: String
    public var userID: UserID
    public var createdAt: Int64
    public var expiresAt: Int64
    /// Why the session ended early (logout, reuse, ban); nil while it lives.
    public var revokedReason: String?
}

/// What presenting a refresh token did.
public enum RefreshOutcome: Sendable, Equatable {
    /// The token was live: it is now spent and `next` replaces it.
    case rotated(Session)
    /// The token had been spent before: the family is now revoked.
    case reused(sessionID: String)
    /// Unknown, expired, or its session was already revoked.
    case invalid
}
