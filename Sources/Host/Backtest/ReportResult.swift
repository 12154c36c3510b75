import Foundation

/// Everything a backtest produced, as one value that encodes to the same JSON
/// bytes every time the same run is repeated.
///
/// Metrics are computed from the full equity curve; the curve kept here (and
/// written to JSON) is downsampled to at most `maxCurvePoints` (2,000 by
/// default) so a million-bar run yields a report-sized file. The full curve
/// is reproducible by re-running (the metadata pins script, data, parameters
/// and seed); pass `maxCurvePoints: .max` to keep it all. All trades are kept
/// (the HTML report lists the first and the last 250).
public struct BacktestResult: Sendable, Equatable, Codable {
    /// Bumped when the JSON layout changes incompatibly.
    public static let currentFormatVersion = 1
    public static let defaultCurvePoints = 2_000

    public var formatVersion: Int
    public var metadata: BacktestMetadata
    public var metrics: BacktestMetrics
    public var trades: [TradeRecord]
    /// The (possibly downsampled) equity curve, in time order.
    public var equityCurve: [EquityPoint]
    /// How many points the full curve had before downsampling.
    public var equityCurvePointCount: Int
    /// Positions still open at the end, in the portfolio's instrument order.
    public var finalPositions: [PositionRecord]
    /// Why the strategy stopped early, when it faulted: the result then
    /// covers the bars up to the fault. Absent from the JSON of a clean run.
    public var error: StrategyFault?

    public init(metadata: BacktestMetadata, metrics: BacktestMetrics, trades: [TradeRecord],
                equityCurve: [EquityPoint], equityCurvePointCount: Int? = nil, finalPositions: [PositionRecord]) {
        self.formatVersion = Self.currentFormatVersion
        self.metadata = metadata
        self.metrics = metrics
        self.trades = trades
        self.equityCurve = equityCurve
        self.equityCurvePointCount = equityCurvePointCount ?? equityCurve.count
        self.finalPositions = finalPositions
    }

    /// Assembles the result of a finished run: metrics from the full
    /// `equityCurve` and the portfolio's closed trades, open positions at
    /// their last marks, and the curve downsampled for the report.
    public init(metadata: BacktestMetadata, portfolio: Portfolio, equityCurve: [EquityPoint],
                barCount: Int, barsInMarket: Int, maxCurvePoints: Int = BacktestResult.defaultCurvePoints) {
        let metrics = BacktestMetrics(equityCurve: equityCurve, trades: portfolio.closedTrades,
                                      barCount: barCount, barsInMarket: barsInMarket)
        let trades = portfolio.closedTrades.map { trade in
            TradeRecord(trade, instrument: portfolio.index(of: trade.symbol).map(portfolio.instrument(at:))
                            ?? Instrument(symbol: trade.symbol))
        }
        var positions: [PositionRecord] = []
        for index in portfolio.instruments.indices where !portfolio.position(at: index).isFlat {
            positions.append(PositionRecord(portfolio.position(at: index), instrument: portfolio.instrument(at: index),
                                            mark: portfolio.mark(at: index)))
        }
        self.init(metadata: metadata, metrics: metrics, trades: trades,
                  equityCurve: Self.downsample(equityCurve, maxPoints: maxCurvePoints),
                  equityCurvePointCount: equityCurve.count, finalPositions: positions)
    }

    /// The canonical JSON: keys sorted, no insignificant whitespace, slashes
    /// unescaped, numbers formatted as `StatisticNumber` describes. Equal
    /// results give equal bytes.
    public func jsonData() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(self)
    }

    /// Reads a result written by `jsonData()`. Statistics come back at their
    /// written precision (10 significant digits).
    public static func decode(_ data: Data) throws -> BacktestResult {
        try JSONDecoder().decode(BacktestResult.self, from: data)
    }

    /// At most `maxPoints` points of `curve` that keep its shape: the first
    /// and last points, and for each of (maxPoints − 2) ÷ 2 equal runs of the
    /// points between, the lowest and the highest (first one on ties), in
    /// time order. Peaks and troughs survive, so drawdowns stay visible.
    public static func downsample(_ curve: [EquityPoint], maxPoints: Int) -> [EquityPoint] {
        ReportDownsample.indices(count: curve.count, maxPoints: maxPoints) { curve[$0].equity }.map { curve[$0] }
    }
}
