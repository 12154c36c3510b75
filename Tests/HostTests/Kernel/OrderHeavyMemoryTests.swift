import Testing
@testable import Host
import Sandbox

/// A deployment that trades on every bar keeps a bounded account: a live
/// kernel holds no list of finished round trips (nothing reads it, and a
/// checkpoint leaves it out), while a backtest still lists every trade in its
/// result (docs/benchmarks.md, "Order-heavy runs").
@Suite struct OrderHeavyMemoryTests {
    static let instrument = Instrument(symbol: "BTCUSD", priceDecimals: 2, quantityDecimals: 8)
    static let everyBarTrader = """
    function on_bar(ctx, bar)
      if ctx.position().quantity == 0 then ctx.buy { quantity = 0.01 } else ctx.sell { quantity = 0.01 } end
    end
    """

    static let noLimits = LayeredRiskLimits(deployment: .none)

    static func bars(_ count: Int) -> [Bar] {
        (0..<count).map { index in
            let price = instrument.price(30_000 + Double(index % 50))
            return Bar(time: 1_700_000_000 + Int64(index) * 60, open: price, high: price, low: price, close: price,
                       volume: instrument.quantity(10))
        }
    }

    @Test func aLiveKernelKeepsNoFinishedRoundTrips() throws {
        let kernel = try DeploymentKernel(configuration: DeploymentConfiguration(
            source: Self.everyBarTrader, instruments: [Self.instrument], risk: Self.noLimits))
        let series = Self.bars(2_001)
        kernel.start(at: series[0].time)
        for bar in series { kernel.handle(.bar(bar, symbol: "BTCUSD", timeframe: 60)) }
        #expect(kernel.fillCount == 2_000)
        #expect(kernel.portfolio.closedTrades.count == 0)
        #expect(kernel.router.exchange.workingOrderRecords().count <= 1)
    }

    @Test func aRestoredKernelKeepsNoFinishedRoundTripsEither() throws {
        let configuration = DeploymentConfiguration(source: Self.everyBarTrader, instruments: [Self.instrument],
                                                    risk: Self.noLimits)
        let kernel = try DeploymentKernel(configuration: configuration)
        let series = Self.bars(400)
        kernel.start(at: series[0].time)
        for bar in series[..<200] { kernel.handle(.bar(bar, symbol: "BTCUSD", timeframe: 60)) }
        // A checkpoint written before live kernels stopped recording trades.
        var checkpoint = kernel.checkpoint()
        checkpoint.portfolio.recordsTrades = true
        let restored = try DeploymentKernel(configuration: configuration, restoring: checkpoint)
        for bar in series[200...] { restored.handle(.bar(bar, symbol: "BTCUSD", timeframe: 60)) }
        #expect(restored.fillCount == 399)
        #expect(restored.portfolio.closedTrades.count == 0)
    }

    @Test func aBacktestStillListsEveryTrade() throws {
        let outcome = try BacktestEngine.run(BacktestConfiguration(
            source: Self.everyBarTrader, instruments: [Self.instrument], bars: ["BTCUSD": Self.bars(2_001)], timeframe: 60))
        #expect(outcome.result.trades.count == 1_000)
        #expect(outcome.result.metrics.tradeCount == 1_000)
    }
}
