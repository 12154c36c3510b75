import Host

/// What a deployment trades: its symbols and the length of the bars its
/// strategy sees, chosen at deploy time (docs/strategy-api.md, "Symbols and
/// timeframe"). Stored with the deployment so every restart trades the same.
public struct DeploymentMarket: Sendable, Equatable, Codable {
    public var symbols: [String]
    /// Seconds per bar; nil: the feed's own bars, whatever their length.
    public var timeframe: Int64?

    public init(symbols: [String], timeframe: Int64?) {
        self.symbols = symbols
        self.timeframe = timeframe
    }
}

/// What the server's market feed offers a new deployment: its symbols (the
/// first is the default) and its bar length.
public struct FeedOffer: Sendable, Equatable {
    public var symbols: [String]
    public var timeframe: Int64

    public init(symbols: [String], timeframe: Int64) {
        self.symbols = symbols
        self.timeframe = timeframe
    }

    /// The market for a deployment that asked for `symbols` and `timeframe`
    /// (either may be nil; no timeframe means the feed's own bars) running a script that declares `declared`
    /// symbols: the request, else the declaration, else the feed's first
    /// symbol — never every symbol. Each must be on the feed, and the
    /// timeframe a multiple of the feed's bars up to a day.
    public func market(symbols requested: [String]?, timeframe requestedTimeframe: Int64?,
                       declared: [String]) throws(StoreError) -> DeploymentMarket {
        if let requested, !(1...16).contains(requested.count) || Set(requested).count != requested.count {
            throw StoreError.invalid(field: "symbols", rule: "1 to 16 distinct symbols")
        }
        let chosen = requested ?? (declared.isEmpty ? Array(self.symbols.prefix(1)) : declared)
        for (index, symbol) in chosen.enumerated() where !self.symbols.contains(symbol) {
            let field = requested == nil ? "symbols" : "symbols[\(index)]"
            throw StoreError.invalid(field: field, rule: "'\(symbol.prefix(32))' is not on this server's feed "
                                     + "(it has \(self.symbols.joined(separator: ", ")))")
        }
        if let requestedTimeframe, !(1...86_400).contains(requestedTimeframe) || requestedTimeframe % self.timeframe != 0 {
            throw StoreError.invalid(field: "timeframe",
                                     rule: "a multiple of the feed's \(self.timeframe) s bars, at most 86400 s")
        }
        return DeploymentMarket(symbols: chosen, timeframe: requestedTimeframe)
    }
}

extension Schema {
    /// The market a deployment trades; NULL for deployments made before it
    /// was chosen (they run by the same rule, resolved at launch).
    static let deploymentMarkets = Migration(name: "013-deployment-markets", sql: """
        ALTER TABLE deployments ADD COLUMN market_json TEXT;
        """)
}
