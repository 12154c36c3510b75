import Foundation

/// Runs blocking work (bcrypt, a Sandbox validation, a host call) on
/// Dispatch's pool rather than a cooperative or event-loop thread.
public func offload<T: Sendable>(_ work: @escaping @Sendable () -> T) async -> T {
    await withCheckedContinuation { continuation in
        DispatchQueue.global().async { continuation.resume(returning: work()) }
    }
}

/// `offload` for work that throws.
public func offloadThrowing<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
    try await offload { Result { try work() } }.get()
}
