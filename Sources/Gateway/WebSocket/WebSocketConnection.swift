import Foundation
import Synchronization

/// One client connection's subscriptions and its bounded outbox. Events are
/// produced on feed and host threads; the connection's writer drains the
/// outbox. When the outbox is full new events are dropped and counted, and
/// the writer tells the client how many it missed (`{"type":"dropped"}`):
/// a slow client never makes server memory grow.
final class WebSocketConnection: Sendable {
    static let outboxLimit = 512
    let id = UUID()
    let userID: Int64
    /// The sign-in (refresh-token family) whose access token opened it:
    /// when that session ends, so does the connection.
    let sessionID: String
    let outbox: AsyncStream<String>
    private let continuation: AsyncStream<String>.Continuation
    private let state = Mutex<(subscriptions: Set<Subscription>, dropped: Int, lastActivity: ContinuousClock.Instant)>(([], 0, .now))
    /// Why the connection must close (logout, ban, password change): the
    /// first reason is kept, and the session's watcher wakes on it.
    let revocations: AsyncStream<String>
    private let revocationContinuation: AsyncStream<String>.Continuation

    init(userID: Int64, sessionID: String) {
        self.userID = userID
        self.sessionID = sessionID
        (outbox, continuation) = AsyncStream.makeStream(of: String.self, bufferingPolicy: .bufferingOldest(Self.outboxLimit))
        (revocations, revocationContinuation) = AsyncStream.makeStream(of: String.self, bufferingPolicy: .bufferingOldest(1))
    }

    /// Queues a message; false (and counted) when the outbox is full.
    @discardableResult
    func send(_ text: String) -> Bool {
        if case .dropped = continuation.yield(text) {
            state.withLock { $0.dropped += 1 }
            return false
        }
        return true
    }

    /// Drops since the last call (the writer reports them).
    func takeDropped() -> Int { state.withLock { state in defer { state.dropped = 0 }; return state.dropped } }

    func finish() {
        continuation.finish()
        revocationContinuation.finish()
    }

    func isSubscribed(_ subscription: Subscription) -> Bool { state.withLock { $0.subscriptions.contains(subscription) } }

    /// Adds a subscription unless the connection has `limit` already.
    func subscribe(_ subscription: Subscription, limit: Int) -> Bool {
        state.withLock { state in
            guard state.subscriptions.contains(subscription) || state.subscriptions.count < limit else { return false }
            state.subscriptions.insert(subscription)
            return true
        }
    }

    func unsubscribe(_ subscription: Subscription) -> Bool { state.withLock { $0.subscriptions.remove(subscription) != nil } }

    /// Asks the session to close with `reason`; no polling, the watcher wakes.
    func revoke(reason: String) { revocationContinuation.yield(reason) }

    func touch() { state.withLock { $0.lastActivity = .now } }
    var idleFor: Duration { ContinuousClock.now - state.withLock { $0.lastActivity } }
}
