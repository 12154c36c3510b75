/// A listing's verified paper record: a running paper deployment of the
/// listed version that its author attaches, whose live account and journal
/// the listing shows next to the validation backtest.
public struct PaperRecord: Sendable, Equatable {
    public var listingID: ListingID
    public var deploymentID: DeploymentID
    /// The version the deployment runs (the live version when attached).
    public var versionID: VersionID
    public var attachedAt: Int64
    /// The deployment's status (`stopped`, `running`, `halted`, `faulted`) and creation time.
    public var deploymentStatus: String
    public var deploymentCreatedAt: Int64
}

extension Schema {
    static let paperRecords = Migration(name: "022-listing-paper-records", sql: """
        CREATE TABLE listing_paper_records (
            listing_id INTEGER PRIMARY KEY REFERENCES listings(id),
            deployment_id INTEGER NOT NULL REFERENCES deployments(id),
            version_id INTEGER NOT NULL REFERENCES strategy_versions(id),
            attached_at INTEGER NOT NULL);
        """)
}

extension MarketplaceStore {
    /// Attaches the author's deployment as the listing's paper record,
    /// replacing any earlier one. The deployment must be the author's own and
    /// run the listing's live version (deployed from the version or from the
    /// listing); audited as `listing.paperRecord`.
    @discardableResult
    public func attachPaperRecord(_ deploymentID: DeploymentID, to listingID: ListingID, by actorID: UserID) throws(StoreError) -> PaperRecord {
        try writeAsActive(actorID) { (actor, connection, now) throws(StoreError) -> PaperRecord in
            let listing = try Self.authoredListing(listingID, by: actor, "attach a paper record", connection)
            guard let live = listing.liveVersionID else {
                throw StoreError.invalid(field: "listing", rule: "has no live version yet: a paper record follows the approved version")
            }
            guard let deployment = try Self.fetchDeployment(deploymentID, connection), deployment.ownerID == actor.id else {
                throw StoreError.notFound(entity: "deployment", id: deploymentID.description)
            }
            switch deployment.source {
            case .strategyVersion(let version) where version == live: break
            case .listing(let listed) where listed == listingID: break
            default:
                throw StoreError.invalid(field: "deploymentId", rule: "must run the listing's live version \(live) (deployed from that version or from this listing)")
            }
            try connection.run("""
                INSERT INTO listing_paper_records (listing_id, deployment_id, version_id, attached_at) VALUES (?, ?, ?, ?)
                ON CONFLICT (listing_id) DO UPDATE SET deployment_id = excluded.deployment_id, version_id = excluded.version_id,
                    attached_at = excluded.attached_at
                """, [listingID, deploymentID, live, now])
            try Self.appendAudit(connection, actor: actor.id, action: "listing.paperRecord", target: .listing(listingID),
                                 reason: "deployment \(deploymentID)", now: now)
            return PaperRecord(listingID: listingID, deploymentID: deploymentID, versionID: live, attachedAt: now,
                               deploymentStatus: deployment.status.name, deploymentCreatedAt: deployment.createdAt)
        }
    }

    /// Removes the listing's paper record (its author); audited.
    public func detachPaperRecord(from listingID: ListingID, by actorID: UserID) throws(StoreError) {
        try writeAsActive(actorID) { (actor, connection, now) throws(StoreError) in
            _ = try Self.authoredListing(listingID, by: actor, "remove a paper record", connection)
            guard try connection.run("DELETE FROM listing_paper_records WHERE listing_id = ?", [listingID]) > 0 else {
                throw StoreError.notFound(entity: "paper record", id: listingID.description)
            }
            try Self.appendAudit(connection, actor: actor.id, action: "listing.paperRecord.remove", target: .listing(listingID),
                                 reason: "", now: now)
        }
    }

    /// The paper record of a listing the actor can see, if it has one whose
    /// deployment still exists.
    public func paperRecord(of listingID: ListingID, by actorID: UserID) throws(StoreError) -> PaperRecord? {
        try read(as: actorID) { (actor, connection) throws(StoreError) -> PaperRecord? in
            _ = try Self.visibleListing(listingID, to: actor, connection)
            return try connection.row("""
                SELECT p.listing_id, p.deployment_id, p.version_id, p.attached_at, d.status, d.created_at FROM listing_paper_records p
                JOIN deployments d ON d.id = p.deployment_id WHERE p.listing_id = ?
                """, [listingID]) { row in
                PaperRecord(listingID: ListingID(row.int64(0)), deploymentID: DeploymentID(row.int64(1)),
                            versionID: VersionID(row.int64(2)), attachedAt: row.int64(3), deploymentStatus: row.text(4),
                            deploymentCreatedAt: row.int64(5))
            }
        }
    }
}
