import Foundation

extension Schema {
    /// The host's checkpoint of each deployment (account, working orders,
    /// order counter, `ctx.state`, timers), so a server restart or a user's
    /// stop and start continues the same paper account. The body is opaque
    /// here: the Gateway encodes and decodes it.
    static let hostCheckpoints = Migration(name: "011-deployment-host-checkpoints", sql: """
        CREATE TABLE deployment_host_checkpoints (
            deployment_id INTEGER PRIMARY KEY REFERENCES deployments(id),
            body BLOB NOT NULL,
            updated_at INTEGER NOT NULL);
        """)
}

extension MarketplaceStore {
    /// Saves (replaces) a deployment's host checkpoint in one transaction.
    /// Trusted caller (the Gateway's runtime): no actor.
    public func saveHostCheckpoint(_ body: Data, for id: DeploymentID) throws(StoreError) {
        let now = self.now
        try pool.write { (connection) throws(StoreError) in
            guard try Self.fetchDeployment(id, connection) != nil else { throw StoreError.notFound(entity: "deployment", id: id.description) }
            try Self.writeHostCheckpoint(body, for: id, now: now, connection)
        }
    }

    /// Upserts the checkpoint on the writer connection, inside the caller's transaction.
    static func writeHostCheckpoint(_ body: Data, for id: DeploymentID, now: Int64, _ connection: Connection) throws(StoreError) {
        try connection.run("""
            INSERT INTO deployment_host_checkpoints (deployment_id, body, updated_at) VALUES (?1, ?2, ?3)
            ON CONFLICT (deployment_id) DO UPDATE SET body = ?2, updated_at = ?3
            """, [id, SQLValue.blob(Array(body)), now])
    }

    /// The deployment's last saved host checkpoint; nil when it never ran
    /// (or ran before checkpoints were saved).
    public func hostCheckpoint(of id: DeploymentID) throws(StoreError) -> Data? {
        try pool.read { (connection) throws(StoreError) in
            try connection.row("SELECT body FROM deployment_host_checkpoints WHERE deployment_id = ?", [id]) { Data($0.blob(0)) }
        }
    }
}
