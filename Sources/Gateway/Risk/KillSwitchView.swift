import Host
import Marketplace

/// One engaged kill switch as the API shows it (`GET /api/risk/status`, and
/// the effective one on a deployment).
struct KillSwitchView: Codable, Sendable {
    /// `reduceOnly` or `halt`.
    var level: String
    /// `global`, `owner` or `deployment`.
    var scope: String
    /// The user (owner scope) or deployment (deployment scope); absent for global.
    var targetId: Int64?
    var reason: String
    var engagedBy: Int64
    var engagedAt: Int64

    init(_ engaged: EngagedKillSwitch) {
        level = engaged.level.rawValue
        switch engaged.target {
        case .global: (scope, targetId) = ("global", nil)
        case .owner(let id): (scope, targetId) = ("owner", id.rawValue)
        case .deployment(let id): (scope, targetId) = ("deployment", id.rawValue)
        }
        reason = engaged.reason
        engagedBy = engaged.engagedBy.rawValue
        engagedAt = engaged.engagedAt
    }
}

/// An optional view that encodes as `null` rather than leaving its key out,
/// so a client reads "no switch" instead of guessing from a missing key.
struct Nullable<Wrapped: Codable & Sendable>: Codable, Sendable {
    var value: Wrapped?

    init(_ value: Wrapped?) { self.value = value }

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        value = container.decodeNil() ? nil : try container.decode(Wrapped.self)
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        if let value { try container.encode(value) } else { try container.encodeNil() }
    }
}

extension DeploymentView {
    /// The view with the kill switch that applies to the deployment (the
    /// strictest of `switches` covering it; `null` when none does).
    func showing(_ switches: [EngagedKillSwitch], of deployment: Deployment) -> DeploymentView {
        var view = self
        view.killSwitch = Nullable(switches.strictest(covering: deployment.id, owner: deployment.ownerID).map(KillSwitchView.init))
        return view
    }
}

extension Gateway {
    /// A deployment's view with the kill switch that applies to it.
    /// A deployment's view: its kill switch, its owner's limits in the
    /// effective limits, and the feed's bar length where it keeps the feed's.
    func deploymentView(_ deployment: Deployment, snapshot: DeploymentSnapshot?) throws -> DeploymentView {
        DeploymentView(deployment, snapshot: snapshot, ownerRisk: try store.ownerRiskLimits(of: deployment.ownerID),
                       feedTimeframe: tape.barSeconds)
            .showing(try store.engagedKillSwitches(), of: deployment)
    }

    /// Views of running or stopped deployments, reading the switches once.
    func deploymentViews(_ deployments: [Deployment]) throws -> [DeploymentView] {
        let switches = try store.engagedKillSwitches()
        var ownerRisk: [UserID: RiskLimits] = [:]
        return try deployments.map { deployment in
            if ownerRisk[deployment.ownerID] == nil { ownerRisk[deployment.ownerID] = try store.ownerRiskLimits(of: deployment.ownerID) }
            return DeploymentView(deployment, snapshot: runtime.snapshot(deployment.id), ownerRisk: ownerRisk[deployment.ownerID] ?? .none,
                                  feedTimeframe: tape.barSeconds).showing(switches, of: deployment)
        }
    }

    /// The host's name for a stored switch.
    static func hostScope(_ target: KillSwitchTarget) -> KillSwitchScope {
        switch target {
        case .global: .global
        case .owner(let id): .owner(id.description)
        case .deployment(let id): .deployment(DeploymentRuntime.hostID(id))
        }
    }

    /// Engages (or changes) a switch: stored and audited first, so a refused
    /// or failed write changes nothing in the host; then in the host. One
    /// change at a time, so the host applies them in the store's order.
    func engageKillSwitch(_ target: KillSwitchTarget, level: KillSwitchLevel, reason: String,
                          by user: UserID) throws -> EngagedKillSwitch {
        try killSwitchChanges.withLock { _ in
            let engaged = try store.engageKillSwitch(target, level: level, reason: reason, by: user)
            host.engageKillSwitch(Self.hostScope(target), level: level, reason: engaged.reason)
            return engaged
        }
    }

    /// Releases a switch in the store (audited), then in the host.
    func releaseKillSwitch(_ target: KillSwitchTarget, by user: UserID) throws {
        try killSwitchChanges.withLock { _ in
            try store.releaseKillSwitch(target, by: user)
            host.releaseKillSwitch(Self.hostScope(target))
        }
    }

    /// Engages every stored switch in the host; returns how many. Must run
    /// before any deployment resumes, so that not one order of a deployment
    /// under a switch slips through after a restart (`resumeDeployments`
    /// calls it first; `lunar serve` also calls it before the feed starts).
    /// Engaging twice is harmless.
    @discardableResult
    public func restoreKillSwitches() throws -> Int {
        try killSwitchChanges.withLock { _ in
            let stored = try store.engagedKillSwitches()
            for engaged in stored {
                host.engageKillSwitch(Self.hostScope(engaged.target), level: engaged.level, reason: engaged.reason)
            }
            return stored.count
        }
    }
}
