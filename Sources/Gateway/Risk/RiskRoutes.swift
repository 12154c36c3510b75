import Hummingbird
import Host
import Marketplace
import Synchronization

/// `/api/risk`: the kill switch. A user engages it for all their own
/// deployments; an admin may engage the global one. Engaged switches stop
/// every order, even reduce-only exits, until released.
struct RiskRoutes {
    let gateway: Gateway

    struct EmergencyStopBody: RequestBody {
        static let fields: Set<String> = ["scope", "reason"]
        var scope: String?
        var reason: String?
    }
    struct StatusView: Codable, ResponseEncodableBody {
        var ownEmergencyStop: Bool
        var globalEmergencyStop: Bool
        var runningDeployments: Int
    }

    struct LimitsBody: RequestBody {
        static let fields: Set<String> = ["limits"]
        var limits: RiskLimits
    }
    /// The owner layer over all of a user's deployments; applies to deployments started after the change.
    struct LimitsView: Codable, ResponseEncodableBody {
        var limits: RiskLimits
        init(_ limits: RiskLimits) { self.limits = limits }
    }

    func add(to group: RouterGroup<GatewayContext>) {
        group.post("risk/emergency-stop") { request, context in
            let user = try context.requireIdentity().user
            let body = try await request.decodeStrict(EmergencyStopBody.self, context: context)
            let scope = try Self.scope(body.scope, user: user)
            let reason = try Check.text(body.reason ?? "emergency stop by \(user.username)", "reason", length: 1...500)
            gateway.host.engageKillSwitch(scope, reason: reason)
            gateway.killSwitches.withLock { _ = $0.insert(scope) }
            return try status(user)
        }
        group.delete("risk/emergency-stop") { request, context in
            let user = try context.requireIdentity().user
            let scope = try Self.scope(request.uri.queryParameters.get("scope"), user: user)
            gateway.host.releaseKillSwitch(scope)
            gateway.killSwitches.withLock { _ = $0.remove(scope) }
            return try status(user)
        }
        group.get("risk/limits") { _, context in
            try LimitsView(try gateway.store.ownerRiskLimits(of: context.requireIdentity().user.id))
        }
        group.put("risk/limits") { request, context in
            let user = try context.requireIdentity().user
            let body = try await request.decodeStrict(LimitsBody.self, context: context)
            try gateway.store.setOwnerRiskLimits(body.limits, by: user.id)
            return LimitsView(try gateway.store.ownerRiskLimits(of: user.id))
        }
        group.get("risk/status") { _, context in try status(try context.requireIdentity().user) }
    }

    private func status(_ user: User) throws -> StatusView {
        let engaged = gateway.killSwitches.withLock { $0 }
        let running = try gateway.store.deployments(of: user.id, by: user.id).filter { $0.status == .running }.count
        return StatusView(ownEmergencyStop: engaged.contains(.owner(user.id.description)), globalEmergencyStop: engaged.contains(.global),
                          runningDeployments: running)
    }

    static func scope(_ name: String?, user: User) throws -> KillSwitchScope {
        switch name ?? "own" {
        case "own": return .owner(user.id.description)
        case "global":
            guard user.role.isModerator else { throw APIError.forbidden("the global emergency stop requires the admin role") }
            return .global
        default: throw APIError.invalid("scope", "must be own or global")
        }
    }
}
