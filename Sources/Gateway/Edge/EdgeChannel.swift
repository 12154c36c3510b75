import HummingbirdCore
import Logging
import NIOCore

/// Wraps the server's child channel (HTTP/1 with the WebSocket upgrade) with
/// the edge limits Hummingbird does not have: it refuses a connection over
/// the per-address cap before anything is read, and puts
/// `ConnectionDeadlineHandler` first in the pipeline (in front of the HTTP
/// decoder), then lets the wrapped channel build the rest.
struct EdgeChannel<Wrapped: ServerChildChannel>: ServerChildChannel {
    typealias Value = Wrapped.Value

    /// A connection closed because its address has too many open.
    struct OverCapacity: Error {}

    let wrapped: Wrapped
    let cap: ConnectionCap
    let timeouts: ConnectionDeadlines.Timeouts

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        let address = channel.remoteAddress?.ipAddress ?? "unknown"
        guard cap.admit(address) else {
            logger.debug("connection refused: per-address cap", metadata: ["peer": .string(address), "cap": .stringConvertible(cap.limit)])
            channel.close(promise: nil)
            return channel.eventLoop.makeFailedFuture(OverCapacity())
        }
        let cap = self.cap
        channel.closeFuture.whenComplete { _ in cap.release(address) }
        do {
            try channel.pipeline.syncOperations.addHandler(ConnectionDeadlineHandler(timeouts: timeouts), position: .first)
        } catch {
            channel.close(promise: nil)
            return channel.eventLoop.makeFailedFuture(error)
        }
        return wrapped.setup(channel: channel, logger: logger)
    }

    func handle(value: Value, logger: Logger) async {
        await wrapped.handle(value: value, logger: logger)
    }
}
