extension MarketRoutes.InstrumentView: SchemaDescribed {
    static let schemaName = "Instrument"
    static var schema: JSONSchema {
        .record(["symbol": .text, "priceDecimals": .integer(minimum: 0), "quantityDecimals": .integer(minimum: 0),
                 "minimumQuantity": .exact, "currency": .currency])
    }
}

extension MarketRoutes.PriceView: SchemaDescribed {
    static let schemaName = "LastPrice"
    static var schema: JSONSchema { .record(["symbol": .text], optional: ["price": .exact, "time": .timestamp]) }
}

extension MarketRoutes.CandlesView: SchemaDescribed {
    static let schemaName = "Candles"
    static var schema: JSONSchema {
        let candle = JSONSchema.record(["time": .timestamp, "open": .exact, "high": .exact, "low": .exact, "close": .exact,
                                        "volume": .exact])
        return .record(["symbol": .text, "timeframe": .integer(minimum: 0), "candles": .array(of: candle)])
    }
}

extension MarketRoutes.BookView: SchemaDescribed {
    static let schemaName = "OrderBook"
    static var schema: JSONSchema {
        let level = JSONSchema.record(["price": .exact, "quantity": .exact])
        return .record(["symbol": .text, "bids": .array(of: level), "asks": .array(of: level)], optional: ["time": .timestamp])
    }
}
