import Host

extension BacktestBody {
    static var schema: JSONSchema {
        .body([:], optional: ["versionId": .id, "parameters": .parameters, "dataset": .text, "symbol": .string(minLength: 1, maxLength: 32),
                              "timeframe": .integer(minimum: 1, maximum: 86_400), "from": .timestamp, "to": .timestamp,
                              "cash": .decimalText, "commission": .decimalText, "slippage": .decimalText,
                              "seed": .integer(minimum: 0, maximum: maximumSeed)])
    }
}

extension BacktestConfigView: SchemaDescribed {
    static let schemaName = "BacktestConfig"
    static var schema: JSONSchema {
        .record(["dataset": .text, "symbol": .text, "cash": .decimalText, "currency": .oneOfStrings([APIUnits.currency]),
                 "commission": .decimalText, "slippage": .decimalText, "seed": .integer(minimum: 0)],
                optional: ["timeframe": .integer(minimum: 1), "from": .timestamp, "to": .timestamp])
    }
}

extension BacktestView: SchemaDescribed {
    static let schemaName = "BacktestJob"
    static var schema: JSONSchema {
        .record(["id": .id, "strategyId": .id, "versionId": .id, "status": .oneOfStrings(["queued", "running", "completed", "failed"]),
                 "progress": .number(minimum: 0, maximum: 1), "createdAt": .timestamp],
                optional: ["finishedAt": .timestamp, "error": .ref(BacktestErrorView.self), "config": .ref(BacktestConfigView.self), "result": .ref(BacktestResultView.self)])
    }
}

extension BacktestErrorView: SchemaDescribed {
    static let schemaName = "BacktestError"
    static var schema: JSONSchema {
        .record(["kind": .oneOfStrings(kinds), "message": .text],
                optional: ["chunk": .text, "line": .integer(minimum: 0), "callback": .text, "time": .timestamp, "traceback": .text])
    }
}

// A result is the API's view of the Host's result (`BacktestViews.swift`):
// times as ISO-8601, money, prices and quantities as exact decimal text,
// ratios as numbers (absent when undefined or infinite).

extension BacktestResultView: SchemaDescribed {
    static let schemaName = "BacktestResult"
    static var schema: JSONSchema {
        .record(["partial": .boolean, "currency": .oneOfStrings([APIUnits.currency]),
                 "metadata": .record(["strategyName": .text, "scriptHash": .text, "dataHash": .text, "parameters": .dictionary(of: .text),
                                      "engineVersion": .text, "symbols": .array(of: .text)]),
                 "metrics": .ref(BacktestMetricsView.self), "trades": .array(of: .ref(Trade.self)),
                 "equityCurve": .array(of: .record(["time": .timestamp, "equity": .decimalText])),
                 "equityCurvePointCount": .integer(minimum: 0), "finalPositions": .list(PositionRecord.self)])
    }
}

extension BacktestResultView.Trade: SchemaDescribed {
    static let schemaName = "BacktestTrade"
    static var schema: JSONSchema {
        .record(["symbol": .text, "side": .oneOfStrings(["long", "short"]), "quantity": .decimalText, "entryTime": .timestamp,
                 "exitTime": .timestamp, "entryPrice": .decimalText, "exitPrice": .decimalText, "pnl": .decimalText, "fees": .decimalText,
                 "netPnL": .decimalText])
    }
}

extension PositionRecord: SchemaDescribed {
    static var schema: JSONSchema {
        .record(["symbol": .text, "quantity": .decimalText, "averagePrice": .nullable(.decimalText), "mark": .nullable(.decimalText),
                 "costBasis": .decimalText, "marketValue": .decimalText, "unrealizedPnL": .decimalText, "realizedPnL": .decimalText,
                 "fees": .decimalText])
    }
}
