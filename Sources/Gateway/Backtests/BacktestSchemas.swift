import Host

extension BacktestBody {
    static var schema: JSONSchema { .body([:], optional: ["versionId": .id, "parameters": .parameters]) }
}

extension BacktestView: SchemaDescribed {
    static let schemaName = "BacktestJob"
    static var schema: JSONSchema {
        .record(["id": .id, "strategyId": .id, "versionId": .id, "status": .oneOfStrings(["queued", "running", "completed", "failed"]),
                 "progress": .number(minimum: 0, maximum: 1), "createdAt": .time],
                optional: ["finishedAt": .time, "error": .text, "result": .ref(BacktestResult.self)])
    }
}

// A result is the Host's report JSON (`MetricsJSON.swift`, `ReportRecords.swift`):
// money and prices as exact decimal text, statistics as numbers, "inf"/"-inf"
// or null, and every key always present.

extension JSONSchema {
    /// A ratio: a number, "inf" or "-inf", or null when undefined.
    static let statistic = JSONSchema.nullable(.anyOf([.number(), .oneOfStrings(["inf", "-inf"])]))
}

extension BacktestResult: SchemaDescribed {
    static var schema: JSONSchema {
        .record(["formatVersion": .integer(minimum: 1), "metadata": .ref(BacktestMetadata.self), "metrics": .ref(BacktestMetrics.self),
                 "trades": .list(TradeRecord.self), "equityCurve": .array(of: .record(["time": .time, "equity": .decimalText])),
                 "equityCurvePointCount": .integer(minimum: 0), "finalPositions": .list(PositionRecord.self)])
    }
}

extension BacktestMetadata: SchemaDescribed {
    static var schema: JSONSchema {
        .record(["strategyName": .text, "scriptHash": .text, "dataHash": .text, "parameters": .dictionary(of: .text),
                 "seed": .string(pattern: "^[0-9]+$"), "initialCash": .decimalText, "commission": .text, "slippage": .text,
                 "engineVersion": .text, "symbols": .array(of: .text)])
    }
}

extension BacktestMetrics: SchemaDescribed {
    static var schema: JSONSchema {
        let counts = ["elapsedSeconds", "maxDrawdownDuration", "longestDrawdownDuration", "tradeCount", "winningTrades",
                      "losingTrades", "barCount", "barsInMarket"]
        let statistics = ["totalReturn", "annualizedReturn", "periodsPerYear", "volatility", "sharpe", "sortino", "maxDrawdown",
                          "winRate", "profitFactor", "exposure"]
        var fields: [String: JSONSchema] = ["maxDrawdownRecovered": .boolean, "averageWin": .nullable(.decimalText),
                                            "averageLoss": .nullable(.decimalText)]
        for name in ["startEquity", "endEquity", "netProfit", "grossProfit", "grossLoss", "tradeFees"] { fields[name] = .decimalText }
        for name in counts { fields[name] = .integer(minimum: 0) }
        for name in statistics { fields[name] = .statistic }
        return .record(fields)
    }
}

extension TradeRecord: SchemaDescribed {
    static var schema: JSONSchema {
        .record(["symbol": .text, "side": .oneOfStrings(["long", "short"]), "quantity": .decimalText, "entryTime": .time,
                 "exitTime": .time, "entryPrice": .decimalText, "exitPrice": .decimalText, "pnl": .decimalText, "fees": .decimalText,
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
