/// Deploying from and stopping into checkpoints in worker mode; the
/// supervisor's copy is the checkpoint (`checkpoint(_:)` in SupervisedHost).
extension SupervisedHost {
    /// `deploy(_:startAt:)` when `checkpoint` is nil; else the worker
    /// re-creates the kernel from it (as after a worker crash, but without
    /// indicator warm-up: the supervisor has no bars from before).
    public func deploy(_ configuration: DeploymentConfiguration, startAt time: Int64,
                       restoring checkpoint: DeploymentCheckpoint?) throws(DeploymentHostError) {
        do { try core.deploy(configuration, startAt: time, restoring: checkpoint) } catch { throw DeploymentHostError(error) }
    }

    public func checkpoints() -> [DeploymentCheckpoint] {
        core.lock.withLock { core.records.keys.sorted().compactMap { core.records[$0]?.checkpoint } }
    }

    public func stopTakingCheckpoint(_ id: String) -> DeploymentCheckpoint? { core.stopRecord(id)?.checkpoint }
}
