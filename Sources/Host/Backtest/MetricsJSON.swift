import Foundation

/// JSON form of the metrics: money as exact text, ratios as 10-significant-
/// digit numbers, ±∞ as "inf"/"-inf", undefined as null (see `StatisticNumber`).
/// Every key is always present, so two results diff line by line.
extension BacktestMetrics: Codable {
    enum CodingKeys: String, CodingKey {
        case startEquity, endEquity, netProfit, elapsedSeconds, totalReturn, annualizedReturn,
            periodsPerYear, volatility, sharpe, sortino, maxDrawdown, maxDrawdownDuration,
            maxDrawdownRecovered, longestDrawdownDuration, tradeCount, winningTrades, losingTrades,
            winRate, profitFactor, grossProfit, grossLoss, averageWin, averageLoss, tradeFees,
            barCount, barsInMarket, exposure
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        startEquity = try container.decodeMoney(forKey: .startEquity)
        endEquity = try container.decodeMoney(forKey: .endEquity)
        netProfit = try container.decodeMoney(forKey: .netProfit)
        elapsedSeconds = try container.decode(Int64.self, forKey: .elapsedSeconds)
        totalReturn = try container.decodeStatistic(forKey: .totalReturn)
        annualizedReturn = try container.decodeStatistic(forKey: .annualizedReturn)
        periodsPerYear = try container.decodeStatistic(forKey: .periodsPerYear)
        volatility = try container.decodeStatistic(forKey: .volatility)
        sharpe = try container.decodeStatistic(forKey: .sharpe)
        sortino = try container.decodeStatistic(forKey: .sortino)
        maxDrawdown = try container.decodeStatistic(forKey: .maxDrawdown) ?? 0
        maxDrawdownDuration = try container.decode(Int64.self, forKey: .maxDrawdownDuration)
        maxDrawdownRecovered = try container.decode(Bool.self, forKey: .maxDrawdownRecovered)
        longestDrawdownDuration = try container.decode(Int64.self, forKey: .longestDrawdownDuration)
        tradeCount = try container.decode(Int.self, forKey: .tradeCount)
        winningTrades = try container.decode(Int.self, forKey: .winningTrades)
        losingTrades = try container.decode(Int.self, forKey: .losingTrades)
        winRate = try container.decodeStatistic(forKey: .winRate)
        profitFactor = try container.decodeStatistic(forKey: .profitFactor)
        grossProfit = try container.decodeMoney(forKey: .grossProfit)
        grossLoss = try container.decodeMoney(forKey: .grossLoss)
        averageWin = try container.decodeMoneyIfPresent(forKey: .averageWin)
        averageLoss = try container.decodeMoneyIfPresent(forKey: .averageLoss)
        tradeFees = try container.decodeMoney(forKey: .tradeFees)
        barCount = try container.decode(Int.self, forKey: .barCount)
        barsInMarket = try container.decode(Int.self, forKey: .barsInMarket)
        exposure = try container.decodeStatistic(forKey: .exposure)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encodeMoney(startEquity, forKey: .startEquity)
        try container.encodeMoney(endEquity, forKey: .endEquity)
        try container.encodeMoney(netProfit, forKey: .netProfit)
        try container.encode(elapsedSeconds, forKey: .elapsedSeconds)
        try container.encodeStatistic(totalReturn, forKey: .totalReturn)
        try container.encodeStatistic(annualizedReturn, forKey: .annualizedReturn)
        try container.encodeStatistic(periodsPerYear, forKey: .periodsPerYear)
        try container.encodeStatistic(volatility, forKey: .volatility)
        try container.encodeStatistic(sharpe, forKey: .sharpe)
        try container.encodeStatistic(sortino, forKey: .sortino)
        try container.encodeStatistic(maxDrawdown, forKey: .maxDrawdown)
        try container.encode(maxDrawdownDuration, forKey: .maxDrawdownDuration)
        try container.encode(maxDrawdownRecovered, forKey: .maxDrawdownRecovered)
        try container.encode(longestDrawdownDuration, forKey: .longestDrawdownDuration)
        try container.encode(tradeCount, forKey: .tradeCount)
        try container.encode(winningTrades, forKey: .winningTrades)
        try container.encode(losingTrades, forKey: .losingTrades)
        try container.encodeStatistic(winRate, forKey: .winRate)
        try container.encodeStatistic(profitFactor, forKey: .profitFactor)
        try container.encodeMoney(grossProfit, forKey: .grossProfit)
        try container.encodeMoney(grossLoss, forKey: .grossLoss)
        try container.encodeMoney(averageWin, forKey: .averageWin)
        try container.encodeMoney(averageLoss, forKey: .averageLoss)
        try container.encodeMoney(tradeFees, forKey: .tradeFees)
        try container.encode(barCount, forKey: .barCount)
        try container.encode(barsInMarket, forKey: .barsInMarket)
        try container.encodeStatistic(exposure, forKey: .exposure)
    }
}
