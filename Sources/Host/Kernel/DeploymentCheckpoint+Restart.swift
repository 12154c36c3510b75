extension DeploymentCheckpoint {
    /// The checkpoint a new start of a stopped (or faulted) deployment
    /// continues from: the same account, order counter and `ctx.state`, but
    /// status `ready` so the host runs `on_start` again, no working orders
    /// (the stop or fault canceled them, and the journal says so) and no
    /// timers (`on_start` sets up its own again).
    public func restarted() -> DeploymentCheckpoint {
        var next = self
        next.status = CheckpointStatus(.ready)
        next.workingOrders = []
        next.timers = []
        return next
    }

    /// Whether the deployment was live (running or halted) when the
    /// checkpoint was taken: restoring it carries on without `on_start`.
    public var isLive: Bool {
        switch status.status {
        case .running, .halted: true
        default: false
        }
    }
}
