import Glibc

/// The supervisor's view of one worker process, as a value: what it is owed
/// (replies and batch reports, in the order the requests went out), and how
/// it died. Every input returns what the supervisor must do, so the rules —
/// "anything unexpected from a worker means it is dead", "the deployment
/// inside a callback at death is the culprit" — are tested without I/O.
struct WorkerLifecycle: Sendable, Equatable {
    /// Something the worker must send next, in this order.
    enum Expectation: Sendable, Equatable {
        case batch(UInt64)
        case reply(FrameType)
    }

    /// Why the supervisor killed the worker (before it saw the exit).
    enum KillCause: Sendable, Equatable {
        case timeout(slot: Int, deadlineMilliseconds: Int64)
        case badFrame(String)
        case shutdown
    }

    enum State: Sendable, Equatable {
        case running
        case killing(KillCause)
        case dead
    }

    enum Action: Sendable, Equatable {
        case none
        /// The frame is what was owed: apply it.
        case accept
        /// SIGKILL the worker; recovery follows when its stream ends.
        case kill
        /// The worker is gone: fault `culprit` (if any) with `reason`, move the
        /// rest of its deployments to a fresh worker and replay what it owed.
        case recover(culprit: Int?, reason: String)
        /// The worker ended because it was told to: nothing to recover.
        case retire
    }

    private(set) var state: State = .running
    private(set) var expected: [Expectation] = []

    var isRunning: Bool { state == .running }

    mutating func sent(_ expectation: Expectation) {
        if state == .running { expected.append(expectation) }
    }

    /// A frame arrived; `sequence` is a batch report's sequence number.
    mutating func received(_ type: FrameType, sequence: UInt64? = nil) -> Action {
        guard state == .running else { return .none }
        let arrived: Expectation = type == .batchDone ? .batch(sequence ?? .max) : .reply(type)
        guard expected.first == arrived else {
            return kill(.badFrame("unexpected frame type \(type.rawValue)"))
        }
        expected.removeFirst()
        return .accept
    }

    /// The bytes from the worker were not a valid frame or payload.
    mutating func rejected(_ reason: String) -> Action {
        guard state == .running else { return .none }
        return kill(.badFrame(reason))
    }

    /// The watchdog saw `slot` inside one callback for too long.
    mutating func overdue(slot: Int, deadlineMilliseconds: Int64) -> Action {
        guard state == .running else { return .none }
        return kill(.timeout(slot: slot, deadlineMilliseconds: deadlineMilliseconds))
    }

    mutating func shuttingDown() {
        if state == .running { state = .killing(.shutdown) }
    }

    private mutating func kill(_ cause: KillCause) -> Action {
        state = .killing(cause)
        return .kill
    }

    /// The worker's stream ended and the process was reaped. `slotInCallback`
    /// is what its watchdog page said at the end: the culprit when the worker
    /// died on its own (or by an outside kill) inside a callback.
    mutating func ended(_ exit: WorkerExit, slotInCallback: Int?) -> Action {
        let previous = state
        state = .dead
        switch previous {
        case .dead: return .none
        case .killing(.shutdown): return .retire
        case .killing(.timeout(let slot, let deadline)):
            return .recover(culprit: slot, reason: "timeout: a callback ran past its \(deadline) ms deadline and the grace")
        case .killing(.badFrame(let reason)):
            // Whatever callback our SIGKILL interrupted did not send the frame:
            // the process is broken, no deployment is to blame.
            return .recover(culprit: nil, reason: "protocol: the worker sent a bad frame (\(reason))")
        case .running:
            return .recover(culprit: slotInCallback, reason: Self.describe(exit))
        }
    }

    /// The reason a deployment is faulted when its worker died on its own.
    static func describe(_ exit: WorkerExit) -> String {
        switch exit {
        case .exited(let code): "crash: the worker exited with status \(code)"
        case .signaled(SIGXCPU): "cpu: the worker exceeded its CPU-time limit (SIGXCPU)"
        case .signaled(SIGKILL): "signal: the worker was killed (SIGKILL; also how the kernel's out-of-memory killer ends it)"
        case .signaled(SIGSEGV): "signal: the worker crashed (SIGSEGV)"
        case .signaled(SIGBUS): "signal: the worker crashed (SIGBUS)"
        case .signaled(let signal) where [SIGILL, SIGTRAP, SIGABRT].contains(signal):
            "memory or crash: the worker aborted (signal \(signal); an allocation past its address-space limit ends this way)"
        case .signaled(let signal): "signal: the worker ended by signal \(signal)"
        }
    }
}
