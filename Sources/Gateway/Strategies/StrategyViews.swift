import Marketplace

struct CreateStrategyBody: RequestBody {
    static let fields: Set<String> = ["name"]
    var name: String
}

struct UploadVersionBody: RequestBody {
    static let fields: Set<String> = ["source", "changelog"]
    var source: String
    var changelog: String?
}

struct StrategyView: Codable, ResponseEncodableBody {
    var id: Int64
    var name: String
    var createdAt: Int64
    init(_ strategy: Strategy) {
        id = strategy.id.rawValue
        name = strategy.name
        createdAt = strategy.createdAt
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
    var performance: PerformanceFigures?
    var createdAt: Int64
    init(_ version: StrategyVersion) {
        id = version.id.rawValue
        strategyId = version.strategyID.rawValue
        number = version.number
        status = version.status.rawValue
        changelog = version.changelog
        contentHash = version.contentHash
        issues = version.report.issues
        callbacks = version.report.callbacks
        performance = version.report.performance
        createdAt = version.createdAt
    }
}

struct SourceView: Codable, ResponseEncodableBody {
    var versionId: Int64
    var source: String
}

