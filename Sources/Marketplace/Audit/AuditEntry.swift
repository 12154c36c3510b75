/// What an audited action acted on.
public enum AuditTarget: Sendable, Equatable {
    case user(UserID)
    case listing(ListingID)
    case version(VersionID)
    case review(ReviewID)
    case report(ReportID)
    case purchase(PurchaseID)
    case template(String)
    case deployment(DeploymentID)
    /// A kill switch (`killSwitch.engage` / `killSwitch.release`); id
    /// `global`, `owner-<user>` or `deployment-<deployment>`.
    case killSwitch(KillSwitchTarget)
    case alert(AlertID)
    case webhook(WebhookID)

    var kind: String {
        switch self {
        case .user: "user"
        case .listing: "listing"
        case .version: "version"
        case .review: "review"
        case .report: "report"
        case .purchase: "purchase"
        case .template: "template"
        case .deployment: "deployment"
        case .killSwitch: "killSwitch"
        case .alert: "alert"
        case .webhook: "webhook"
        }
    }

    var id: String {
        switch self {
        case .user(let id): id.description
        case .listing(let id): id.description
        case .version(let id): id.description
        case .review(let id): id.description
        case .report(let id): id.description
        case .purchase(let id): id.description
        case .template(let id): id
        case .deployment(let id): id.description
        case .alert(let id): id.description
        case .webhook(let id): id.description
        case .killSwitch(.global): "global"
        case .killSwitch(.owner(let id)): "owner-\(id)"
        case .killSwitch(.deployment(let id)): "deployment-\(id)"
        }
    }
}

/// One line of the append-only audit log (UPDATE and DELETE on the table
/// are refused by triggers).
public struct AuditEntry: Sendable, Equatable, Codable {
    public var id: Int64
    public var actor: UserID
    /// The actor's username at reading time ("" if the user row is gone).
    public var actorName: String
    /// A stable dotted name, e.g. `user.ban`, `listing.approve`, `purchase.refund`.
    public var action: String
    public var targetKind: String
    public var targetID: String
    public var reason: String
    public var createdAt: Int64
}
