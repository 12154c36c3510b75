import Foundation
import Synchronization

/// `work` on a Dispatch thread, raced against `deadline`.
public func withDeadline<T: Sendable>(_ deadline: Duration, _ work: @escaping @Sendable () throws -> T,
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
    public var dispatchInterval: DispatchTimeInterval {
        .nanoseconds(Int(clamping: components.seconds.multipliedReportingOverflow(by: 1_000_000_000).partialValue
                                   + components.attoseconds / 1_000_000_000))
    }
}
