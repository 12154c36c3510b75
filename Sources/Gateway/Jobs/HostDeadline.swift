import Foundation
import Synchronization

extension Gateway {
    /// Runs a blocking host call on a Dispatch thread and waits for it at
    /// most `configuration.hostCallDeadline`: past it the request is answered
    /// 504 `host_timeout` (the call itself ends by the host's own reply
    /// deadline). No HTTP request waits on a worker without a bound.
    func hostCall<T: Sendable>(_ what: String, _ work: @escaping @Sendable () throws -> T) async throws -> T {
        try await withDeadline(configuration.hostCallDeadline, work) {
            APIError(status: 504, code: "host_timeout",
                     message: "the deployment host did not \(what) within \($0); it may still happen: read the deployment again")
        }
    }
}

/// `work` on a Dispatch thread, raced against `deadline`.
func withDeadline<T: Sendable>(_ deadline: Duration, _ work: @escaping @Sendable () throws -> T,
                               timeout: @escaping @Sendable (Duration) -> any Error) async throws -> T {
    try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
        let once = ResumeOnce(continuation)
        DispatchQueue.global().async { once.resume(with: Result { try work() }) }
        DispatchQueue.global().asyncAfter(deadline: .now() + deadline.dispatchInterval) {
            once.resume(with: .failure(timeout(deadline)))
        }
    }
}

/// A continuation resumed by whichever of two racers comes first.
private final class ResumeOnce<T: Sendable>: Sendable {
    private let continuation: Mutex<CheckedContinuation<T, any Error>?>

    init(_ continuation: CheckedContinuation<T, any Error>) { self.continuation = Mutex(continuation) }

    func resume(with result: Result<T, any Error>) {
        continuation.withLock { taken -> CheckedContinuation<T, any Error>? in
            defer { taken = nil }
            return taken
        }?.resume(with: result)
    }
}

extension Duration {
    /// The duration for Dispatch timers (whole nanoseconds, clamped).
    var dispatchInterval: DispatchTimeInterval {
        .nanoseconds(Int(clamping: components.seconds.multipliedReportingOverflow(by: 1_000_000_000).partialValue
                                   + components.attoseconds / 1_000_000_000))
    }
}
