import Host

/// An author's own script, with its immutable versions.
public struct Strategy: Sendable, Equatable, Codable {
    public var id: StrategyID
    public var authorID: UserID
    public var name: String
    public var createdAt: Int64
}

/// One uploaded version. Immutable once stored (a trigger refuses UPDATE).
/// The source is not part of this value: read it with
/// `MarketplaceStore.source(of:by:)`, which enforces code protection.
public struct StrategyVersion: Sendable, Equatable, Codable {
    public enum Status: String, Sendable, Codable {
        /// Passed validation; may be listed and deployed.
        case accepted
        /// Failed validation; `report.issues` says why.
        case rejected
    }

    public var id: VersionID
    public var strategyID: StrategyID
    /// 1, 2, 3... per strategy.
    public var number: Int
    /// Lowercase hex SHA-256 of the source's UTF-8 bytes.
    public var contentHash: String
    public var changelog: String
    /// The declared parameters; nil when the script's declaration is invalid.
    public var schema: StrategySchema?
    public var status: Status
    public var report: ValidationReport
    public var createdAt: Int64
}

/// What validation found: every problem at once, and the smoke backtest's figures.
public struct ValidationReport: Sendable, Equatable, Codable {
    /// Each problem as "stage: message", e.g. "compile: line 3: unexpected symbol".
    public var issues: [String]
    /// Callbacks the script defines.
    public var callbacks: [String]
    /// Figures of the smoke backtest on the bundled sample data; nil if it did not run.
    public var performance: PerformanceFigures?

    public init(issues: [String], callbacks: [String], performance: PerformanceFigures?) {
        self.issues = issues
        self.callbacks = callbacks
        self.performance = performance
    }

    public var passed: Bool { issues.isEmpty }
}

/// Backtest figures shown on a listing so buyers can compare strategies.
/// Statistics are `Double` (they are not money).
public struct PerformanceFigures: Sendable, Equatable, Codable {
    /// Total return as a fraction (0.12 = +12%); nil when undefined.
    public var totalReturn: Double?
    /// Largest peak-to-trough fall as a fraction (0.08 = 8%).
    public var maxDrawdown: Double
    public var sharpe: Double?
    public var tradeCount: Int
    public var barCount: Int
    /// The equity curve downsampled to at most 100 points: (Unix seconds, equity as decimal text).
    public var equityCurve: [CurvePoint]

    public struct CurvePoint: Sendable, Equatable, Codable {
        public var time: Int64
        public var equity: String
    }

    public init(totalReturn: Double?, maxDrawdown: Double, sharpe: Double?, tradeCount: Int, barCount: Int,
                equityCurve: [CurvePoint]) {
        self.totalReturn = totalReturn
        self.maxDrawdown = maxDrawdown
        self.sharpe = sharpe
        self.tradeCount = tradeCount
        self.barCount = barCount
        self.equityCurve = equityCurve
    }
}

/// Validates an uploaded script. The store calls it outside any database
/// lock (it runs a backtest), then stores the version with its report.
public protocol VersionValidating: Sendable {
    func validate(source: String) -> (schema: StrategySchema?, report: ValidationReport)
}
