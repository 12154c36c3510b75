import Foundation
import Testing
@testable import Host
import Sandbox
import TestSupport

/// Every example in strategies/ runs on the committed sample data and does
/// what it says it does.
@Suite struct ExampleStrategyTests {
    static let bars = (try? KernelFixtures.sampleBars()) ?? []

    func backtest(_ name: String, parameters: [String: LuaValue] = [:]) throws -> BacktestOutcome {
        try BacktestEngine.run(BacktestConfiguration(
            source: try TestPaths.read(TestPaths.strategy(name)), chunkName: name, parameters: parameters,
            instruments: [KernelFixtures.sampleInstrument], bars: ["BTCUSD": Self.bars], timeframe: 3600,
            exchange: ExchangeConfiguration(commission: CommissionModel(hundredthsOfBasisPoint: 1_000))))
    }

    @Test(arguments: ["sma_crossover.lua", "rsi_mean_reversion.lua", "bollinger_breakout.lua", "grid.lua", "dca.lua"])
    func barStrategiesTradeOnSampleData(_ name: String) throws {
        #expect(Self.bars.count == 8760)
        let outcome = try backtest(name)
        #expect(outcome.status == .stopped, "\(name): \(outcome.status)")
        #expect(outcome.barsProcessed == 8760)
        let filled = outcome.result.metrics.tradeCount + outcome.result.finalPositions.count
        #expect(filled > 0, "\(name) never traded")
        #expect(outcome.rejectedOrders.isEmpty, "\(name): \(outcome.rejectedOrders.prefix(3).map { $0.reason?.description ?? "" })")
    }

    @Test func smaCrossoverAlternatesBetweenLongAndFlat() throws {
        let outcome = try backtest("sma_crossover.lua", parameters: ["fast": 20, "slow": 100])
        let trades = outcome.result.trades
        #expect(trades.count > 5)
        #expect(trades.allSatisfy { $0.side == "long" }, "long-only")
        // Never overlapping: each trade exits before the next one enters.
        for (earlier, later) in zip(trades, trades.dropFirst()) { #expect(earlier.exitTime <= later.entryTime) }
    }

    @Test func dcaBuysOnSchedule() throws {
        let outcome = try backtest("dca.lua", parameters: ["every": 24, "amount": 100, "boost_below_sma": 0])
        let position = try #require(outcome.result.finalPositions.first)
        #expect(position.symbol == "BTCUSD")
        // 8760 bars / 24 = 365 buys of 100 each; the last is placed on the
        // last bar and never fills. Each is sized at its fill price to at most
        // 100 (whole lots of 10^-8 BTC), so 364 fills cost just under 36,400.
        let cost = position.costBasis.doubleValue
        #expect(cost <= 36_400 && cost > 36_399.5, "cost basis \(position.costBasis)")
    }

    @Test func marketMakerQuotesOnBookData() throws {
        let source = try TestPaths.read(TestPaths.strategy("market_maker.lua"))
            .replacingOccurrences(of: "version = \"1.0\",", with: "version = \"1.0\", symbols = {\"BTCUSD\"},")
        var market = SyntheticMarket(configuration: .init(symbols: [("BTCUSD", 30_000)], seed: 3))
        let kernel = try DeploymentKernel(configuration: DeploymentConfiguration(
            source: source, parameters: ["half_spread_bps": 1], instruments: market.instruments, symbols: ["BTCUSD"]))
        kernel.start(at: 1_700_000_000)
        for _ in 0..<3_000 { if let event = market.next() { kernel.handle(event) } }
        #expect(kernel.status == .running, "\(kernel.status)")
        #expect(kernel.fillCount > 0, "quotes were never hit")
        let inventory = kernel.portfolio.position("BTCUSD")?.quantity ?? .zero
        #expect(abs(KernelFixtures.sampleInstrument.double(inventory)) <= 0.6, "inventory bounded by max_inventory")
    }
}
