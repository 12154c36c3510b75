import Host

/// Which kill switch, in the store's ids. The Gateway maps it to the host's
/// `KillSwitchScope` (whose ids are the host's strings).
public enum KillSwitchTarget: Sendable, Hashable {
    /// Every deployment on the platform; moderators only.
    case global
    /// Every deployment of one user.
    case owner(UserID)
    /// One deployment.
    case deployment(DeploymentID)

    /// The `scope` column.
    var scope: String {
        switch self {
        case .global: "global"
        case .owner: "owner"
        case .deployment: "deployment"
        }
    }

    /// The `target_id` column (0 for global).
    var targetID: Int64 {
        switch self {
        case .global: 0
        case .owner(let id): id.rawValue
        case .deployment(let id): id.rawValue
        }
    }

    init(scope: String, targetID: Int64) throws(StoreError) {
        switch scope {
        case "global": self = .global
        case "owner": self = .owner(UserID(targetID))
        case "deployment": self = .deployment(DeploymentID(targetID))
        default: throw StoreError.corrupt("kill switch scope \(scope)")
        }
    }

    /// Whether the switch covers a deployment of `owner`.
    public func covers(_ deployment: DeploymentID, owner: UserID) -> Bool {
        switch self {
        case .global: true
        case .owner(let id): id == owner
        case .deployment(let id): id == deployment
        }
    }
}

/// One engaged kill switch as stored: what, how strict, why, who and when.
public struct EngagedKillSwitch: Sendable, Hashable {
    public var target: KillSwitchTarget
    public var level: KillSwitchLevel
    public var reason: String
    public var engagedBy: UserID
    /// Unix seconds (the store's clock).
    public var engagedAt: Int64

    public init(target: KillSwitchTarget, level: KillSwitchLevel, reason: String, engagedBy: UserID, engagedAt: Int64) {
        self.target = target
        self.level = level
        self.reason = reason
        self.engagedBy = engagedBy
        self.engagedAt = engagedAt
    }
}

extension Array where Element == EngagedKillSwitch {
    /// The switch that applies to a deployment of `owner`: the strictest of
    /// those covering it, the broadest scope among equals (the order the
    /// store lists them in); nil when none does. The host's rule
    /// (`KillSwitchBoard.strictest`), on stored switches.
    public func strictest(covering deployment: DeploymentID, owner: UserID) -> EngagedKillSwitch? {
        var strictest: EngagedKillSwitch?
        for engaged in self where engaged.target.covers(deployment, owner: owner) {
            if strictest == nil || engaged.level > strictest!.level { strictest = engaged }
        }
        return strictest
    }
}
