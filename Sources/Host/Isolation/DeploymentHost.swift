import Foundation

/// What an embedder needs from a live host, whichever `HostMode` runs it:
/// `LiveHost` (threads, in process) and `SupervisedHost` (worker processes).
public protocol DeploymentHost: CheckpointingHost {
    /// Creates a deployment and starts it at `time`; throws
    /// `DeploymentHostError` in every mode.
    func deploy(_ configuration: DeploymentConfiguration, startAt time: Int64) throws(DeploymentHostError)
    @discardableResult func stop(_ id: String) -> DeploymentSnapshot?
    func snapshot(_ id: String) -> DeploymentSnapshot?
    func snapshots() -> [DeploymentSnapshot]
    var deploymentCount: Int { get }
    func publish(_ events: [MarketEvent])
    func drain()
    /// Engages a kill switch at `level` for every deployment of the host it
    /// covers (`halt`: nothing passes; `reduceOnly`: only exits), or changes
    /// the level and reason of an engaged one.
    func engageKillSwitch(_ scope: KillSwitchScope, level: KillSwitchLevel, reason: String)
    func releaseKillSwitch(_ scope: KillSwitchScope)
    /// Carries out an owner's manual command on a deployment's account,
    /// between market events (`ManualCommand`).
    func execute(_ command: ManualCommand, on id: String) throws(ManualCommandError) -> ManualCommandOutcome
}

extension LiveHost {
    public func engageKillSwitch(_ scope: KillSwitchScope, level: KillSwitchLevel, reason: String) {
        killSwitches.engage(scope, level: level, reason: reason)
    }
    public func releaseKillSwitch(_ scope: KillSwitchScope) { killSwitches.release(scope) }
}

extension DeploymentHost {
    /// Engages a kill switch at `halt`, nothing passes.
    public func engageKillSwitch(_ scope: KillSwitchScope, reason: String) {
        engageKillSwitch(scope, level: .halt, reason: reason)
    }
}

/// Builds the host a mode asks for.
public func makeDeploymentHost(
    _ mode: HostMode, observer: @escaping @Sendable (String, DeploymentNotification) -> Void = { _, _ in }
) throws -> any DeploymentHost {
    switch mode {
    case .inProcess(let configuration): LiveHost(configuration: configuration, observer: observer)
    case .isolated(let configuration): try SupervisedHost(configuration: configuration, observer: observer)
    }
}

extension DeploymentHost {
    /// Reads `source` until it ends, `shouldContinue` says stop, or `limit`
    /// events, pacing by event time at `speed` × real time (`FeedPacer`: a
    /// schedule, so publishing takes nothing off the speed). Paced, it
    /// publishes one batch per timestamp; at speed 0 (as fast as possible) it
    /// publishes batches of at least `batchLimit` events, cut between
    /// timestamps: a batch costs a wake-up per thread and, in worker mode, a
    /// frame and a checkpoint per deployment. Returns the number of events
    /// published.
    @discardableResult
    public func feed<Source: MarketDataSource>(
        from source: inout Source, speed: Double, limit: Int = .max, batchLimit: Int = 256,
        shouldContinue: () -> Bool = { true }
    ) -> Int {
        var batch: [MarketEvent] = []
        var published = 0
        var lastTime: Int64?
        var pacer = FeedPacer(speed: speed)
        while published < limit, shouldContinue(), let event = source.next() {
            if lastTime == nil, speed > 0 { pacer.wait(until: event.time) }
            if let lastTime, event.time > lastTime, speed > 0 || batch.count >= batchLimit {
                publish(batch)
                batch.removeAll(keepingCapacity: true)
                if speed > 0 { pacer.wait(until: event.time) }
            }
            lastTime = event.time
            batch.append(event)
            published += 1
        }
        publish(batch)
        return published
    }
}
