/// The marketplace store (SQLite). Built in the Marketplace issue.
enum MarketplaceModule {}
