import Host
import Synchronization

/// Carries the host's notifications (orders, fills, logs, status) to the
/// Gateway. The host is made before the Gateway, so its observer closure
/// captures this relay and the Gateway attaches its handler afterwards;
/// notifications before that are dropped (nothing is deployed yet).
public final class DeploymentEventRelay: Sendable {
    /// The handler sits in a class box: a closure stored directly as a
    /// `Mutex`'s value is reabstracted on every `withLock` round trip and
    /// wrapped one thunk deeper each time, until a call overflows the stack
    /// (it crashed a server after about 15,000 notifications).
    private final class Handler: Sendable {
        let body: @Sendable (String, DeploymentNotification) -> Void
        init(_ body: @escaping @Sendable (String, DeploymentNotification) -> Void) { self.body = body }
    }

    private let handler = Mutex<Handler?>(nil)

    public init() {}

    public func receive(_ deploymentID: String, _ notification: DeploymentNotification) {
        handler.withLock { $0 }?.body(deploymentID, notification)
    }

    /// Sets the one handler (the platform attaches its runtime).
    public func attach(_ body: @escaping @Sendable (String, DeploymentNotification) -> Void) {
        let boxed = Handler(body)
        handler.withLock { $0 = boxed }
    }
}
