/// Which kill switch.
public enum KillSwitchScope: Sendable, Hashable, Codable {
    /// Every deployment on the platform.
    case global
    /// Every deployment of one owner.
    case owner(String)
    /// One deployment.
    case deployment(String)

    /// Orders the board's listing: global, then owners, then deployments.
    var rank: Int {
        switch self {
        case .global: 0
        case .owner: 1
        case .deployment: 2
        }
    }
}

/// How much an engaged kill switch stops, NautilusTrader's trading states
/// (`TradingState.reducing` / `.halted`) applied from outside the deployment.
public enum KillSwitchLevel: String, Sendable, Codable, CaseIterable, Comparable {
    /// Only orders that reduce a position pass, so a strategy or its owner
    /// can still close out; the emergency stop's default.
    case reduceOnly
    /// No order passes, not even an exit.
    case halt

    private var severity: Int { self == .halt ? 1 : 0 }

    public static func < (lhs: KillSwitchLevel, rhs: KillSwitchLevel) -> Bool { lhs.severity < rhs.severity }
}

/// One engaged kill switch.
public struct KillSwitch: Sendable, Hashable, Codable {
    public var scope: KillSwitchScope
    public var level: KillSwitchLevel
    /// Goes into the denial message ("" when none was given).
    public var reason: String

    public init(scope: KillSwitchScope, level: KillSwitchLevel, reason: String = "") {
        self.scope = scope
        self.level = level
        self.reason = reason
    }

    /// Where it applies, for messages: "the global kill switch", "the kill switch of owner 7".
    var name: String {
        switch scope {
        case .global: "the global kill switch"
        case .owner(let id): "the kill switch of owner \(id)"
        case .deployment(let id): "the kill switch of deployment \(id)"
        }
    }
}
