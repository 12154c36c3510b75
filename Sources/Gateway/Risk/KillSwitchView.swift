import Host
import Marketplace
import Platform

/// One engaged kill switch as the API shows it (`GET /api/risk/status`, and
/// the effective one on a deployment).
struct KillSwitchView: Codable, Sendable {
    /// `reduce_only` or `halt`.
    var level: String
    /// `global`, `owner` or `deployment`.
    var scope: String
    /// The user (owner scope) or deployment (deployment scope); absent for global.
    var targetId: Int64?
    var reason: String
    var engagedBy: Int64
    var engagedAt: Timestamp

    init(_ engaged: EngagedKillSwitch) {
        level = engaged.level.apiName
        switch engaged.target {
        case .global: (scope, targetId) = ("global", nil)
        case .owner(let id): (scope, targetId) = ("owner", id.rawValue)
        case .deployment(let id): (scope, targetId) = ("deployment", id.rawValue)
        }
        reason = engaged.reason
        engagedBy = engaged.engagedBy.rawValue
        engagedAt = Timestamp(engaged.engagedAt)
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

extension KillSwitchLevel {
    /// `reduce_only` or `halt`.
    var apiName: String {
        switch self {
        case .reduceOnly: "reduce_only"
        case .halt: "halt"
        }
    }

    init?(apiName: String) {
        guard let level = KillSwitchLevel.allCases.first(where: { $0.apiName == apiName }) else { return nil }
        self = level
    }
}

extension Gateway {
    /// A deployment's view with its account and the kill switch that applies to it.
    func deploymentView(_ deployment: Deployment) async throws -> DeploymentView {
        try await deploymentViews([deployment])[0]
    }

    /// Views of running or stopped deployments, reading the switches and owner limits once.
    func deploymentViews(_ deployments: [Deployment]) async throws -> [DeploymentView] {
        let owners = Set(deployments.map(\.ownerID))
        let ids = deployments.map(\.id)
        let (switches, ownerRisk, names) = try await store.read { store in
            (try store.engagedKillSwitches(),
             try Dictionary(uniqueKeysWithValues: owners.map { ($0, try store.ownerRiskLimits(of: $0)) }),
             try store.deploymentNames(ids))
        }
        var views: [DeploymentView] = []
        views.reserveCapacity(deployments.count)
        for deployment in deployments {
            views.append(DeploymentView(deployment, names: names[deployment.id], account: try await accountView(deployment.id),
                                        ownerRisk: ownerRisk[deployment.ownerID] ?? .none, feedTimeframe: tape.barSeconds)
                .showing(switches, of: deployment))
        }
        return views
    }

    /// The deployment's account in API units; nil when it never ran.
    func accountView(_ id: DeploymentID) async throws -> AccountView? {
        guard let (snapshot, running) = try await platform.account(id) else { return nil }
        return AccountView(snapshot, running: running, instruments: InstrumentResolver(account: snapshot.instruments, tape: tape))
    }
}
