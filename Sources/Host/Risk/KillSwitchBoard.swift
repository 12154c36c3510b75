import Synchronization

/// The emergency stops, shared by every risk engine in the process.
///
/// Thread-safe: administrators flip switches from any thread while strategies
/// trade on theirs. A switch is engaged at a level (`KillSwitchLevel`): `halt`
/// stops every order, `reduceOnly` lets exits through. When several switches
/// cover a deployment the strictest applies. The common case, no switch
/// engaged anywhere, costs one atomic load per order and takes no lock.
public final class KillSwitchBoard: Sendable {
    private struct Engaged {
        var level: KillSwitchLevel
        var reason: String
    }

    private struct Switches {
        var global: Engaged?
        var owners: [String: Engaged] = [:]
        var deployments: [String: Engaged] = [:]
        var engagedCount: Int { (global == nil ? 0 : 1) + owners.count + deployments.count }

        subscript(scope: KillSwitchScope) -> Engaged? {
            get {
                switch scope {
                case .global: global
                case .owner(let id): owners[id]
                case .deployment(let id): deployments[id]
                }
            }
            set {
                switch scope {
                case .global: global = newValue
                case .owner(let id): owners[id] = newValue
                case .deployment(let id): deployments[id] = newValue
                }
            }
        }
    }

    private let switches = Mutex(Switches())
    /// Mirrors `Switches.engagedCount`, written only while holding the lock,
    /// so `strictest(owner:deployment:)` can skip the lock when it is zero.
    private let engagedCount = Atomic<Int>(0)

    public init() {}

    /// Engages a switch, or changes the level and reason of an engaged one;
    /// `reason` goes into the denial message. The default level is `halt`,
    /// the board's historical meaning; the API's emergency stop asks for
    /// `reduceOnly` unless told otherwise.
    public func engage(_ scope: KillSwitchScope, level: KillSwitchLevel = .halt, reason: String = "") {
        switches.withLock { switches in
            switches[scope] = Engaged(level: level, reason: reason)
            engagedCount.store(switches.engagedCount, ordering: .releasing)
        }
    }

    /// Engages the switch as described.
    public func engage(_ killSwitch: KillSwitch) {
        engage(killSwitch.scope, level: killSwitch.level, reason: killSwitch.reason)
    }

    /// Releases a switch; releasing one that is not engaged does nothing.
    public func release(_ scope: KillSwitchScope) {
        switches.withLock { switches in
            switches[scope] = nil
            engagedCount.store(switches.engagedCount, ordering: .releasing)
        }
    }

    /// Whether this one switch is engaged (at any level).
    public func isEngaged(_ scope: KillSwitchScope) -> Bool { level(scope) != nil }

    /// The level of this one switch, nil when it is not engaged.
    public func level(_ scope: KillSwitchScope) -> KillSwitchLevel? {
        switches.withLock { $0[scope]?.level }
    }

    /// Every engaged switch: global, then owners, then deployments, each by id.
    public func engaged() -> [KillSwitch] {
        switches.withLock { switches in
            var all = switches.global.map { [KillSwitch(scope: .global, level: $0.level, reason: $0.reason)] } ?? []
            for (id, engaged) in switches.owners.sorted(by: { $0.key < $1.key }) {
                all.append(KillSwitch(scope: .owner(id), level: engaged.level, reason: engaged.reason))
            }
            for (id, engaged) in switches.deployments.sorted(by: { $0.key < $1.key }) {
                all.append(KillSwitch(scope: .deployment(id), level: engaged.level, reason: engaged.reason))
            }
            return all
        }
    }

    /// The switch that applies to `deployment` (owned by `owner`): the
    /// strictest of those engaged, the broadest scope among equals; nil when
    /// none is. One atomic load when no switch is engaged anywhere.
    @inline(__always)
    public func strictest(owner: String, deployment: String) -> KillSwitch? {
        if engagedCount.load(ordering: .acquiring) == 0 { return nil }
        return switches.withLock { switches -> KillSwitch? in
            var strictest: KillSwitch?
            for scope in [KillSwitchScope.global, .owner(owner), .deployment(deployment)] {
                guard let engaged = switches[scope] else { continue }
                if strictest == nil || engaged.level > strictest!.level {
                    strictest = KillSwitch(scope: scope, level: engaged.level, reason: engaged.reason)
                }
            }
            return strictest
        }
    }
}
