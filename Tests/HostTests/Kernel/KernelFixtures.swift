import Foundation
@testable import Host
import Sandbox
import TestSupport

/// Builders shared by the kernel tests.
enum KernelFixtures {
    static let instrument = Instrument(symbol: "TEST", priceDecimals: 2, quantityDecimals: 4)

    /// Bars with the given (open, high, low, close), one hour apart from t0.
    static func bars(_ prices: [(Double, Double, Double, Double)], start: Int64 = 1_700_000_000) -> [Bar] {
        prices.enumerated().map { index, price in
            Bar(time: start + Int64(index) * 3600, open: instrument.price(price.0), high: instrument.price(price.1),
                low: instrument.price(price.2), close: instrument.price(price.3), volume: instrument.quantity(1_000))
        }
    }

    static func backtest(_ source: String, bars: [Bar], parameters: [String: LuaValue] = [:],
                         cash: Money = Money(10_000), exchange: ExchangeConfiguration = ExchangeConfiguration(),
                         risk: LayeredRiskLimits = LayeredRiskLimits(), limits: SandboxLimits = .standard)
        throws -> BacktestOutcome {
        try BacktestEngine.run(BacktestConfiguration(
            source: source, parameters: parameters, instruments: [instrument], bars: ["TEST": bars],
            timeframe: 3600, startingCash: cash, exchange: exchange, risk: risk, sandboxLimits: limits))
    }

    static let sampleInstrument = Instrument(symbol: "BTCUSD", priceDecimals: 2, quantityDecimals: 8)

    static func sampleBars() throws -> [Bar] {
        try BarCSV.load(path: TestPaths.data("sample-btcusd-1h.csv").path, instrument: sampleInstrument)
    }
}
