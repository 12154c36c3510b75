import Crypto
import Foundation
import Host
import Marketplace
import Synchronization

/// Connects stored deployments to the `DeploymentHost`: starting one
/// deploys its run spec (script from the store's trusted `runSpec`, never a
/// user route) into the host; the host's notifications are journaled in the
/// store (orders, fills) and kept as a bounded recent log per deployment;
/// a fault is recorded on the deployment's state machine.
final class DeploymentRuntime: Sendable {
    static let logLimit = 200
    let store: MarketplaceStore
    let host: any DeploymentHost
    let tape: MarketTape
    private let logs = Mutex<[Int64: [DeploymentLogEntry]]>([:])
    private let listeners = Mutex<[UUID: @Sendable (Int64, DeploymentNotification) -> Void]>([:])

    init(store: MarketplaceStore, host: any DeploymentHost, tape: MarketTape, relay: DeploymentEventRelay) {
        self.store = store
        self.host = host
        self.tape = tape
        relay.attach { [weak self] hostID, notification in self?.receive(hostID, notification) }
    }

    static func hostID(_ id: DeploymentID) -> String { "deployment-\(id.rawValue)" }
    static func deploymentID(_ hostID: String) -> Int64? { Int64(hostID.dropFirst("deployment-".count)) }

    /// Deploys a stored deployment (already marked running) into the host.
    func launch(_ id: DeploymentID) throws {
        let spec = try store.runSpec(of: id)
        let configuration = DeploymentConfiguration(
            id: Self.hostID(id), ownerID: spec.deployment.ownerID.description, source: spec.source,
            chunkName: "deployment-\(id.rawValue).lua", parameters: spec.deployment.parameters, instruments: tape.instruments,
            risk: LayeredRiskLimits(deployment: spec.deployment.risk, owner: try store.ownerRiskLimits(of: spec.deployment.ownerID)))
        do {
            try host.deploy(configuration, startAt: tape.latestTime ?? Int64(Date().timeIntervalSince1970))
        } catch {
            _ = try? store.recordDeploymentEvent(id, .fault(reason: "start failed: \(error)"))
            throw error
        }
    }

    /// Redeploys what was running when the server last stopped.
    func resume() throws -> Int {
        var resumed = 0
        for deployment in try store.deploymentsToResume() where (try? launch(deployment.id)) != nil { resumed += 1 }
        return resumed
    }

    func stop(_ id: DeploymentID) { host.stop(Self.hostID(id)) }

    func snapshot(_ id: DeploymentID) -> DeploymentSnapshot? { host.snapshot(Self.hostID(id)) }

    /// Carries out a manual command on a running deployment's account. The
    /// host call blocks until the deployment's thread or worker answers, so it
    /// runs on a dispatch thread (`offloadThrowing`), never on the event loop.
    func execute(_ command: ManualCommand, on id: DeploymentID) async throws -> ManualCommandOutcome {
        let host = self.host
        let hostID = Self.hostID(id)
        return try await offloadThrowing { try host.execute(command, on: hostID) }
    }

    func recentLog(_ id: DeploymentID) -> [DeploymentLogEntry] { logs.withLock { $0[id.rawValue] ?? [] } }

    /// Adds a listener for every notification (the WebSocket hub); returns its key for `removeListener`.
    func addListener(_ body: @escaping @Sendable (Int64, DeploymentNotification) -> Void) -> UUID {
        let key = UUID()
        listeners.withLock { $0[key] = body }
        return key
    }

    func removeListener(_ key: UUID) { _ = listeners.withLock { $0.removeValue(forKey: key) } }

    private func receive(_ hostID: String, _ notification: DeploymentNotification) {
        guard let raw = Self.deploymentID(hostID) else { return }
        let id = DeploymentID(raw)
        let encoder = JSONEncoder()
        switch notification {
        case .order(let order):
            if let body = try? encoder.encode(order) {
                _ = try? store.saveCheckpoint(DeploymentCheckpoint(orders: [JournalRecord(id: String(order.id), body: body)]), for: id)
            }
        case .fill(let fill):
            if let body = try? encoder.encode(fill) {
                let key = SHA256.hash(data: body).prefix(12).map { String(format: "%02x", $0) }.joined()
                _ = try? store.saveCheckpoint(DeploymentCheckpoint(fills: [JournalRecord(id: key, orderID: String(fill.orderID), body: body)]), for: id)
            }
        case .log(let entry):
            logs.withLock { logs in
                var entries = logs[raw] ?? []
                entries.append(entry)
                if entries.count > Self.logLimit { entries.removeFirst(entries.count - Self.logLimit) }
                logs[raw] = entries
            }
        case .status(let status):
            if status.isFaulted { _ = try? store.recordDeploymentEvent(id, .fault(reason: status.description)) }
        }
        for listener in listeners.withLock({ Array($0.values) }) { listener(raw, notification) }
    }
}
