/// What went wrong between a supervisor and its workers. Stable codes; a
/// message never includes a strategy's source or state.
public enum IsolationError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A system call failed.
    case system(call: String, errno: Int32)
    /// The worker executable could not be started.
    case spawnFailed(path: String, errno: Int32)
    /// Bytes from the peer were not a valid frame (the peer is treated as dead).
    case frame(FrameError)
    /// The worker could not create the deployment (script, schema, symbols).
    case deploymentRefused(id: String, reason: String)
    /// The worker refused the deployment for what its script got wrong.
    case refused(id: String, DeploymentError)
    case duplicateDeployment(String)
    /// The worker died before the request finished; `reason` says how.
    case workerDied(reason: String)
    /// The host was shut down.
    case shutDown

    public var code: String {
        switch self {
        case .system: "isolationSystemCall"
        case .spawnFailed: "workerSpawnFailed"
        case .frame(let error): error.code
        case .deploymentRefused, .refused: "deploymentRefused"
        case .duplicateDeployment: "duplicateDeployment"
        case .workerDied: "workerDied"
        case .shutDown: "hostShutDown"
        }
    }

    public var description: String {
        switch self {
        case .system(let call, let code): "\(call) failed: errno \(code)"
        case .spawnFailed(let path, let code): "could not start worker '\(path)': errno \(code)"
        case .frame(let error): error.description
        case .deploymentRefused(let id, let reason): "deployment '\(id)' refused: \(reason)"
        case .refused(let id, let error): "deployment '\(id)' refused: \(error)"
        case .duplicateDeployment(let id): "deployment '\(id)' already exists"
        case .workerDied(let reason): "worker died: \(reason)"
        case .shutDown: "the host is shut down"
        }
    }
}
