/// One OHLCV bar of one instrument, in exact units (ticks and lots).
public struct Bar: Sendable, Hashable, Codable {
    /// Opening time, seconds since the Unix epoch (UTC).
    public var time: Int64
    public var open: Price
    public var high: Price
    public var low: Price
    public var close: Price
    public var volume: Quantity

    public init(time: Int64, open: Price, high: Price, low: Price, close: Price, volume: Quantity) {
        self.time = time
        self.open = open
        self.high = high
        self.low = low
        self.close = close
        self.volume = volume
    }
}

/// A trade printed on the market (a tick).
public struct Trade: Sendable, Hashable, Codable {
    public var time: Int64
    public var price: Price
    public var quantity: Quantity
    public init(time: Int64, price: Price, quantity: Quantity) {
        self.time = time
        self.price = price
        self.quantity = quantity
    }
}

/// One price level of an order book.
public struct BookLevel: Sendable, Hashable, Codable {
    public var price: Price
    public var quantity: Quantity
    public init(price: Price, quantity: Quantity) {
        self.price = price
        self.quantity = quantity
    }
}

/// The top N levels of an order book: bids best (highest) first, asks best
/// (lowest) first.
public struct BookSnapshot: Sendable, Hashable, Codable {
    public var time: Int64
    public var bids: [BookLevel]
    public var asks: [BookLevel]
    public init(time: Int64, bids: [BookLevel], asks: [BookLevel]) {
        self.time = time
        self.bids = bids
        self.asks = asks
    }
}
