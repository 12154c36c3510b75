import Host
import Sandbox

extension MarketplaceStore {
    static let deploymentColumns = """
        id, owner_id, source_kind, version_id, listing_id, template_id, parameters_json, risk_json, mode, status, status_reason, \
        created_at, updated_at, market_json
        """

    /// Parameters and risk limits are decoded once per distinct document.
    private static let storedParameters = DecodedJSONMemo<[String: LuaValue]>()
    private static let storedRisk = DecodedJSONMemo<RiskLimits>()

    static func deployment(_ row: Row) throws(StoreError) -> Deployment {
        let source: Deployment.Source = switch row.text(2) {
        case "listing": .listing(row.id(4))
        case "template": .template(row.text(5))
        default: .strategyVersion(row.id(3))
        }
        return Deployment(id: row.id(0), ownerID: row.id(1), source: source,
                          parameters: try storedParameters.decode(row.text(6)),
                          risk: try storedRisk.decode(row.text(7)),
                          market: try row.optionalText(13).map { text throws(StoreError) in try JSONCoding.decode(DeploymentMarket.self, text) },
                          mode: row.text(8),
                          status: Deployment.Status(name: row.text(9), reason: row.text(10)),
                          createdAt: row.int64(11), updatedAt: row.int64(12))
    }

    static func fetchDeployment(_ id: DeploymentID, _ connection: Connection) throws(StoreError) -> Deployment? {
        try connection.row("SELECT \(deploymentColumns) FROM deployments WHERE id = ?", [id], deployment)
    }

    /// The script and schema a source runs, checking that `owner` may deploy it.
    static func resolveSource(_ source: Deployment.Source, owner: Actor, _ connection: Connection) throws(StoreError)
        -> (source: String, schema: StrategySchema, defaults: [String: LuaValue], risk: RiskLimits?, versionID: VersionID?) {
        switch source {
        case .strategyVersion(let versionID):
            guard let version = try fetchVersion(versionID, connection),
                  try fetchStrategy(version.strategyID, connection)?.authorID == owner.id else {
                throw StoreError.notFound(entity: "version", id: versionID.description)
            }
            guard version.status == .accepted, let schema = version.schema else {
                throw StoreError.invalid(field: "source", rule: "the version must have passed validation")
            }
            return (try versionSource(versionID, connection), schema, [:], nil, versionID)
        case .listing(let listingID):
            // A completed purchase keeps its access when the listing is later
            // suspended or unpublished, or its author banned: buyers paid.
            guard let (listing, authorBanned) = try fetchListing(listingID, connection) else {
                throw StoreError.notFound(entity: "listing", id: listingID.description)
            }
            let onSale = listing.status == .approved && !authorBanned
            let owned = try owns(owner.id, listingID, connection)
            let entitled = listing.authorID == owner.id || owned || (listing.price.isFree && onSale)
            guard entitled else {
                guard onSale || owner.isModerator else { throw StoreError.notFound(entity: "listing", id: listingID.description) }
                throw StoreError.forbidden(action: "deploy this listing", reason: "buy it first")
            }
            guard let versionID = listing.liveVersionID, let version = try fetchVersion(versionID, connection), let schema = version.schema else {
                throw StoreError.invalid(field: "source", rule: "the listing has no approved version")
            }
            return (try versionSource(versionID, connection), schema, [:], nil, versionID)
        case .template(let id):
            guard let template = try fetchTemplate(id, connection) else { throw StoreError.notFound(entity: "template", id: id) }
            let source = try connection.row("SELECT source FROM templates WHERE id = ?", [id]) { $0.text(0) } ?? ""
            return (source, template.schema, template.parameters, template.risk, nil)
        }
    }

    static func versionSource(_ id: VersionID, _ connection: Connection) throws(StoreError) -> String {
        try connection.row("SELECT source FROM strategy_versions WHERE id = ?", [id]) { $0.text(0) } ?? ""
    }

    /// Creates a stopped paper deployment with validated parameters (the
    /// script's schema, over a template's defaults) and risk limits (a
    /// template's defaults when `risk` is nil).
    ///
    /// With a `feed`, the deployment's market is chosen here (`FeedOffer.market`):
    /// the requested symbols and timeframe, else the script's declared
    /// symbols, else the feed's first symbol, at the feed's bar length.
    ///
    /// `maximumPerOwner` is checked in the insert's own transaction, so
    /// racing creates cannot pass it together.
    public func deploy(_ source: Deployment.Source, parameters: [String: LuaValue] = [:], risk: RiskLimits? = nil,
                       symbols: [String]? = nil, timeframe: Int64? = nil, feed: FeedOffer? = nil,
                       maximumPerOwner: Int? = nil, by actorID: UserID) throws(StoreError) -> Deployment {
        if let risk { try RiskRules.validate(risk) }
        return try writeAsActive(actorID) { (actor, connection, now) throws(StoreError) -> Deployment in
            if let maximumPerOwner,
               try connection.integer("SELECT COUNT(*) FROM deployments WHERE owner_id = ?", [actorID]) >= Int64(maximumPerOwner) {
                throw StoreError.quotaExceeded(what: "deployments", limit: maximumPerOwner)
            }
            let resolved = try Self.resolveSource(source, owner: actor, connection)
            let values = resolved.defaults.merging(parameters) { _, new in new }
            let checked = try resolved.schema.resolveForStore(values)
            let limits = risk ?? resolved.risk ?? .none
            let market = try feed?.market(symbols: symbols, timeframe: timeframe, declared: resolved.schema.symbols)
            let (kind, listing, template): (String, ListingID?, String?) = switch source {
            case .strategyVersion: ("strategy", nil, nil)
            case .listing(let id): ("listing", id, nil)
            case .template(let id): ("template", nil, id)
            }
            try connection.run("""
                INSERT INTO deployments (owner_id, source_kind, version_id, listing_id, template_id, parameters_json, risk_json, mode,
                                         status, created_at, updated_at, market_json)
                VALUES (?, ?, ?, ?, ?, ?, ?, 'paper', 'stopped', ?, ?, ?)
                """, [actorID, kind, resolved.versionID, listing, template, try JSONCoding.encode(checked), try JSONCoding.encode(limits),
                      now, now, try market.map { value throws(StoreError) in try JSONCoding.encode(value) }])
            return try Self.fetchDeployment(DeploymentID(connection.lastInsertedRowID), connection)!
        }
    }

    /// A deployment; its owner and moderators only.
    public func deployment(_ id: DeploymentID, by actorID: UserID) throws(StoreError) -> Deployment {
        return try read(as: actorID) { (actor, connection) throws(StoreError) in
            guard let deployment = try Self.fetchDeployment(id, connection), deployment.ownerID == actorID || actor.isModerator else {
                throw StoreError.notFound(entity: "deployment", id: id.description)
            }
            return deployment
        }
    }

    /// A user's deployments, oldest first; the owner and moderators only.
    public func deployments(of ownerID: UserID, by actorID: UserID) throws(StoreError) -> [Deployment] {
        try readOwned(by: ownerID, as: actorID, "list deployments", who: "the owner") { (connection) throws(StoreError) in
            try connection.rows("SELECT \(Self.deploymentColumns) FROM deployments WHERE owner_id = ? ORDER BY id", [ownerID], Self.deployment)
        }
    }

    /// The owner starts or stops a deployment. Starting re-checks that the
    /// owner is active and still entitled (a refund revokes access).
    public func changeDeployment(_ id: DeploymentID, _ event: Deployment.Event, by actorID: UserID) throws(StoreError) -> Deployment {
        let now = self.now
        return try pool.write { (connection) throws(StoreError) -> Deployment in
            let actor = try Actor.load(actorID, connection, now: now)
            guard let deployment = try Self.fetchDeployment(id, connection), deployment.ownerID == actorID || actor.isModerator else {
                throw StoreError.notFound(entity: "deployment", id: id.description)
            }
            if event == .start || event == .resume {
                try actor.requireActive()
                _ = try Self.resolveSource(deployment.source, owner: try Actor.load(deployment.ownerID, connection, now: now), connection)
            }
            let updated = try Self.setStatus(deployment, event, now: now, connection)
            if deployment.ownerID != actorID {
                try actor.requireModerator("change another user's deployment")
                try Self.appendAudit(connection, actor: actorID, action: "deployment.\(event.name)", target: .deployment(id),
                                     reason: updated.status.reason, now: now)
            }
            return updated
        }
    }

    /// The Host reports what happened to a deployment (halted, faulted,
    /// stopped). Trusted caller: no actor.
    public func recordDeploymentEvent(_ id: DeploymentID, _ event: Deployment.Event) throws(StoreError) -> Deployment {
        let now = self.now
        return try pool.write { (connection) throws(StoreError) -> Deployment in
            guard let deployment = try Self.fetchDeployment(id, connection) else { throw StoreError.notFound(entity: "deployment", id: id.description) }
            return try Self.setStatus(deployment, event, now: now, connection)
        }
    }

    private static func setStatus(_ deployment: Deployment, _ event: Deployment.Event, now: Int64,
                                  _ connection: Connection) throws(StoreError) -> Deployment {
        let next = try deployment.status.applying(event)
        try connection.run("UPDATE deployments SET status = ?, status_reason = ?, updated_at = ? WHERE id = ?",
                           [next.name, next.reason, now, deployment.id])
        var updated = deployment
        updated.status = next
        updated.updatedAt = now
        return updated
    }

    /// What the Host needs to run a deployment, source included. Trusted
    /// caller (the Host), never the Gateway's user-facing routes.
    public func runSpec(of id: DeploymentID) throws(StoreError) -> DeploymentRunSpec {
        let now = self.now
        return try pool.read { (connection) throws(StoreError) in
            guard let deployment = try Self.fetchDeployment(id, connection) else { throw StoreError.notFound(entity: "deployment", id: id.description) }
            let owner = try Actor.load(deployment.ownerID, connection, now: now)
            let resolved = try Self.resolveSource(deployment.source, owner: owner, connection)
            return DeploymentRunSpec(deployment: deployment, source: resolved.source, schema: resolved.schema)
        }
    }

    /// Deployments marked running or halted: what the Host resumes after a restart.
    public func deploymentsToResume() throws(StoreError) -> [Deployment] {
        try pool.read { (connection) throws(StoreError) in
            try connection.rows("SELECT \(Self.deploymentColumns) FROM deployments WHERE status IN ('running', 'halted') ORDER BY id", [],
                                Self.deployment)
        }
    }
}
