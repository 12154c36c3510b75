import Host
import Hummingbird
import Marketplace
import Platform
import Synchronization

/// `/api/risk`: kill switches and owner limits. A user engages the switch
/// over all their own deployments or over one of them; an admin may engage
/// the global one (or anyone's). A switch is `reduceOnly` unless the request
/// says `"level":"halt"`: exits still pass, so a position can be closed.
/// Switches are stored (and audited) and survive a restart (docs/risk.md).
struct RiskRoutes {
    let gateway: Gateway

    struct EmergencyStopBody: RequestBody {
        var scope: String?
        var deploymentId: Int64?
        var level: String?
        var reason: String?
    }
    struct StatusView: Codable, ResponseEncodableBody {
        /// Whether the caller's own (owner) switch is engaged.
        var ownEmergencyStop: Bool
        var globalEmergencyStop: Bool
        var runningDeployments: Int
        /// Every engaged switch that covers something of the caller (admins: all), global first.
        var killSwitches: [KillSwitchView]
    }

    struct LimitsBody: RequestBody {
        var limits: RiskLimitsView
    }
    /// The owner layer over all of a user's deployments; applies to deployments started after the change.
    struct LimitsView: Codable, ResponseEncodableBody {
        var limits: RiskLimitsView
        init(_ limits: RiskLimits) { self.limits = RiskLimitsView(limits) }
    }

    func add(to group: APIRoutes) {
        group.post("risk/emergency-stop",
                   "Engage a kill switch (scope own|deployment, admins: global; level reduce_only (default)|halt); stored, survives restarts",
                   body: EmergencyStopBody.self) { request, context, body in
            let user = try context.requireIdentity().user
            let target = try Self.target(body.scope, deployment: body.deploymentId, user: user)
            let level = try Self.level(body.level)
            let reason = try Check.text(body.reason ?? "emergency stop by \(user.username)", "reason", length: 1...500)
            _ = try await gateway.platform.engageKillSwitch(target, level: level, reason: reason, by: user.id)
            return try await status(user)
        }
        group.delete("risk/emergency-stop", "Release a kill switch (?scope=own|global|deployment&deploymentId=)") { request, context in
            let user = try context.requireIdentity().user
            let query = request.uri.queryParameters
            let deployment = try query.get("deploymentId").map { (text) throws -> Int64 in
                guard let id = Int64(text), id > 0 else { throw APIError.invalid("deploymentId", "must be a deployment id") }
                return id
            }
            try await gateway.platform.releaseKillSwitch(try Self.target(query.get("scope"), deployment: deployment, user: user), by: user.id)
            return try await status(user)
        }
        group.get("risk/limits", "My risk limits over all my deployments") { _, context in
            let user = try context.requireIdentity().user.id
            return LimitsView(try await gateway.store.read { try $0.ownerRiskLimits(of: user) })
        }
        group.put("risk/limits", "Set them (apply to deployments started afterwards)", body: LimitsBody.self) { request, context, body in
            let user = try context.requireIdentity().user
            let limits = try body.limits.limits(field: "limits")
            return LimitsView(try await gateway.store.write { store in
                try store.setOwnerRiskLimits(limits, by: user.id)
                return try store.ownerRiskLimits(of: user.id)
            })
        }
        group.get("risk/status", "Kill switches that cover my deployments (admins: all) and running deployments") { _, context in
            try await status(try context.requireIdentity().user)
        }
    }

    private func status(_ user: User) async throws -> StatusView {
        let (switches, running) = try await gateway.store.read { store in
            (try store.killSwitches(visibleTo: user.id), try store.deployments(of: user.id, by: user.id).filter { $0.status == .running }.count)
        }
        return StatusView(ownEmergencyStop: switches.contains { $0.target == .owner(user.id) },
                          globalEmergencyStop: switches.contains { $0.target == .global },
                          runningDeployments: running, killSwitches: switches.map(KillSwitchView.init))
    }

    /// `own` (default), `global` (admins; the store refuses others) or
    /// `deployment` with `deploymentId`.
    static func target(_ name: String?, deployment: Int64?, user: User) throws -> KillSwitchTarget {
        switch name ?? "own" {
        case "own", "global":
            guard deployment == nil else { throw APIError.invalid("deploymentId", "only with scope deployment") }
            return name == "global" ? .global : .owner(user.id)
        case "deployment":
            guard let deployment else { throw APIError.invalid("deploymentId", "is required with scope deployment") }
            return .deployment(DeploymentID(deployment))
        default: throw APIError.invalid("scope", "must be own, global or deployment")
        }
    }

    /// `reduce_only` (default) or `halt`.
    static func level(_ name: String?) throws -> KillSwitchLevel {
        guard let name else { return .reduceOnly }
        guard let level = KillSwitchLevel(apiName: name) else { throw APIError.invalid("level", "must be reduce_only or halt") }
        return level
    }
}
