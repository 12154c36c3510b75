/// The async boundary, as GRDB draws it: async code never calls the store
/// directly (a call blocks its thread on SQLite, and a slow fsync would
/// stall every request sharing that thread); it awaits `read` or `write`,
/// whose body runs on the store's own threads (`StoreThreads`: one writer,
/// one per reader connection) with the store's synchronous API.
///
/// `read` is for bodies that only read; `write` for bodies that write (they
/// queue behind each other on the one writer thread, as SQLite would make
/// them wait anyway). A body may call several store methods; each is still
/// its own transaction.
extension MarketplaceStore {
    /// Set (with `$refusesBlockingCalls.withValue(true)`) around async code
    /// that must never call the store synchronously: inside it every direct
    /// call throws `StoreError.blockingCall`. The Gateway sets it for each
    /// request; `read`/`write` bodies run on the store's threads, outside it.
    @TaskLocal public static var refusesBlockingCalls = false

    /// Runs `body` on a reader thread and returns what it returns.
    public func read<T: Sendable>(_ body: @escaping @Sendable (MarketplaceStore) throws -> T) async throws -> T {
        try await run(write: false, body)
    }

    /// Runs `body` on the writer thread and returns what it returns.
    public func write<T: Sendable>(_ body: @escaping @Sendable (MarketplaceStore) throws -> T) async throws -> T {
        try await run(write: true, body)
    }

    private func run<T: Sendable>(write: Bool, _ body: @escaping @Sendable (MarketplaceStore) throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
            threads.submit(write: write) { [self] in continuation.resume(with: Result { try body(self) }) }
        }
    }
}
