/// What a host offers so an embedder can keep deployments across its own
/// restarts: read a deployment's checkpoint, deploy from one, and stop one
/// keeping the account the stop left. `DeploymentHost` refines it; its own
/// file so the requirements stay apart from the rest of the host API.
public protocol CheckpointingHost: AnyObject, Sendable {
    /// The deployment's checkpoint as of the last batch it finished (taken
    /// between batches, never mid-event); nil if the host does not run it.
    func checkpoint(_ id: String) -> DeploymentCheckpoint?

    /// The checkpoints of every deployment the host runs, taken the same way
    /// (one pass: no snapshot and no round trip per deployment).
    func checkpoints() -> [DeploymentCheckpoint]

    /// Deploys `configuration`: fresh (on_start runs at `time`) when
    /// `checkpoint` is nil, else re-created from the checkpoint
    /// (`DeploymentKernel(configuration:restoring:)`): a running or halted
    /// checkpoint carries on at its own time without on_start; a `ready` one
    /// (see `DeploymentCheckpoint.restarted()`) keeps its account and starts
    /// at `time`, on_start included.
    func deploy(_ configuration: DeploymentConfiguration, startAt time: Int64, restoring checkpoint: DeploymentCheckpoint?)
        throws(DeploymentHostError)

    /// Stops a deployment as `stop(_:)` does (on_stop, working orders
    /// canceled) and returns its checkpoint after the stop: the account a
    /// later start continues. Nil if the host does not run it.
    func stopTakingCheckpoint(_ id: String) -> DeploymentCheckpoint?
}
