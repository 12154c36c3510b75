import Testing
import Host

extension IndicatorTests {
    @Suite struct Drift {
        /// 1,000,000 bars around 30,000 with cent-sized noise: the running sums must stay within
        /// rounding of an exact recomputation (integer sums of cents) for the whole run.
        @Test func millionBarsOfLargePricesStayExact() throws {
            let count = 1_000_000
            let periods = [20, 500, PriceSeries.defaultCapacity]
            var random = SeededGenerator(seed: 30_000)
            var cents: [Int] = []
            cents.reserveCapacity(count)
            var level = 3_000_000
            for _ in 0..<count {
                level = min(3_005_000, max(2_995_000, level + Int(random.next() % 3) - 1))
                cents.append(level + Int(random.next() % 61) - 30)
            }

            var cache = IndicatorCache()
            var worstMean = 0.0
            var worstDeviation = 0.0
            for (index, value) in cents.enumerated() {
                let price = Double(value) / 100
                cache.append(time: Double(index), open: price, high: price, low: price, close: price, volume: 1)
                guard index % 10_007 == 10_006 || index == count - 1 else { continue }
                for period in periods {
                    let window = cents[(index - period + 1)...index]
                    let sum = window.reduce(0, +)
                    let exactMean = Double(sum) / Double(period) / 100
                    let sumOfSquares = window.reduce(Int128(0)) { $0 + Int128($1) * Int128($1) }
                    let scaledVariance = Int128(period) * sumOfSquares - Int128(sum) * Int128(sum)
                    let exactDeviation = (Double(scaledVariance) / Double(period * period)).squareRoot() / 100
                    let mean = try #require(try cache.sma(period: period))
                    let deviation = try #require(try cache.stdev(period: period))
                    worstMean = max(worstMean, abs(mean - exactMean))
                    worstDeviation = max(worstDeviation, abs(deviation - exactDeviation) / exactDeviation)
                }
            }
            print("drift over \(count) bars: worst SMA error \(worstMean), worst stdev relative error \(worstDeviation)")
            #expect(worstMean <= 1e-9, "absolute SMA error on prices near 30,000")
            #expect(worstDeviation <= 1e-9, "relative stdev error")
        }
    }
}
