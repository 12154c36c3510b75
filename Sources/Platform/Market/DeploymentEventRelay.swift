import Host
import Synchronization

/// Carries the host's notifications (orders, fills, logs, status) to the
/// Gateway. The host is made before the Gateway, so its observer closure
/// captures this relay and the Gateway attaches its handler afterwards;
/// notifications before that are dropped (nothing is deployed yet).
public final class DeploymentEventRelay: Sendable {
    private let handler = Mutex<(@Sendable (String, DeploymentNotification) -> Void)?>(nil)

    public init() {}

    public func receive(_ deploymentID: String, _ notification: DeploymentNotification) {
        handler.withLock { $0 }?(deploymentID, notification)
    }

    func attach(_ body: @escaping @Sendable (String, DeploymentNotification) -> Void) {
        handler.withLock { $0 = body }
    }
}
