import Testing
@testable import Host

/// Every report suite nests here so `--filter ReportTests` runs them all.
enum ReportTests {}

enum ReportFixtures {
    typealias F = PortfolioFixtures

    static func metadata(name: String = "SMA crossover", parameters: [String: String]? = nil,
                         symbols: [String] = ["ACME"]) -> BacktestMetadata {
        // Many keys, so dictionary order would show if anything depended on it.
        let defaults = Dictionary(uniqueKeysWithValues: (0..<40).map { ("param\($0)", String($0 * 7)) })
        return BacktestMetadata(
            strategyName: name, scriptHash: SHA256.hexDigest(text: "function on_bar() end"),
            dataHash: SHA256.hexDigest(text: "time,open,high,low,close,volume"), parameters: parameters ?? defaults,
            seed: UInt64.max - 1, initialCash: Money(10_000), commission: "10bp", slippage: "1 tick",
            engineVersion: "0.1.0-test", symbols: symbols)
    }

    /// A deterministic little run: a random walk, a round trip every few
    /// bars, one point of equity per bar, and a position left open.
    static func result(bars: Int = 300, tradeEvery: Int = 5, metadata: BacktestMetadata = metadata(),
                       instrument: Instrument = F.shares, maxCurvePoints: Int = BacktestResult.defaultCurvePoints)
        -> BacktestResult {
        var generator = F.Generator(seed: 5)
        var portfolio = Portfolio(cash: Money(10_000), instruments: [instrument])
        var ticks: Int64 = 10_000
        var curve: [EquityPoint] = []
        var inMarket = 0
        for bar in 0..<bars {
            let time = F.newYear + Int64(bar) * 3_600
            ticks = max(100, ticks + Int64.random(in: -300...310, using: &generator))
            portfolio.mark(at: 0, price: Price(ticks: ticks))
            if bar % tradeEvery == 0 {
                let held = portfolio.position(at: 0).quantity.lots
                let fill = held == 0
                    ? F.fill((bar / (2 * tradeEvery)) % 2 == 0 ? .buy : .sell, lots: 10, ticks: ticks, instrument,
                             rate: 1_000, time: time)
                    : F.fill(held > 0 ? .sell : .buy, lots: abs(held), ticks: ticks, instrument, rate: 1_000, time: time)
                portfolio.apply(fill, at: 0)
            }
            if bar == bars - 2 { portfolio.apply(F.fill(.buy, lots: 3, ticks: ticks, instrument, time: time), at: 0) }
            if portfolio.hasOpenPosition { inMarket += 1 }
            curve.append(EquityPoint(time: time, equity: portfolio.equity))
        }
        return BacktestResult(metadata: metadata, portfolio: portfolio, equityCurve: curve, barCount: bars,
                              barsInMarket: inMarket, maxCurvePoints: maxCurvePoints)
    }
}
