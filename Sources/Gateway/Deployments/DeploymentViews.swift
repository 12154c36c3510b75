import Foundation
import Host
import Sandbox
import Marketplace

struct CreateDeploymentBody: RequestBody {
    var versionId: Int64?
    var listingId: Int64?
    var templateId: String?
    var parameters: [String: LuaValue]?
    var risk: RiskLimitsView?
    /// What to trade (default: the script's `strategy.symbols`, else the feed's first symbol).
    var symbols: [String]?
    /// Seconds per bar the strategy sees (default: the feed's).
    var timeframe: Int64?
    /// Start at once (default true).
    var start: Bool?

    func source() throws -> Deployment.Source {
        switch (versionId, listingId, templateId) {
        case (let version?, nil, nil): return .strategyVersion(VersionID(version))
        case (nil, let listing?, nil): return .listing(ListingID(listing))
        case (nil, nil, let template?): return .template(try Check.text(template, "templateId", length: 1...100))
        default: throw APIError.invalid("versionId", "exactly one of versionId, listingId and templateId is required")
        }
    }
}

/// `POST /api/templates/{id}/deploy`: the template comes from the path.
struct TemplateDeployBody: RequestBody {
    var parameters: [String: LuaValue]?
    var risk: RiskLimitsView?
    var symbols: [String]?
    var timeframe: Int64?
    var start: Bool?

    func deployment(of template: String) -> CreateDeploymentBody {
        CreateDeploymentBody(templateId: template, parameters: parameters, risk: risk, symbols: symbols, timeframe: timeframe, start: start)
    }
}

struct UpdateDeploymentBody: RequestBody {
    var parameters: [String: LuaValue]?
    var risk: RiskLimitsView?
}

struct DeploymentView: Codable, ResponseEncodableBody {
    var id: Int64
    var ownerId: Int64
    /// The owner's username.
    var ownerName: String
    /// The strategy's name, the listing's title or the template's title.
    var strategyName: String
    /// `strategy_version`, `listing` or `template`: which of `versionId`,
    /// `listingId` and `templateId` is set (the create body's fields).
    var sourceKind: String
    var versionId: Int64?
    var listingId: Int64?
    var templateId: String?
    var parameters: [String: LuaValue]
    var risk: RiskLimitsView
    /// The limits the risk gate applies: the deployment's and its owner's,
    /// tightest first, with the defaults where neither sets one.
    var effectiveRisk: RiskLimitsView
    /// What the deployment trades (null for deployments made before symbols were chosen).
    var symbols: [String]?
    var timeframe: Int64?
    var mode: String
    /// `stopped`, `running`, `halted` or `faulted`.
    var status: String
    var statusReason: String
    var createdAt: Timestamp
    var updatedAt: Timestamp
    /// The account: live while it runs, as it was left once stopped; null when it never ran.
    var account = Nullable<AccountView>(nil)
    /// The kill switch that applies (`showing(_:of:)`), null when none does.
    var killSwitch = Nullable<KillSwitchView>(nil)

    init(_ deployment: Deployment, names: DeploymentNames?, account: AccountView?, ownerRisk: RiskLimits = .none, feedTimeframe: Int64? = nil) {
        id = deployment.id.rawValue
        ownerId = deployment.ownerID.rawValue
        ownerName = names?.ownerName ?? ""
        strategyName = names?.strategyName ?? ""
        switch deployment.source {
        case .strategyVersion(let version): (sourceKind, versionId) = ("strategy_version", version.rawValue)
        case .listing(let listing): (sourceKind, listingId) = ("listing", listing.rawValue)
        case .template(let template): (sourceKind, templateId) = ("template", template)
        }
        parameters = deployment.parameters
        risk = RiskLimitsView(deployment.risk)
        effectiveRisk = RiskLimitsView(LayeredRiskLimits(deployment: deployment.risk, owner: ownerRisk).effective)
        symbols = deployment.market?.symbols
        timeframe = deployment.market.flatMap { $0.timeframe ?? feedTimeframe }
        mode = deployment.mode
        status = deployment.status.name
        statusReason = deployment.status.reason
        createdAt = Timestamp(deployment.createdAt)
        updatedAt = Timestamp(deployment.updatedAt)
        self.account = Nullable(account)
    }
}

/// A deployment's account with its journal's size.
struct PerformanceView: Codable, ResponseEncodableBody {
    var deploymentId: Int64
    /// Null when it never ran.
    var account: Nullable<AccountView>
    /// Orders and fills in the journal.
    var orders: Int
    var fills: Int
}
