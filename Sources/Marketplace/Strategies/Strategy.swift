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
    /// How the figures were made; nil for versions stored before validation
    /// backtests were recorded (a short fee-free smoke run: not comparable).
    public var validation: ValidationRun?

    public struct CurvePoint: Sendable, Equatable, Codable {
        public var time: Int64
        public var equity: String
    }

    public init(totalReturn: Double?, maxDrawdown: Double, sharpe: Double?, tradeCount: Int, barCount: Int,
                equityCurve: [CurvePoint], validation: ValidationRun? = nil) {
        self.totalReturn = totalReturn
        self.maxDrawdown = maxDrawdown
        self.sharpe = sharpe
        self.tradeCount = tradeCount
        self.barCount = barCount
        self.equityCurve = equityCurve
        self.validation = validation
    }
}

/// The conditions of a version's validation backtest (`docs/marketplace.md`,
/// "Validation backtest"): the data, the period, the costs, the parameters.
public struct ValidationRun: Sendable, Equatable, Codable {
    /// The dataset's name (the bundled sample: `sample-btcusd-1h`).
    public var dataset: String
    public var symbol: String
    /// Market times of the first and last bar run.
    public var from: Int64
    public var to: Int64
    /// Seconds per bar.
    public var timeframe: Int64
    public var startingCash: String
    /// Commission in basis points of notional, and slippage on market and stop fills.
    public var commissionBasisPoints: Int
    public var slippageBasisPoints: Int
    /// Commissions paid over the run (exact decimal text).
    public var feesPaid: String
    /// Always the script's declared defaults.
    public var parameters: String

    public init(dataset: String, symbol: String, from: Int64, to: Int64, timeframe: Int64, startingCash: String,
                commissionBasisPoints: Int, slippageBasisPoints: Int, feesPaid: String, parameters: String = "defaults") {
        self.dataset = dataset
        self.symbol = symbol
        self.from = from
        self.to = to
        self.timeframe = timeframe
        self.startingCash = startingCash
        self.commissionBasisPoints = commissionBasisPoints
        self.slippageBasisPoints = slippageBasisPoints
        self.feesPaid = feesPaid
        self.parameters = parameters
    }
}

/// Validates an uploaded script. The store calls it outside any database
/// lock (it runs a backtest), then stores the version with its report.
public protocol VersionValidating: Sendable {
    func validate(source: String) -> (schema: StrategySchema?, report: ValidationReport)
}
