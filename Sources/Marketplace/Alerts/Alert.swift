/// What a user asks to be told about (docs/api.md, "Alerts").
public enum AlertRuleKind: String, Sendable, CaseIterable, Codable {
    /// A deployment's equity is below `threshold` (money).
    case equityBelow = "equity_below"
    /// A deployment's drawdown from its highest equity is above `threshold` (a fraction).
    case drawdownAbove = "drawdown_above"
    /// A deployment lost more than `threshold` (money) since the market day began.
    case dailyLossAbove = "daily_loss_above"
    case faulted
    case halted
    /// The pre-trade gate refused an order.
    case riskDenial = "risk_denial"
    case fill
    /// A kill switch covering the user's deployments was engaged.
    case killSwitch = "kill_switch"

    /// Conditions hold over time (one alert per breach, resolved when it
    /// clears); the other kinds are events (one alert each).
    public var isCondition: Bool { self == .equityBelow || self == .drawdownAbove || self == .dailyLossAbove }
    /// How the threshold is measured (conditions only).
    public var unit: AlertUnit? {
        switch self {
        case .equityBelow, .dailyLossAbove: .money
        case .drawdownAbove: .fraction
        case .faulted, .halted, .riskDenial, .fill, .killSwitch: nil
        }
    }
}

/// The unit of an alert's value and threshold: money (10⁻⁸ of the account
/// currency, the numeric model's units) or a fraction (in 10⁻⁸).
public enum AlertUnit: String, Sendable, Codable {
    case money, fraction
}

public typealias AlertRuleID = Identifier<AlertRule>
public typealias AlertID = Identifier<Alert>
public typealias WebhookID = Identifier<Webhook>

/// A user's rule, on one deployment or (no `deploymentID`) on every one of theirs.
public struct AlertRule: Sendable, Equatable {
    public var id: AlertRuleID
    public var ownerID: UserID
    public var deploymentID: DeploymentID?
    public var kind: AlertRuleKind
    /// In the kind's unit (10⁻⁸); conditions only.
    public var threshold: Int64?
    public var createdAt: Int64

    public func covers(_ deployment: DeploymentID) -> Bool { deploymentID == nil || deploymentID == deployment }
}

public enum AlertSeverity: String, Sendable, Codable {
    case info, warning, critical
}

/// `active` (a condition that holds), `resolved` (it cleared), `event` (a one-off).
public enum AlertState: String, Sendable, Codable {
    case active, resolved, event
}

/// An alert as raised (by the alert engine, a trusted caller).
public struct AlertDraft: Sendable, Equatable {
    public var ownerID: UserID
    public var deploymentID: DeploymentID?
    /// The rule that fired (nil for a system alert).
    public var ruleID: AlertRuleID?
    /// A rule kind's name, or `limit_approaching`.
    public var kind: String
    public var severity: AlertSeverity
    public var message: String
    public var unit: AlertUnit?
    public var value: Int64?
    public var threshold: Int64?
    /// The limit a system alert is about (`daily_loss`, `position`, ...) and its symbol.
    public var limit: String?
    public var symbol: String?
    /// The market time of what raised it.
    public var marketTime: Int64?
    /// Names a condition's breach: while an alert with this key is active no other is raised. Nil: an event.
    public var breachKey: String?

    public init(ownerID: UserID, deploymentID: DeploymentID?, ruleID: AlertRuleID?, kind: String, severity: AlertSeverity,
                message: String, unit: AlertUnit? = nil, value: Int64? = nil, threshold: Int64? = nil, limit: String? = nil,
                symbol: String? = nil, marketTime: Int64?, breachKey: String?) {
        self.ownerID = ownerID
        self.deploymentID = deploymentID
        self.ruleID = ruleID
        self.kind = kind
        self.severity = severity
        self.message = message
        self.unit = unit
        self.value = value
        self.threshold = threshold
        self.limit = limit
        self.symbol = symbol
        self.marketTime = marketTime
        self.breachKey = breachKey
    }
}

public struct Alert: Sendable, Equatable {
    public var id: AlertID
    public var draft: AlertDraft
    public var state: AlertState
    public var createdAt: Int64
    public var resolvedAt: Int64?
    public var acknowledgedAt: Int64?
    public var acknowledgedBy: UserID?
}

/// A user's endpoint that every alert of theirs is POSTed to, signed with `secret`.
public struct Webhook: Sendable, Equatable {
    public var id: WebhookID
    public var ownerID: UserID
    public var url: String
    public var secret: String
    public var createdAt: Int64
}

public enum WebhookDeliveryStatus: String, Sendable, Codable {
    case pending, delivered, failed
}

/// One alert (or test) on its way to one webhook, with what its attempts found.
public struct WebhookDelivery: Sendable, Equatable {
    public var id: Int64
    public var webhookID: WebhookID
    public var ownerID: UserID
    /// The alert sent (nil for a test).
    public var alertID: AlertID?
    /// `alert` or `test`.
    public var event: String
    public var status: WebhookDeliveryStatus
    public var attempts: Int
    /// When the next attempt is due (Unix milliseconds; pending only).
    public var nextAttemptAt: Int64
    /// The last response's HTTP status, if one came.
    public var lastStatus: Int?
    public var lastError: String?
    public var createdAt: Int64
    public var updatedAt: Int64
}

/// What one attempt found.
public enum DeliveryOutcome: Sendable, Equatable {
    case delivered(status: Int)
    /// Failed; tried again at `nextAttemptAt` (Unix milliseconds).
    case retry(status: Int?, error: String, nextAttemptAt: Int64)
    /// Failed for good (out of attempts, or the webhook is gone).
    case failed(status: Int?, error: String)
}
