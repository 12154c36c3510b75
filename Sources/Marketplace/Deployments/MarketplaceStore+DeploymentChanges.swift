import Host
import Sandbox

extension MarketplaceStore {
    /// Changes a stopped deployment's parameters (merged over the current
    /// ones and validated against the script's schema) and/or risk limits.
    /// The owner only; running deployments must be stopped first.
    public func updateDeployment(_ id: DeploymentID, parameters: [String: LuaValue]?, risk: RiskLimits?,
                                 by actorID: UserID) throws(StoreError) -> Deployment {
        if let risk { try RiskRules.validate(risk) }
        return try writeAsActive(actorID) { (actor, connection, now) throws(StoreError) -> Deployment in
            guard let deployment = try Self.fetchDeployment(id, connection), deployment.ownerID == actorID else {
                throw StoreError.notFound(entity: "deployment", id: id.description)
            }
            guard case .stopped = deployment.status else {
                throw StoreError.illegalTransition(entity: "deployment", from: deployment.status.name, event: "update")
            }
            let resolved = try Self.resolveSource(deployment.source, owner: actor, connection)
            let values = try resolved.schema.resolveForStore(deployment.parameters.merging(parameters ?? [:]) { _, new in new })
            try connection.run("UPDATE deployments SET parameters_json = ?, risk_json = ?, updated_at = ? WHERE id = ?",
                               [try JSONCoding.encode(values), try JSONCoding.encode(risk ?? deployment.risk), now, id])
            return try Self.fetchDeployment(id, connection)!
        }
    }

    /// Deletes a stopped or faulted deployment with its journal and its kill
    /// switch (deployment ids can be reused). The owner only.
    public func deleteDeployment(_ id: DeploymentID, by actorID: UserID) throws(StoreError) {
        try writeAsActive(actorID) { (_, connection, now) throws(StoreError) in
            guard let deployment = try Self.fetchDeployment(id, connection), deployment.ownerID == actorID else {
                throw StoreError.notFound(entity: "deployment", id: id.description)
            }
            switch deployment.status {
            case .stopped, .faulted: break
            default: throw StoreError.illegalTransition(entity: "deployment", from: deployment.status.name, event: "delete")
            }
            for table in [
                "deployment_orders", "deployment_fills", "deployment_positions", "deployment_state", "deployment_host_checkpoints",
                "deployment_equity",
            ] {
                try connection.run("DELETE FROM \(table) WHERE deployment_id = ?", [id])
            }
            try Self.dropKillSwitch(of: id, by: actorID, connection, now: now)
            // A listing's paper record ends with its deployment.
            try connection.run("DELETE FROM listing_paper_records WHERE deployment_id = ?", [id])
            try connection.run("DELETE FROM deployments WHERE id = ?", [id])
        }
    }
}
