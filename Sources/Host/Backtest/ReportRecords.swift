import Foundation

/// How a backtest was run: everything needed to run it again and get the
/// same bytes back.
public struct BacktestMetadata: Sendable, Equatable {
    /// The strategy's name as its author gave it (untrusted text: reports escape it).
    public var strategyName: String
    /// SHA-256 (lowercase hex) of the script source.
    public var scriptHash: String
    /// SHA-256 (lowercase hex) of the market data the run replayed.
    public var dataHash: String
    /// The strategy parameters as given; JSON writes the keys sorted.
    public var parameters: [String: String]
    /// Seed of the run's random generator (JSON writes it as text, so
    /// JavaScript readers keep all 64 bits).
    public var seed: UInt64
    public var initialCash: Money
    /// The commission model in its canonical configuration text.
    public var commission: String
    /// The slippage model in its canonical configuration text.
    public var slippage: String
    /// The engine version that produced the result.
    public var engineVersion: String
    /// Instruments traded, in the order the portfolio registered them.
    public var symbols: [String]

    public init(strategyName: String, scriptHash: String, dataHash: String, parameters: [String: String],
                seed: UInt64, initialCash: Money, commission: String, slippage: String,
                engineVersion: String, symbols: [String]) {
        self.strategyName = strategyName
        self.scriptHash = scriptHash
        self.dataHash = dataHash
        self.parameters = parameters
        self.seed = seed
        self.initialCash = initialCash
        self.commission = commission
        self.slippage = slippage
        self.engineVersion = engineVersion
        self.symbols = symbols
    }
}

/// A closed trade as the report shows it: prices and quantity as exact
/// decimal text on the instrument's grid.
public struct TradeRecord: Sendable, Equatable {
    public var symbol: String
    /// "long" or "short".
    public var side: String
    public var quantity: String
    public var entryTime: Int64
    public var exitTime: Int64
    public var entryPrice: String
    public var exitPrice: String
    public var pnl: Money
    public var fees: Money
    public var netPnL: Money

    public init(_ trade: ClosedTrade, instrument: Instrument) {
        symbol = trade.symbol
        side = trade.side == .buy ? "long" : "short"
        quantity = FixedPoint.format(trade.quantity.lots, decimals: instrument.quantityDecimals)
        entryTime = trade.entryTime
        exitTime = trade.exitTime
        entryPrice = FixedPoint.format(trade.entryPrice.ticks, decimals: instrument.priceDecimals)
        exitPrice = FixedPoint.format(trade.exitPrice.ticks, decimals: instrument.priceDecimals)
        pnl = trade.pnl
        fees = trade.fees
        netPnL = trade.netPnL
    }
}

/// A position left open at the end of a run, valued at its last mark.
public struct PositionRecord: Sendable, Equatable {
    public var symbol: String
    /// Signed quantity as decimal text (negative: short).
    public var quantity: String
    /// Average price on the tick grid; nil when flat.
    public var averagePrice: String?
    /// The last mark; nil if the instrument was never marked.
    public var mark: String?
    public var costBasis: Money
    public var marketValue: Money
    public var unrealizedPnL: Money
    public var realizedPnL: Money
    public var fees: Money

    public init(_ position: Position, instrument: Instrument, mark: Price?) {
        symbol = position.symbol
        quantity = FixedPoint.format(position.quantity.lots, decimals: instrument.quantityDecimals)
        averagePrice = position.averagePrice(instrument).map { FixedPoint.format($0.ticks, decimals: instrument.priceDecimals) }
        self.mark = mark.map { FixedPoint.format($0.ticks, decimals: instrument.priceDecimals) }
        costBasis = position.costBasis
        marketValue = mark.map { position.marketValue(mark: $0, instrument: instrument) } ?? .zero
        unrealizedPnL = mark.map { position.unrealizedPnL(mark: $0, instrument: instrument) } ?? .zero
        realizedPnL = position.realizedPnL
        fees = position.fees
    }
}

// MARK: - JSON

extension BacktestMetadata: Codable {
    enum CodingKeys: String, CodingKey {
        case strategyName, scriptHash, dataHash, parameters, seed, initialCash, commission, slippage,
             engineVersion, symbols
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        strategyName = try container.decode(String.self, forKey: .strategyName)
        scriptHash = try container.decode(String.self, forKey: .scriptHash)
        dataHash = try container.decode(String.self, forKey: .dataHash)
        parameters = try container.decode([String: String].self, forKey: .parameters)
        let seedText = try container.decode(String.self, forKey: .seed)
        guard let seed = UInt64(seedText) else {
            throw DecodingError.dataCorruptedError(forKey: .seed, in: container, debugDescription: "not a seed: \(seedText)")
        }
        self.seed = seed
        initialCash = try container.decodeMoney(forKey: .initialCash)
        commission = try container.decode(String.self, forKey: .commission)
        slippage = try container.decode(String.self, forKey: .slippage)
        engineVersion = try container.decode(String.self, forKey: .engineVersion)
        symbols = try container.decode([String].self, forKey: .symbols)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(strategyName, forKey: .strategyName)
        try container.encode(scriptHash, forKey: .scriptHash)
        try container.encode(dataHash, forKey: .dataHash)
        try container.encode(parameters, forKey: .parameters)
        try container.encode(String(seed), forKey: .seed)
        try container.encodeMoney(initialCash, forKey: .initialCash)
        try container.encode(commission, forKey: .commission)
        try container.encode(slippage, forKey: .slippage)
        try container.encode(engineVersion, forKey: .engineVersion)
        try container.encode(symbols, forKey: .symbols)
    }
}

extension TradeRecord: Codable {
    enum CodingKeys: String, CodingKey {
        case symbol, side, quantity, entryTime, exitTime, entryPrice, exitPrice, pnl, fees, netPnL
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        symbol = try container.decode(String.self, forKey: .symbol)
        side = try container.decode(String.self, forKey: .side)
        quantity = try container.decode(String.self, forKey: .quantity)
        entryTime = try container.decode(Int64.self, forKey: .entryTime)
        exitTime = try container.decode(Int64.self, forKey: .exitTime)
        entryPrice = try container.decode(String.self, forKey: .entryPrice)
        exitPrice = try container.decode(String.self, forKey: .exitPrice)
        pnl = try container.decodeMoney(forKey: .pnl)
        fees = try container.decodeMoney(forKey: .fees)
        netPnL = try container.decodeMoney(forKey: .netPnL)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(symbol, forKey: .symbol)
        try container.encode(side, forKey: .side)
        try container.encode(quantity, forKey: .quantity)
        try container.encode(entryTime, forKey: .entryTime)
        try container.encode(exitTime, forKey: .exitTime)
        try container.encode(entryPrice, forKey: .entryPrice)
        try container.encode(exitPrice, forKey: .exitPrice)
        try container.encodeMoney(pnl, forKey: .pnl)
        try container.encodeMoney(fees, forKey: .fees)
        try container.encodeMoney(netPnL, forKey: .netPnL)
    }
}

extension PositionRecord: Codable {
    enum CodingKeys: String, CodingKey {
        case symbol, quantity, averagePrice, mark, costBasis, marketValue, unrealizedPnL, realizedPnL, fees
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        symbol = try container.decode(String.self, forKey: .symbol)
        quantity = try container.decode(String.self, forKey: .quantity)
        averagePrice = try container.decodeIfPresent(String.self, forKey: .averagePrice)
        mark = try container.decodeIfPresent(String.self, forKey: .mark)
        costBasis = try container.decodeMoney(forKey: .costBasis)
        marketValue = try container.decodeMoney(forKey: .marketValue)
        unrealizedPnL = try container.decodeMoney(forKey: .unrealizedPnL)
        realizedPnL = try container.decodeMoney(forKey: .realizedPnL)
        fees = try container.decodeMoney(forKey: .fees)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(symbol, forKey: .symbol)
        try container.encode(quantity, forKey: .quantity)
        // Always present (null when absent) so every record has the same keys.
        try container.encode(averagePrice, forKey: .averagePrice)
        try container.encode(mark, forKey: .mark)
        try container.encodeMoney(costBasis, forKey: .costBasis)
        try container.encodeMoney(marketValue, forKey: .marketValue)
        try container.encodeMoney(unrealizedPnL, forKey: .unrealizedPnL)
        try container.encodeMoney(realizedPnL, forKey: .realizedPnL)
        try container.encodeMoney(fees, forKey: .fees)
    }
}
