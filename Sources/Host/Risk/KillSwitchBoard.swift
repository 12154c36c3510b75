import Synchronization

/// Which kill switch.
public enum KillSwitchScope: Sendable, Hashable, Codable {
    /// Every deployment on the platform.
    case global
    /// Every deployment of one owner.
    case owner(String)
    /// One deployment.
    case deployment(String)
}

/// The emergency stops, shared by every risk engine in the process.
///
/// Thread-safe: administrators flip switches from any thread while strategies
/// trade on theirs. Nothing passes an engaged kill switch, not even an order
/// that only reduces a position. The common case, no switch engaged anywhere,
/// costs one atomic load per order and takes no lock.
public final class KillSwitchBoard: Sendable {
    private struct Switches {
        /// The reason text of each engaged switch ("" when none was given).
        var global: String?
        var owners: [String: String] = [:]
        var deployments: [String: String] = [:]
        var engagedCount: Int { (global == nil ? 0 : 1) + owners.count + deployments.count }
    }

    private let switches = Mutex(Switches())
    /// Mirrors `Switches.engagedCount`, written only while holding the lock,
    /// so `isEngaged(owner:deployment:)` can skip the lock when it is zero.
    private let engagedCount = Atomic<Int>(0)

    public init() {}

    /// Engages a switch; `reason` goes into the denial message.
    public func engage(_ scope: KillSwitchScope, reason: String = "") {
        switches.withLock { switches in
            switch scope {
            case .global: switches.global = reason
            case .owner(let id): switches.owners[id] = reason
            case .deployment(let id): switches.deployments[id] = reason
            }
            engagedCount.store(switches.engagedCount, ordering: .releasing)
        }
    }

    /// Releases a switch; releasing one that is not engaged does nothing.
    public func release(_ scope: KillSwitchScope) {
        switches.withLock { switches in
            switch scope {
            case .global: switches.global = nil
            case .owner(let id): switches.owners[id] = nil
            case .deployment(let id): switches.deployments[id] = nil
            }
            engagedCount.store(switches.engagedCount, ordering: .releasing)
        }
    }

    /// Whether this one switch is engaged.
    public func isEngaged(_ scope: KillSwitchScope) -> Bool {
        switches.withLock { switches in
            switch scope {
            case .global: switches.global != nil
            case .owner(let id): switches.owners[id] != nil
            case .deployment(let id): switches.deployments[id] != nil
            }
        }
    }

    /// The denial for an order of `deployment` (owned by `owner`) if any
    /// switch covering it is engaged, checked global first; nil otherwise.
    public func isEngaged(owner: String, deployment: String) -> OrderReason? {
        if engagedCount.load(ordering: .acquiring) == 0 { return nil }
        return switches.withLock { switches -> OrderReason? in
            if let reason = switches.global {
                return Self.denial("the global kill switch is engaged", reason)
            }
            if let reason = switches.owners[owner] {
                return Self.denial("the kill switch of owner \(owner) is engaged", reason)
            }
            if let reason = switches.deployments[deployment] {
                return Self.denial("the kill switch of deployment \(deployment) is engaged", reason)
            }
            return nil
        }
    }

    private static func denial(_ what: String, _ reason: String) -> OrderReason {
        OrderReason(code: RiskDenialCode.killSwitch.rawValue,
                    message: reason.isEmpty ? what + "; no order passes" : what + " (" + reason + "); no order passes")
    }
}
