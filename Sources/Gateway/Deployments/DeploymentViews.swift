import Foundation
import Host
import Sandbox
import Marketplace

struct CreateDeploymentBody: RequestBody {
    static let fields: Set<String> = ["versionId", "listingId", "templateId", "parameters", "risk", "start", "symbols", "timeframe"]
    var versionId: Int64?
    var listingId: Int64?
    var templateId: String?
    var parameters: [String: LuaValue]?
    var risk: RiskLimits?
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

struct UpdateDeploymentBody: RequestBody {
    static let fields: Set<String> = ["parameters", "risk"]
    var parameters: [String: LuaValue]?
    var risk: RiskLimits?
}

struct DeploymentView: Codable, ResponseEncodableBody {
    struct Live: Codable {
        var status: String
        var cash: String
        var equity: String
        var realizedPnL: String
        var fees: String
        var openOrders: Int
        var positions: Int
        var fills: Int
    }
    var id: Int64
    var sourceKind: String
    var sourceId: String
    var parameters: [String: LuaValue]
    var risk: RiskLimits
    /// The limits the risk gate applies: the deployment's and its owner's,
    /// tightest first, with the defaults where neither sets one.
    var effectiveRisk: RiskLimits
    /// What the deployment trades (null for deployments made before symbols were chosen).
    var symbols: [String]?
    var timeframe: Int64?
    var mode: String
    var status: String
    var statusReason: String
    var createdAt: Int64
    var updatedAt: Int64
    var live: Live?
    /// The kill switch that applies (`showing(_:of:)`), null when none does.
    var killSwitch = Nullable<KillSwitchView>(nil)

    init(_ deployment: Deployment, snapshot: DeploymentSnapshot?, ownerRisk: RiskLimits = .none, feedTimeframe: Int64? = nil) {
        id = deployment.id.rawValue
        switch deployment.source {
        case .strategyVersion(let version): (sourceKind, sourceId) = ("strategyVersion", version.description)
        case .listing(let listing): (sourceKind, sourceId) = ("listing", listing.description)
        case .template(let template): (sourceKind, sourceId) = ("template", template)
        }
        parameters = deployment.parameters
        risk = deployment.risk
        effectiveRisk = LayeredRiskLimits(deployment: deployment.risk, owner: ownerRisk).effective
        symbols = deployment.market?.symbols
        timeframe = deployment.market.flatMap { $0.timeframe ?? feedTimeframe }
        mode = deployment.mode
        status = deployment.status.name
        statusReason = deployment.status.reason
        createdAt = deployment.createdAt
        updatedAt = deployment.updatedAt
        live = snapshot.map {
            Live(status: $0.status.description, cash: $0.cash.description, equity: $0.equity.description,
                 realizedPnL: $0.realizedPnL.description, fees: $0.fees.description, openOrders: $0.openOrders.count,
                 positions: $0.positions.count, fills: $0.fillCount)
        }
    }
}

/// Journal records are the Host's own JSON (orders, fills): passed through as objects.
struct RawJSON: Encodable, Sendable {
    let data: Data
    func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode((try? JSONDecoder().decode(JSONValue.self, from: data)) ?? .null)
    }
}

/// Any JSON value, for passing stored documents through unchanged.
indirect enum JSONValue: Codable, Sendable {
    case null, bool(Bool), number(Double), string(String), array([JSONValue]), object([String: JSONValue])

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() { self = .null }
        else if let value = try? container.decode(Bool.self) { self = .bool(value) }
        else if let value = try? container.decode(Double.self) { self = .number(value) }
        else if let value = try? container.decode(String.self) { self = .string(value) }
        else if let value = try? container.decode([JSONValue].self) { self = .array(value) }
        else { self = .object(try container.decode([String: JSONValue].self)) }
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .null: try container.encodeNil()
        case .bool(let value): try container.encode(value)
        case .number(let value): try container.encode(value)
        case .string(let value): try container.encode(value)
        case .array(let value): try container.encode(value)
        case .object(let value): try container.encode(value)
        }
    }
}

struct PerformanceView: Codable, ResponseEncodableBody {
    var deploymentId: Int64
    var running: Bool
    var cash: String?
    var equity: String?
    var realizedPnL: String?
    var fees: String?
    var fills: Int
    var orders: Int
}
