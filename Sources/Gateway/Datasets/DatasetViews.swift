import Marketplace

/// A dataset as listed: bundled or mine, its symbol, size and span.
struct DatasetView: Codable, ResponseEncodableBody {
    var name: String
    var symbol: String
    var bundled: Bool
    var rows: Int
    /// The first and last bar's open time.
    var firstTime: Timestamp
    var lastTime: Timestamp
    /// Seconds per bar.
    var timeframe: Int64
    var bytes: Int
    var hash: String
    /// When I uploaded it (absent for bundled datasets).
    var createdAt: Timestamp?

    init(_ dataset: BacktestDataset) {
        name = dataset.name
        symbol = dataset.symbol
        bundled = dataset.bundled
        rows = dataset.rows
        firstTime = Timestamp(dataset.firstTime)
        lastTime = Timestamp(dataset.lastTime)
        timeframe = dataset.timeframe
        bytes = dataset.bytes
        hash = dataset.hash
        createdAt = Timestamp(dataset.createdAt)
    }
}

extension DatasetView: SchemaDescribed {
    static let schemaName = "Dataset"
    static var schema: JSONSchema {
        .record(["name": .text, "symbol": .text, "bundled": .boolean, "rows": .integer(minimum: 1), "firstTime": .timestamp,
                 "lastTime": .timestamp, "timeframe": .integer(minimum: 1), "bytes": .integer(minimum: 0), "hash": .text],
                optional: ["createdAt": .timestamp])
    }
}
