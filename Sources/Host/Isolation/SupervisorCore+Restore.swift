/// The parts of a stop that a restore needs: the final record, with the
/// checkpoint the worker reported after `on_stop` and the cancellations.
extension SupervisorCore {
    func stop(_ id: String) -> DeploymentSnapshot? {
        guard let final = stopRecord(id) else { return nil }
        return DeploymentSnapshot(id: id, checkpoint: final.checkpoint, configuration: final.configuration, log: final.recentLog)
    }
}
