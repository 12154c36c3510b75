import Synchronization

/// Open connections per TCP peer address, shared by every event loop.
/// The address is the socket peer, not `X-Forwarded-For` (no request has
/// been read when a connection opens): behind a proxy every client counts
/// as the proxy, so `GatewayConfiguration.maximumConnectionsPerAddress`
/// must be raised there.
final class ConnectionCap: Sendable {
    let limit: Int
    private let open = Mutex<[String: Int]>([:])

    init(limit: Int) {
        self.limit = limit
    }

    /// Counts a new connection from `address`; false (and not counted) when
    /// the address already has `limit` open.
    func admit(_ address: String) -> Bool {
        open.withLock { open in
            let count = open[address, default: 0]
            guard count < limit else { return false }
            open[address] = count + 1
            return true
        }
    }

    /// An admitted connection closed.
    func release(_ address: String) {
        open.withLock { open in
            let count = open[address, default: 0] - 1
            open[address] = count > 0 ? count : nil
        }
    }
}
