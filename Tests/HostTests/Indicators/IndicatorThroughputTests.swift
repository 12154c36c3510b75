import Foundation
import Testing
import Host

extension IndicatorTests {
    /// Prints throughput; opt in with LUNAR_INDICATOR_BENCH=1 (meaningful in release builds).
    @Suite(.enabled(if: ProcessInfo.processInfo.environment["LUNAR_INDICATOR_BENCH"] != nil))
    struct Throughput {
        static let bars = TestBars.randomWalk(count: 1_000_000, seed: 8, start: 30_000, step: 20)

        static func rate(_ label: String, _ body: () throws -> Double) rethrows {
            _ = bars.count  // generate the bars outside the timing
            let start = ContinuousClock.now
            let checksum = try body()
            let seconds = (ContinuousClock.now - start) / .seconds(1)
            print("\(label): \(Int(Double(bars.count) / seconds)) bars/s (checksum \(checksum))")
        }

        @Test func appendsAndQueries() throws {
            let requests: [IndicatorRequest] = [
                .sma(period: 20), .sma(period: 200), .ema(period: 50), .rsi(), .macd(), .bollinger(), .atr(),
                .highest(period: 55), .lowest(period: 55),
            ]
            Self.rate("append only, no indicators") {
                var series = PriceSeries()
                for bar in Self.bars {
                    series.append(time: bar.time, open: bar.open, high: bar.high, low: bar.low, close: bar.close, volume: bar.volume)
                }
                return series.value(.close) ?? 0
            }
            Self.rate("append + update \(requests.count) indicators, no queries") {
                var cache = IndicatorCache()
                for request in requests { _ = try? cache.value(request) }
                for bar in Self.bars {
                    cache.append(time: bar.time, open: bar.open, high: bar.high, low: bar.low, close: bar.close, volume: bar.volume)
                }
                return cache.series.value(.close) ?? 0
            }
            try Self.rate("append + \(requests.count) queries per bar, by symbol") {
                var set = IndicatorSet()
                var checksum = 0.0
                for bar in Self.bars {
                    set.append(symbol: "BTCUSD", time: bar.time, open: bar.open, high: bar.high, low: bar.low,
                               close: bar.close, volume: bar.volume)
                    for request in requests {
                        if case .number(let value)? = try set.value(request, symbol: "BTCUSD") { checksum += value }
                    }
                }
                return checksum
            }
            try Self.rate("append + \(requests.count) queries per bar, by SeriesID") {
                var set = IndicatorSet()
                let id = set.addSymbol("BTCUSD")
                var checksum = 0.0
                for bar in Self.bars {
                    set.append(to: id, time: bar.time, open: bar.open, high: bar.high, low: bar.low,
                               close: bar.close, volume: bar.volume)
                    for request in requests {
                        if case .number(let value)? = try set.value(request, series: id) { checksum += value }
                    }
                }
                return checksum
            }
            try Self.rate("append + \(requests.count) typed queries per bar on an IndicatorCache") {
                var cache = IndicatorCache()
                var checksum = 0.0
                for bar in Self.bars {
                    cache.append(time: bar.time, open: bar.open, high: bar.high, low: bar.low, close: bar.close, volume: bar.volume)
                    checksum += try cache.sma(period: 20) ?? 0
                    checksum += try cache.sma(period: 200) ?? 0
                    checksum += try cache.ema(period: 50) ?? 0
                    checksum += try cache.rsi() ?? 0
                    checksum += try cache.macd()?.histogram ?? 0
                    checksum += try cache.bollinger()?.upper ?? 0
                    checksum += try cache.atr() ?? 0
                    checksum += try cache.highest(period: 55) ?? 0
                    checksum += try cache.lowest(period: 55) ?? 0
                }
                return checksum
            }
            try Self.rate("append + \(requests.count) typed queries per bar, in set.withCache") {
                var set = IndicatorSet()
                let id = set.addSymbol("BTCUSD")
                var checksum = 0.0
                for bar in Self.bars {
                    set.append(to: id, time: bar.time, open: bar.open, high: bar.high, low: bar.low,
                               close: bar.close, volume: bar.volume)
                    checksum += try set.withCache(id) { cache in
                        var sum = try cache.sma(period: 20) ?? 0
                        sum += try cache.sma(period: 200) ?? 0
                        sum += try cache.ema(period: 50) ?? 0
                        sum += try cache.rsi() ?? 0
                        sum += try cache.macd()?.histogram ?? 0
                        sum += try cache.bollinger()?.upper ?? 0
                        sum += try cache.atr() ?? 0
                        sum += try cache.highest(period: 55) ?? 0
                        return sum + (try cache.lowest(period: 55) ?? 0)
                    }
                }
                return checksum
            }
        }
    }
}
