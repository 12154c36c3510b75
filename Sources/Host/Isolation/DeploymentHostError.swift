import Sandbox

/// What a `DeploymentHost` throws when it cannot deploy, the same in both
/// modes: `LiveHost` (threads) and `SupervisedHost` (worker processes) both
/// say what the script got wrong as `.refused(DeploymentError)`, so a caller
/// maps one type to one answer (a refused deployment is a 422 either way).
public enum DeploymentHostError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The deployment was refused: its script, parameters, symbols or timeframe.
    case refused(DeploymentError)
    /// A deployment with this id is already in the host.
    case duplicate(id: String)
    /// The host could not carry the deployment out (a worker could not be
    /// started or died while deploying, or the host is shut down).
    case unavailable(reason: String)

    /// A stable machine code.
    public var code: String {
        switch self {
        case .refused: "deploymentRefused"
        case .duplicate: "duplicateDeployment"
        case .unavailable: "hostUnavailable"
        }
    }

    public var description: String {
        switch self {
        case .refused(let error): error.description
        case .duplicate(let id): "deployment '\(id)' already exists"
        case .unavailable(let reason): "the host is unavailable: \(reason)"
        }
    }

    /// The worker-mode error as the common one.
    init(_ error: IsolationError) {
        switch error {
        case .refused(_, let refusal): self = .refused(refusal)
        case .duplicateDeployment(let id): self = .duplicate(id: id)
        default: self = .unavailable(reason: error.description)
        }
    }
}
