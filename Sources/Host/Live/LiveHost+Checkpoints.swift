/// Checkpoints of in-process deployments: each is taken on the kernel's
/// worker thread through `perform`, so between two batches, never mid-event.
extension LiveHost {
    public func checkpoint(_ id: String) -> DeploymentCheckpoint? {
        guard let index = assignments.withLock({ $0[id] }) else { return nil }
        return workers[index].perform { registry in registry[id]?.checkpoint() }
    }

    public func checkpoints() -> [DeploymentCheckpoint] {
        workers.flatMap { worker in worker.perform { registry in registry.keys.sorted().map { registry[$0]!.checkpoint() } } }
    }

    /// `deploy(_:startAt:)` when `checkpoint` is nil; else the kernel is
    /// re-created from it on the least recently used worker (see
    /// `CheckpointingHost.deploy(_:startAt:restoring:)`). Throws what the
    /// script got wrong, or `.script(.conversion)` when the checkpoint's
    /// instruments are not the configuration's.
    public func deploy(_ configuration: DeploymentConfiguration, startAt time: Int64,
                       restoring checkpoint: DeploymentCheckpoint?) throws(DeploymentHostError) {
        guard let checkpoint else { return try deploy(configuration, startAt: time) }
        // A restarted (ready) checkpoint starts like a fresh deployment.
        do {
            try install(configuration.id, startAt: time) { board throws(DeploymentError) in
                try DeploymentKernel(configuration: configuration, restoring: checkpoint, killSwitches: board)
            }
        } catch {
            throw .refused(error)
        }
    }

    public func stopTakingCheckpoint(_ id: String) -> DeploymentCheckpoint? {
        guard let index = assignments.withLock({ $0.removeValue(forKey: id) }) else { return nil }
        return workers[index].perform { registry in
            guard let kernel = registry.removeValue(forKey: id) else { return nil }
            kernel.stop()
            return kernel.checkpoint()
        }
    }
}
