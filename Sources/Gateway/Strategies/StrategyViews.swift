import Marketplace

struct CreateStrategyBody: RequestBody {
    var name: String
}

struct UploadVersionBody: RequestBody {
    var source: String
    var changelog: String?
}

struct StrategyView: Codable, ResponseEncodableBody {
    var id: Int64
    var authorId: Int64
    var name: String
    var createdAt: Timestamp
    init(_ strategy: Strategy) {
        id = strategy.id.rawValue
        authorId = strategy.authorID.rawValue
        name = strategy.name
        createdAt = Timestamp(strategy.createdAt)
    }
}

/// A version without its source (`GET .../source` returns that).
struct VersionView: Codable, ResponseEncodableBody {
    var id: Int64
    var strategyId: Int64
    var number: Int
    var status: String
    var changelog: String
    var contentHash: String
    var issues: [String]
    var callbacks: [String]
    /// What the script declares in `strategy.params` (empty when rejected before it was read).
    var parameters: [ParameterView]
    /// The validation backtest's figures (`docs/marketplace.md`, "Validation backtest").
    var performance: ValidationFiguresView?
    var createdAt: Timestamp
    init(_ version: StrategyVersion) {
        id = version.id.rawValue
        strategyId = version.strategyID.rawValue
        number = version.number
        status = version.status.rawValue
        changelog = version.changelog
        contentHash = version.contentHash
        issues = version.report.issues
        callbacks = version.report.callbacks
        parameters = ParameterView.list(version.schema)
        performance = version.report.performance.map(ValidationFiguresView.init)
        createdAt = Timestamp(version.createdAt)
    }
}

struct SourceView: Codable, ResponseEncodableBody {
    var versionId: Int64
    var source: String
}

