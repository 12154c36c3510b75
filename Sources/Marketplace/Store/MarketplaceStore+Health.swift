extension MarketplaceStore {
    /// Whether a reader can run a query now: the Gateway's readiness probe.
    public func isReadable() -> Bool {
        (try? pool.read { (connection) throws(StoreError) in try connection.integer("SELECT 1") }) == 1
    }
}
