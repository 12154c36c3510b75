import Host
import Marketplace

/// Kill switches: stored (and audited) first, so a refused or failed write
/// changes nothing in the host; then engaged in the host. One change at a
/// time, so the host applies them in the store's order.
extension Platform {
    /// The host's name for a stored switch.
    public static func hostScope(_ target: KillSwitchTarget) -> KillSwitchScope {
        switch target {
        case .global: .global
        case .owner(let id): .owner(id.description)
        case .deployment(let id): .deployment(DeploymentRuntime.hostID(id))
        }
    }

    /// Engages (or changes) a switch.
    public func engageKillSwitch(_ target: KillSwitchTarget, level: KillSwitchLevel, reason: String,
                                 by user: UserID) async throws -> EngagedKillSwitch {
        let engaged = try await store.write { [self] store in
            try killSwitchChanges.withLock { _ in
                let engaged = try store.engageKillSwitch(target, level: level, reason: reason, by: user)
                host.engageKillSwitch(Self.hostScope(target), level: level, reason: engaged.reason)
                return engaged
            }
        }
        alerts.killSwitchEngaged(engaged)
        return engaged
    }

    /// Releases a switch in the store (audited), then in the host. A
    /// deployment halted for failed writes stays halted: only a stop ends that.
    public func releaseKillSwitch(_ target: KillSwitchTarget, by user: UserID) async throws {
        try await store.write { [self] store in
            try killSwitchChanges.withLock { _ in
                try store.releaseKillSwitch(target, by: user)
                host.releaseKillSwitch(Self.hostScope(target))
                if case .deployment(let id) = target, let reason = runtime.writeHalt(id) {
                    host.engageKillSwitch(Self.hostScope(target), level: .reduceOnly, reason: reason)
                }
            }
        }
    }

    /// Engages every stored switch in the host; returns how many. Runs
    /// before any deployment resumes, so that not one order of a deployment
    /// under a switch slips through after a restart. Engaging twice is harmless.
    @discardableResult
    public func restoreKillSwitches() async throws -> Int {
        try await store.write { [self] store in
            try killSwitchChanges.withLock { _ in
                let stored = try store.engagedKillSwitches()
                for engaged in stored {
                    host.engageKillSwitch(Self.hostScope(engaged.target), level: engaged.level, reason: engaged.reason)
                }
                return stored.count
            }
        }
    }

    /// After a stop released a write halt: the store's own switch on the
    /// deployment (if any) holds again in the host. Blocking; in the lane.
    func reengageStoredSwitch(covering id: DeploymentID) throws {
        try killSwitchChanges.withLock { _ in
            guard let engaged = try store.engagedKillSwitches().first(where: { $0.target == .deployment(id) }) else { return }
            host.engageKillSwitch(Self.hostScope(engaged.target), level: engaged.level, reason: engaged.reason)
        }
    }
}
