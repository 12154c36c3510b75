import NIOCore

/// When a connection must next show progress, as a value: the three edge
/// timeouts of one HTTP/1 connection (`GatewayConfiguration.headerTimeout`,
/// `bodyTimeout`, `idleTimeout`). Events go in with the time they happened;
/// `deadline` says when to close if nothing else happens. No I/O here, so
/// it is tested with made-up times; `ConnectionDeadlineHandler` drives it.
///
/// - A new connection must deliver a complete request head within the
///   header timeout of opening.
/// - Between requests (after a response, nothing read yet) the connection
///   may sit idle for the idle timeout; its first byte starts the header
///   timeout for the next head.
/// - A body must be complete within the body timeout of its head.
/// - While a response is being produced nothing times out (the handler's
///   own work is not the client's fault).
/// - After a WebSocket upgrade none of this applies (the socket has its own
///   heartbeat and idle timeout).
struct ConnectionDeadlines {
    struct Timeouts {
        var header: TimeAmount
        var body: TimeAmount
        var idle: TimeAmount
    }

    enum Phase: Equatable {
        /// Waiting for a head since `since`: `idle` until its first byte.
        case awaitingHead(since: NIODeadline, idle: Bool)
        /// A head came at `since`; its body has not ended.
        case readingBody(since: NIODeadline)
        case upgraded
    }

    let timeouts: Timeouts
    private(set) var phase: Phase
    /// Responses owed: a head was read and its response has not ended.
    private(set) var responsesOwed = 0

    init(timeouts: Timeouts, openedAt now: NIODeadline) {
        self.timeouts = timeouts
        phase = .awaitingHead(since: now, idle: false)
    }

    /// When to close the connection, or nil while the server is working
    /// (or after an upgrade).
    var deadline: NIODeadline? {
        switch phase {
        case .upgraded: nil
        case .readingBody(let since): since + timeouts.body
        case .awaitingHead where responsesOwed > 0: nil
        case .awaitingHead(let since, true): since + timeouts.idle
        case .awaitingHead(let since, false): since + timeouts.header
        }
    }

    /// No request is being read or answered (nor is the connection a WebSocket).
    var isBetweenRequests: Bool {
        if case .awaitingHead = phase { responsesOwed == 0 } else { false }
    }

    /// Bytes arrived: the end of an idle wait.
    mutating func bytesArrived(at now: NIODeadline) {
        if case .awaitingHead(_, true) = phase { phase = .awaitingHead(since: now, idle: false) }
    }

    mutating func headArrived(at now: NIODeadline) {
        guard phase != .upgraded else { return }
        phase = .readingBody(since: now)
        responsesOwed += 1
    }

    mutating func endArrived(at now: NIODeadline) {
        guard case .readingBody = phase else { return }
        phase = .awaitingHead(since: now, idle: true)
    }

    /// A response ended: the wait for the next request counts from now.
    mutating func responseEnded(at now: NIODeadline) {
        responsesOwed = max(0, responsesOwed - 1)
        if responsesOwed == 0, case .awaitingHead(_, let idle) = phase { phase = .awaitingHead(since: now, idle: idle) }
    }

    mutating func upgraded() { phase = .upgraded }

    /// Whether a timer firing at `now` should close the connection.
    func isExpired(at now: NIODeadline) -> Bool { deadline.map { now >= $0 } ?? false }
}
