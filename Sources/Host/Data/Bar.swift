/// One OHLCV bar. Prices are Doubles here because they arrive from files and
/// feeds as decimal text; the exact fixed-point model for orders and cash is
/// documented in docs/numeric-model.md.
public struct Bar: Sendable, Equatable {
    /// Opening time, seconds since the Unix epoch (UTC).
    public var time: Int64
    public var open: Double
    public var high: Double
    public var low: Double
    public var close: Double
    public var volume: Double

    public init(time: Int64, open: Double, high: Double, low: Double, close: Double, volume: Double) {
        self.time = time
        self.open = open
        self.high = high
        self.low = low
        self.close = close
        self.volume = volume
    }
}
