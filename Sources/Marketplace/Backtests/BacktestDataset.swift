import Foundation
import Host

/// A set of bars a backtest can replay, as listed: bundled with the server
/// or uploaded by one user (then stored with its CSV text).
public struct BacktestDataset: Sendable, Equatable {
    public var name: String
    /// The symbol a backtest trades it as unless the request names one.
    public var symbol: String
    public var bundled: Bool
    public var rows: Int
    /// The first and last bar's open time (epoch seconds).
    public var firstTime: Int64
    public var lastTime: Int64
    /// Seconds per bar (the most common spacing).
    public var timeframe: Int64
    public var bytes: Int
    /// SHA-256 (hex) of the CSV bytes: a result's `dataHash`.
    public var hash: String
    /// When its owner uploaded it; nil for bundled datasets.
    public var createdAt: Int64?

    public init(name: String, symbol: String, bundled: Bool, rows: Int, firstTime: Int64, lastTime: Int64, timeframe: Int64,
                bytes: Int, hash: String, createdAt: Int64? = nil) {
        self.name = name
        self.symbol = symbol
        self.bundled = bundled
        self.rows = rows
        self.firstTime = firstTime
        self.lastTime = lastTime
        self.timeframe = timeframe
        self.bytes = bytes
        self.hash = hash
        self.createdAt = createdAt
    }

    /// Describes `bars` (non-empty, in time order) read from `csv`.
    public init(name: String, symbol: String, bundled: Bool, csv: Data, bars: [Bar], createdAt: Int64? = nil) {
        self.init(name: name, symbol: symbol, bundled: bundled, rows: bars.count, firstTime: bars.first?.time ?? 0,
                  lastTime: bars.last?.time ?? 0, timeframe: BarCSV.timeframe(of: bars), bytes: csv.count,
                  hash: SHA256.hex(SHA256.hash(Array(csv))), createdAt: createdAt)
    }
}
