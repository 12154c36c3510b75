extension MarketplaceStore {
    static let userColumns = "id, username, email, role, status, status_until, status_reason, created_at"

    static func user(_ row: Row) -> User {
        let status: AccountStatus = switch row.text(4) {
        case "suspended": .suspended(until: row.optionalInt64(5) ?? 0, reason: row.text(6))
        case "banned": .banned(reason: row.text(6))
        default: .active
        }
        return User(id: row.id(0), username: row.text(1), email: row.text(2),
                    role: Role(rawValue: row.text(3)) ?? .user, status: status, createdAt: row.int64(7))
    }

    static func fetchUser(_ id: UserID, _ connection: Connection) throws(StoreError) -> User? {
        try connection.row("SELECT \(userColumns) FROM users WHERE id = ?", [id], user)
    }

    /// Creates a user with the `user` role. `passwordHash` is stored as given.
    public func register(username: String, email: String, passwordHash: String) throws(StoreError) -> User {
        try insertUser(username: username, email: email, passwordHash: passwordHash, role: .user)
    }

    /// Creates the first superadmin; refused once one exists.
    public func bootstrapSuperadmin(username: String, email: String, passwordHash: String) throws(StoreError) -> User {
        try insertUser(username: username, email: email, passwordHash: passwordHash, role: .superadmin, onlyIfFirst: true)
    }

    private func insertUser(username: String, email: String, passwordHash: String, role: Role,
                            onlyIfFirst: Bool = false) throws(StoreError) -> User {
        let username = try InputRules.username(username)
        let email = try InputRules.email(email)
        guard (1...1_024).contains(passwordHash.utf8.count) else {
            throw StoreError.invalid(field: "passwordHash", rule: "must be 1 to 1024 bytes")
        }
        let now = self.now
        return try pool.write { (connection) throws(StoreError) -> User in
            if onlyIfFirst, try connection.integer("SELECT COUNT(*) FROM users WHERE role = 'superadmin'") > 0 {
                throw StoreError.forbidden(action: "bootstrap a superadmin", reason: "a superadmin already exists")
            }
            // Compared after NFC and case folding (`IdentityKey`), under the keys' unique indexes.
            let usernameKey = IdentityKey.make(username), emailKey = IdentityKey.make(email)
            if try connection.integer("SELECT COUNT(*) FROM users WHERE username_key = ?", [usernameKey]) > 0 {
                throw StoreError.duplicate(field: "username")
            }
            if try connection.integer("SELECT COUNT(*) FROM users WHERE email_key = ?", [emailKey]) > 0 {
                throw StoreError.duplicate(field: "email")
            }
            try connection.run("""
                INSERT INTO users (username, email, password_hash, role, created_at, username_key, email_key) VALUES (?, ?, ?, ?, ?, ?, ?)
                """, [username, email, passwordHash, role.rawValue, now, usernameKey, emailKey])
            return User(id: UserID(connection.lastInsertedRowID), username: username, email: email, role: role,
                        status: .active, createdAt: now)
        }
    }

    /// A user by id, with the status in effect now.
    public func user(_ id: UserID) throws(StoreError) -> User {
        let now = self.now
        guard var user = try pool.read({ (connection) throws(StoreError) in try Self.fetchUser(id, connection) }) else {
            throw StoreError.notFound(entity: "user", id: id.description)
        }
        user.status = user.status.effective(at: now)
        return user
    }

    /// The stored credentials for a username or email, for the Gateway's login.
    public func credentials(login: String) throws(StoreError) -> Credentials {
        let now = self.now
        let found = try pool.read { (connection) throws(StoreError) in
            try connection.row("SELECT id, password_hash FROM users WHERE username_key = ?1 OR email_key = ?1", [IdentityKey.make(login)]) { row in
                (UserID(row.int64(0)), row.text(1))
            }
        }
        guard let (id, hash) = found else { throw StoreError.notFound(entity: "user", id: "with that login") }
        return Credentials(userID: id, passwordHash: hash, status: try user(id).status.effective(at: now))
    }

    /// Grants or removes admin rights. Only a superadmin may, and not on themselves.
    public func setRole(of target: UserID, to role: Role, by actorID: UserID) throws(StoreError) {
        let now = self.now
        try pool.write { (connection) throws(StoreError) in
            let actor = try Actor.load(actorID, connection, now: now)
            try actor.requireActive()
            guard actor.role == .superadmin else { throw StoreError.forbidden(action: "change roles", reason: "requires the superadmin role") }
            guard target != actorID else { throw StoreError.forbidden(action: "change roles", reason: "cannot change your own role") }
            guard try Self.fetchUser(target, connection) != nil else { throw StoreError.notFound(entity: "user", id: target.description) }
            try connection.run("UPDATE users SET role = ? WHERE id = ?", [role.rawValue, target])
            try Self.appendAudit(connection, actor: actorID, action: "user.set_role", target: .user(target), reason: role.rawValue, now: now)
        }
    }

    /// Suspends a user until `until` (Unix seconds, in the future).
    public func suspend(_ target: UserID, until: Int64, reason: String, by actorID: UserID) throws(StoreError) {
        let reason = try InputRules.reason(reason)
        guard until > now else { throw StoreError.invalid(field: "until", rule: "must be in the future") }
        try changeStatus(target, to: .suspended(until: until, reason: reason), action: "user.suspend", reason: reason, by: actorID)
    }

    /// Bans a user: hides their listings, blocks their purchases and
    /// publishing, stops their deployments (marked stopped here, and the
    /// `DeploymentController` stops the running ones after the commit).
    public func ban(_ target: UserID, reason: String, by actorID: UserID) throws(StoreError) {
        let reason = try InputRules.reason(reason)
        try changeStatus(target, to: .banned(reason: reason), action: "user.ban", reason: reason, by: actorID)
        deploymentController?.stopDeployments(ownedBy: target, reason: "owner banned: \(reason)")
    }

    /// Lifts a suspension or ban.
    public func reinstate(_ target: UserID, reason: String, by actorID: UserID) throws(StoreError) {
        let reason = try InputRules.reason(reason)
        try changeStatus(target, to: .active, action: "user.reinstate", reason: reason, by: actorID)
    }

    private func changeStatus(_ target: UserID, to status: AccountStatus, action: String, reason: String,
                              by actorID: UserID) throws(StoreError) {
        let now = self.now
        try pool.write { (connection) throws(StoreError) in
            let actor = try Actor.load(actorID, connection, now: now)
            try actor.requireModerator(action)
            guard let user = try Self.fetchUser(target, connection) else { throw StoreError.notFound(entity: "user", id: target.description) }
            guard actor.role > user.role else {
                throw StoreError.forbidden(action: action, reason: "may only act on users of a lower role")
            }
            let (name, until): (String, Int64?) = switch status {
            case .active: ("active", nil)
            case .suspended(let until, _): ("suspended", until)
            case .banned: ("banned", nil)
            }
            try connection.run("UPDATE users SET status = ?, status_until = ?, status_reason = ? WHERE id = ?",
                               [name, until, status == .active ? "" : reason, target])
            let banned = status.name == "banned"
            try connection.run("UPDATE listings SET author_banned = ? WHERE author_id = ?", [banned, target])
            if banned {
                try connection.run("""
                    UPDATE deployments SET status = 'stopped', status_reason = 'owner banned', updated_at = ?
                    WHERE owner_id = ? AND status IN ('running', 'halted')
                    """, [now, target])
                try connection.run("UPDATE auth_sessions SET revoked_at = ?, revoked_reason = 'banned' WHERE user_id = ? AND revoked_at IS NULL",
                                   [now, target])
            }
            try Self.appendAudit(connection, actor: actorID, action: action, target: .user(target), reason: reason, now: now)
        }
    }
}
