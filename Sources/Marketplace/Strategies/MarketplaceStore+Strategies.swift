import Host

extension MarketplaceStore {
    static let versionColumns = "id, strategy_id, number, content_hash, changelog, schema_json, status, report_json, created_at"

    static func version(_ row: Row) throws(StoreError) -> StrategyVersion {
        StrategyVersion(id: row.id(0), strategyID: row.id(1), number: row.int(2), contentHash: row.text(3),
                        changelog: row.text(4),
                        schema: try row.optionalText(5).map { (text) throws(StoreError) in try JSONCoding.decode(StrategySchema.self, text) },
                        status: StrategyVersion.Status(rawValue: row.text(6)) ?? .rejected,
                        report: try JSONCoding.decode(ValidationReport.self, row.text(7)), createdAt: row.int64(8))
    }

    static func fetchVersion(_ id: VersionID, _ connection: Connection) throws(StoreError) -> StrategyVersion? {
        try connection.row("SELECT \(versionColumns) FROM strategy_versions WHERE id = ?", [id], version)
    }

    static func fetchStrategy(_ id: StrategyID, _ connection: Connection) throws(StoreError) -> Strategy? {
        try connection.row("SELECT id, author_id, name, created_at FROM strategies WHERE id = ?", [id]) { row in
            Strategy(id: row.id(0), authorID: row.id(1), name: row.text(2), createdAt: row.int64(3))
        }
    }

    /// The strategy, if `actor` is its author or a moderator (otherwise not found).
    static func ownedStrategy(_ id: StrategyID, by actor: Actor, _ connection: Connection) throws(StoreError) -> Strategy {
        guard let strategy = try fetchStrategy(id, connection), strategy.authorID == actor.id || actor.isModerator else {
            throw StoreError.notFound(entity: "strategy", id: id.description)
        }
        return strategy
    }

    /// Creates an empty strategy owned by the caller.
    public func createStrategy(name: String, by actorID: UserID) throws(StoreError) -> Strategy {
        let name = try InputRules.text(name, field: "name", length: 1...100)
        let now = self.now
        return try pool.write { (connection) throws(StoreError) -> Strategy in
            try Actor.load(actorID, connection, now: now).requireActive()
            if try connection.integer("SELECT COUNT(*) FROM strategies WHERE author_id = ? AND name = ?", [actorID, name]) > 0 {
                throw StoreError.duplicate(field: "name")
            }
            try connection.run("INSERT INTO strategies (author_id, name, created_at) VALUES (?, ?, ?)", [actorID, name, now])
            return Strategy(id: StrategyID(connection.lastInsertedRowID), authorID: actorID, name: name, createdAt: now)
        }
    }

    /// Uploads a new version: validates it (compile, schema, smoke backtest)
    /// and stores it as accepted, or as rejected with the reasons.
    public func uploadVersion(of strategyID: StrategyID, source: String, changelog: String,
                              by actorID: UserID) throws(StoreError) -> StrategyVersion {
        guard (1...200_000).contains(source.utf8.count) else {
            throw StoreError.invalid(field: "source", rule: "must be 1 to 200000 bytes")
        }
        let changelog = try InputRules.text(changelog, field: "changelog", length: 0...2_000)
        let now = self.now
        // Check ownership before spending a backtest on it; checked again when writing.
        try pool.read { (connection) throws(StoreError) in
            let actor = try Actor.load(actorID, connection, now: now)
            try actor.requireActive()
            guard try Self.ownedStrategy(strategyID, by: actor, connection).authorID == actorID else {
                throw StoreError.forbidden(action: "upload a version", reason: "only the author may")
            }
        }
        let (schema, report) = configuration.validator.validate(source: source)
        let hash = SHA256.hexDigest(text: source)
        let schemaJSON = try schema.map { (value) throws(StoreError) in try JSONCoding.encode(value) }
        let reportJSON = try JSONCoding.encode(report)
        let status: StrategyVersion.Status = report.passed && schema != nil ? .accepted : .rejected
        return try pool.write { (connection) throws(StoreError) -> StrategyVersion in
            let actor = try Actor.load(actorID, connection, now: now)
            try actor.requireActive()
            guard try Self.ownedStrategy(strategyID, by: actor, connection).authorID == actorID else {
                throw StoreError.forbidden(action: "upload a version", reason: "only the author may")
            }
            let number = Int(try connection.integer("SELECT COALESCE(MAX(number), 0) + 1 FROM strategy_versions WHERE strategy_id = ?", [strategyID]))
            try connection.run("""
                INSERT INTO strategy_versions (strategy_id, number, source, content_hash, changelog, schema_json, status, report_json, created_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, [strategyID, number, source, hash, changelog, schemaJSON, status.rawValue, reportJSON, now])
            return StrategyVersion(id: VersionID(connection.lastInsertedRowID), strategyID: strategyID, number: number,
                                   contentHash: hash, changelog: changelog, schema: schema, status: status,
                                   report: report, createdAt: now)
        }
    }

    /// The caller's strategies (or any user's, for moderators), oldest first.
    public func strategies(of authorID: UserID, by actorID: UserID) throws(StoreError) -> [Strategy] {
        try readOwned(by: authorID, as: actorID, "list strategies", who: "the author") { (connection) throws(StoreError) in
            try connection.rows("SELECT id, author_id, name, created_at FROM strategies WHERE author_id = ? ORDER BY id", [authorID]) { row in
                Strategy(id: row.id(0), authorID: row.id(1), name: row.text(2), createdAt: row.int64(3))
            }
        }
    }

    /// A strategy's versions, oldest first; author and moderators only.
    public func versions(of strategyID: StrategyID, by actorID: UserID) throws(StoreError) -> [StrategyVersion] {
        return try read(as: actorID) { (actor, connection) throws(StoreError) in
            _ = try Self.ownedStrategy(strategyID, by: actor, connection)
            return try connection.rows("SELECT \(Self.versionColumns) FROM strategy_versions WHERE strategy_id = ? ORDER BY number",
                                       [strategyID], Self.version)
        }
    }

    /// A version's source. Code protection: returned to the strategy's
    /// author and to admins; to others only for the live version of an
    /// approved free listing. Buyers of paid listings deploy, never read.
    public func source(of versionID: VersionID, by actorID: UserID) throws(StoreError) -> String {
        return try read(as: actorID) { (actor, connection) throws(StoreError) in
            guard let (source, authorID) = try connection.row("""
                SELECT v.source, s.author_id FROM strategy_versions v JOIN strategies s ON s.id = v.strategy_id WHERE v.id = ?
                """, [versionID], { row in (row.text(0), UserID(row.int64(1))) }) else {
                throw StoreError.notFound(entity: "version", id: versionID.description)
            }
            if authorID == actorID || actor.isModerator { return source }
            let freeAndPublic = try connection.integer("""
                SELECT COUNT(*) FROM listings WHERE live_version_id = ? AND price = 0 AND status = 'approved' AND author_banned = 0
                """, [versionID]) > 0
            guard freeAndPublic else {
                throw StoreError.forbidden(action: "read the source", reason: "the source is shown only to its author and admins")
            }
            return source
        }
    }
}
