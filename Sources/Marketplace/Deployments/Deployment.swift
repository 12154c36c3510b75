import Host
import Sandbox

/// A strategy running (or ready to run) on paper for its owner.
public struct Deployment: Sendable, Equatable {
    /// What the deployment runs.
    public enum Source: Sendable, Equatable, Hashable {
        /// One of the owner's own accepted versions.
        case strategyVersion(VersionID)
        /// A purchased (or free) listing; runs the listing's live version.
        case listing(ListingID)
        /// A template.
        case template(String)
    }

    /// The lifecycle, as a value: see `applying(_:)`.
    public enum Status: Sendable, Equatable {
        case stopped(reason: String)
        case running
        /// The daily loss limit fired; only reducing orders pass.
        case halted(reason: String)
        /// The strategy failed (error, quota); it runs no more code until restarted.
        case faulted(reason: String)

        public var name: String {
            switch self {
            case .stopped: "stopped"
            case .running: "running"
            case .halted: "halted"
            case .faulted: "faulted"
            }
        }

        public var reason: String {
            switch self {
            case .stopped(let reason), .halted(let reason), .faulted(let reason): reason
            case .running: ""
            }
        }

        init(name: String, reason: String) {
            switch name {
            case "running": self = .running
            case "halted": self = .halted(reason: reason)
            case "faulted": self = .faulted(reason: reason)
            default: self = .stopped(reason: reason)
            }
        }

        /// The status after `event`, or `illegalTransition`:
        /// stopped/faulted ─start→ running ─halt→ halted ─resume→ running;
        /// running/halted ─fault→ faulted; anything but stopped ─stop→ stopped.
        public func applying(_ event: Event) throws(StoreError) -> Status {
            switch (self, event) {
            case (.stopped, .start), (.faulted, .start): return .running
            case (.running, .halt(let reason)): return .halted(reason: reason)
            case (.halted, .resume): return .running
            case (.running, .fault(let reason)), (.halted, .fault(let reason)): return .faulted(reason: reason)
            case (.running, .stop(let reason)), (.halted, .stop(let reason)), (.faulted, .stop(let reason)): return .stopped(reason: reason)
            default: throw StoreError.illegalTransition(entity: "deployment", from: name, event: event.name)
            }
        }
    }

    /// What may happen to a deployment.
    public enum Event: Sendable, Equatable {
        case start, resume
        case stop(reason: String)
        case halt(reason: String)
        case fault(reason: String)

        var name: String {
            switch self {
            case .start: "start"
            case .resume: "resume"
            case .stop: "stop"
            case .halt: "halt"
            case .fault: "fault"
            }
        }
    }

    public var id: DeploymentID
    public var ownerID: UserID
    public var source: Source
    /// Validated against the script's schema, defaults filled in.
    public var parameters: [String: LuaValue]
    public var risk: RiskLimits
    /// Symbols and timeframe; nil for deployments made before they were
    /// chosen at deploy time (the host resolves them by the same rule).
    public var market: DeploymentMarket?
    /// Always "paper" for now.
    public var mode: String
    public var status: Status
    public var createdAt: Int64
    public var updatedAt: Int64
}

/// What the Host needs to run a deployment: the record and the script.
/// Trusted callers only: this carries the source even for paid listings.
public struct DeploymentRunSpec: Sendable {
    public var deployment: Deployment
    public var source: String
    public var schema: StrategySchema
}
