import Foundation
import Testing
@testable import Host
import Sandbox
import TestSupport

/// Every bundled template, deployed with its defaults, trades as its
/// description says both ways a user meets it: a backtest on the committed
/// sample data, and a live run on the synthetic feed the server uses (one
/// symbol: the default rule, never every instrument). It trades, stays
/// within its cash and ends without a fault.
@Suite struct TemplateDefaultsTests {
    struct Manifest {
        var strategy: String
        var parameters: [String: LuaValue]
        var risk: RiskLimits
    }

    static let names = ["sma_crossover", "rsi_mean_reversion", "bollinger_breakout", "grid", "dca", "market_maker"]

    static func manifest(_ name: String) throws -> Manifest {
        let url = TestPaths.root.appendingPathComponent("templates/\(name).json")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
        var parameters: [String: LuaValue] = [:]
        for (key, value) in object["parameters"] as? [String: Any] ?? [:] {
            if let number = value as? NSNumber { parameters[key] = .number(number.doubleValue) }
        }
        let riskData = try JSONSerialization.data(withJSONObject: object["risk"] ?? [:])
        return Manifest(strategy: try #require(object["strategy"] as? String), parameters: parameters,
                        risk: try JSONDecoder().decode(RiskLimits.self, from: riskData))
    }

    static func configuration(_ manifest: Manifest, instruments: [Instrument]) throws -> DeploymentConfiguration {
        DeploymentConfiguration(
            source: try TestPaths.read(TestPaths.strategy(manifest.strategy)), chunkName: manifest.strategy,
            parameters: manifest.parameters, instruments: instruments,
            exchange: ExchangeConfiguration(commission: CommissionModel(hundredthsOfBasisPoint: 1_000)),
            risk: LayeredRiskLimits(deployment: manifest.risk))
    }

    @Test(arguments: names)
    func backtestOnSampleData(_ name: String) throws {
        let manifest = try Self.manifest(name)
        let configuration = try Self.configuration(manifest, instruments: [KernelFixtures.sampleInstrument])
        let outcome = try BacktestEngine.run(BacktestConfiguration(
            source: configuration.source, chunkName: configuration.chunkName, parameters: configuration.parameters,
            instruments: configuration.instruments, bars: ["BTCUSD": try KernelFixtures.sampleBars()], timeframe: 3600,
            exchange: configuration.exchange, risk: configuration.risk))
        #expect(outcome.status == .stopped, "\(name): \(outcome.status)")
        let traded = outcome.result.metrics.tradeCount + outcome.result.finalPositions.count
        #expect(traded > 0, "\(name) never traded in the backtest")
        #expect(outcome.result.metrics.endEquity > .zero)
        #expect(outcome.result.equityCurve.allSatisfy { $0.equity > .zero }, "\(name): equity went to zero")
    }

    @Test(arguments: names)
    func liveOnTheSyntheticFeed(_ name: String) throws {
        let manifest = try Self.manifest(name)
        var market = SyntheticMarket(configuration: .init(seed: 42, startTime: 1_700_000_000))
        let kernel = try DeploymentKernel(configuration: try Self.configuration(manifest, instruments: market.instruments))
        #expect(kernel.symbols == ["BTCUSD"], "\(name): one default symbol, not every instrument")
        var lowestCash = kernel.portfolio.cash
        var fills = 0
        var symbols = Set<String>()
        kernel.observer = { notification in
            if case .fill(let fill) = notification {
                fills += 1
                symbols.insert(fill.symbol)
            }
        }
        kernel.start(at: 1_700_000_000)
        // Twelve hours of market time.
        while let event = market.next(), event.time < 1_700_000_000 + 12 * 3600 {
            kernel.handle(event)
            lowestCash = min(lowestCash, kernel.portfolio.cash)
        }
        kernel.stop()
        #expect(!kernel.status.isFaulted, "\(name): \(kernel.status)")
        #expect(fills > 0, "\(name) never traded on the synthetic feed")
        #expect(symbols == ["BTCUSD"], "\(name) traded \(symbols)")
        #expect(lowestCash >= .zero, "\(name): cash went to \(lowestCash)")
        #expect(kernel.portfolio.equity > .zero)
    }
}
