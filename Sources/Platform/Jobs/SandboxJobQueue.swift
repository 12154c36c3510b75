import Foundation
import Marketplace
import Synchronization

/// Admission for work that runs strategy code on the server's behalf:
/// upload validation, template checks and API backtests. At most
/// `concurrent` run at once (each in a worker process of its own in
/// `lunar serve`), at most `maximumQueued` more wait, and one user may hold
/// at most `perUser` admitted jobs (running or waiting). A job that cannot
/// be admitted is refused at once (429 for the user's own limit, 503 when
/// the server is full) and a queued job that waits past `maximumWait` is
/// refused with 503: no request waits without a bound.
public final class SandboxJobQueue: Sendable {
    /// The queue's bounds (see the type's summary).
    public struct Limits: Sendable {
        public var concurrent: Int
        public var maximumQueued: Int
        public var perUser: Int
        public var maximumWait: Duration

        public init(concurrent: Int, maximumQueued: Int, perUser: Int, maximumWait: Duration) {
            self.concurrent = concurrent
            self.maximumQueued = maximumQueued
            self.perUser = perUser
            self.maximumWait = maximumWait
        }
    }

    /// One admitted job. `start()` waits for a running slot; `finish()`
    /// gives back whatever the job holds (idempotent; call it in a `defer`).
    public final class Ticket: Sendable {
        fileprivate let queue: SandboxJobQueue
        fileprivate let id: UInt64
        fileprivate let owner: UserID

        fileprivate init(queue: SandboxJobQueue, id: UInt64, owner: UserID) {
            self.queue = queue
            self.id = id
            self.owner = owner
        }

        /// Waits for a running slot, at most `maximumWait` (nil: no bound,
        /// for jobs the caller polls).
        public func start(maximumWait: Duration?) async throws { try await queue.start(self, maximumWait: maximumWait) }
        public func finish() { queue.finish(self) }
    }

    private struct Waiter {
        var id: UInt64
        var continuation: CheckedContinuation<Void, any Error>
    }

    private struct State {
        var nextID: UInt64 = 1
        /// Tickets admitted and not finished, by id: true once running.
        var admitted: [UInt64: Bool] = [:]
        var running = 0
        var waiting: [Waiter] = []
        var perOwner: [UserID: Int] = [:]
    }

    public let limits: Limits
    private let state = Mutex(State())

    public init(_ limits: Limits) {
        self.limits = Limits(concurrent: max(1, limits.concurrent), maximumQueued: max(0, limits.maximumQueued),
                             perUser: max(1, limits.perUser), maximumWait: limits.maximumWait)
    }

    /// Counts: running, waiting (for `/api/health/ready` and tests).
    public var load: (running: Int, waiting: Int) { state.withLock { ($0.running, $0.waiting.count) } }

    /// Admits a job of `owner` or refuses it at once.
    public func admit(_ owner: UserID) throws(PlatformError) -> Ticket {
        let limits = self.limits
        let id = try state.withLock { (state) throws(PlatformError) -> UInt64 in
            guard state.perOwner[owner, default: 0] < limits.perUser else {
                throw .quotaExceeded(message: "at most \(limits.perUser) of your uploads, checks and backtests may run or wait at once",
                                     retryAfter: 5)
            }
            guard state.admitted.count < limits.concurrent + limits.maximumQueued else {
                throw .busy(message: "the sandbox workers are busy (\(state.running) running, \(state.waiting.count) waiting); retry shortly",
                            retryAfter: 5)
            }
            let id = state.nextID
            state.nextID += 1
            state.admitted[id] = false
            state.perOwner[owner, default: 0] += 1
            return id
        }
        return Ticket(queue: self, id: id, owner: owner)
    }

    /// Admits, waits for a slot (at most `maximumWait`) and runs `work` on a
    /// Dispatch thread, never on the caller's.
    public func run<T: Sendable>(for owner: UserID, _ work: @escaping @Sendable () throws -> T) async throws -> T {
        let ticket = try admit(owner)
        defer { ticket.finish() }
        try await ticket.start(maximumWait: limits.maximumWait)
        return try await offloadThrowing(work)
    }

    private func start(_ ticket: Ticket, maximumWait: Duration?) async throws {
        let limits = self.limits
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            let queued: Bool = state.withLock { state in
                guard state.admitted[ticket.id] == false else {
                    continuation.resume(throwing: PlatformError.internalInconsistency("a job started twice"))
                    return false
                }
                if state.running < limits.concurrent && state.waiting.isEmpty {
                    state.running += 1
                    state.admitted[ticket.id] = true
                    continuation.resume()
                    return false
                }
                state.waiting.append(Waiter(id: ticket.id, continuation: continuation))
                return true
            }
            guard queued, let maximumWait else { return }
            DispatchQueue.global().asyncAfter(deadline: .now() + maximumWait.dispatchInterval) { [self] in
                let expired: Waiter? = state.withLock { state in
                    guard let index = state.waiting.firstIndex(where: { $0.id == ticket.id }) else { return nil }
                    return state.waiting.remove(at: index)
                }
                expired?.continuation.resume(throwing: PlatformError.busy(
                    message: "the job waited \(maximumWait) for a sandbox worker; retry shortly", retryAfter: 5))
            }
        }
    }

    private func finish(_ ticket: Ticket) {
        let (next, abandoned): (Waiter?, Waiter?) = state.withLock { state in
            guard let running = state.admitted.removeValue(forKey: ticket.id) else { return (nil, nil) }
            state.perOwner[ticket.owner, default: 1] -= 1
            if state.perOwner[ticket.owner] == 0 { state.perOwner[ticket.owner] = nil }
            let abandoned = state.waiting.firstIndex { $0.id == ticket.id }.map { state.waiting.remove(at: $0) }
            guard running else { return (nil, abandoned) }
            guard !state.waiting.isEmpty else {
                state.running -= 1
                return (nil, abandoned)
            }
            // The slot passes straight to the oldest waiter.
            let next = state.waiting.removeFirst()
            state.admitted[next.id] = true
            return (next, abandoned)
        }
        abandoned?.continuation.resume(throwing: PlatformError.busy(message: "the job was withdrawn before it started", retryAfter: nil))
        next?.continuation.resume()
    }
}
