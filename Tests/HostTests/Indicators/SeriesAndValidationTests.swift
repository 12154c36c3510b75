import Testing
import Host

extension IndicatorTests {
    @Suite struct RingBuffer {
        @Test func keepsTheNewestCapacityBars() {
            var series = PriceSeries(capacity: 5)
            #expect(series.isEmpty && series.value(.close) == nil && series.time() == nil)
            for index in 0..<12 {
                let price = Double(index)
                series.append(time: price * 60, open: price + 0.1, high: price + 0.2, low: price + 0.3,
                              close: price + 0.4, volume: price + 0.5)
                #expect(series.count == min(index + 1, 5))
            }
            #expect(series.appendedCount == 12)
            for barsAgo in 0..<5 {
                let price = Double(11 - barsAgo)
                #expect(series.time(barsAgo: barsAgo) == price * 60)
                #expect(series.value(.open, barsAgo: barsAgo) == price + 0.1)
                #expect(series.value(.high, barsAgo: barsAgo) == price + 0.2)
                #expect(series.value(.low, barsAgo: barsAgo) == price + 0.3)
                #expect(series.value(.close, barsAgo: barsAgo) == price + 0.4)
                #expect(series.value(.volume, barsAgo: barsAgo) == price + 0.5)
            }
            #expect(series.value(.close, barsAgo: 5) == nil)
            #expect(series.value(.close, barsAgo: -1) == nil)
        }

        /// A period equal to the capacity still sees the bar leaving its window.
        @Test func fullCapacityWindowsAcrossWraps() throws {
            let capacity = 8
            let bars = TestBars.randomWalk(count: 50, seed: 3)
            var cache = IndicatorCache(capacity: capacity)
            for t in bars.indices {
                cache.append(bars[t])
                #expect(isClose(try cache.sma(period: capacity), ReferenceIndicators.sma(bars, t, capacity)))
                #expect(isClose(try cache.stdev(period: capacity), ReferenceIndicators.stdev(bars, t, capacity)))
                #expect(try cache.highest(period: capacity) == ReferenceIndicators.highest(bars, t, capacity))
                #expect(isClose(try cache.roc(period: capacity - 1), ReferenceIndicators.roc(bars, t, capacity - 1)))
            }
            #expect(cache.series.count == capacity)
        }
    }

    @Suite struct Validation {
        /// The description of the `IndicatorError` that `body` throws, checking its code.
        func message(_ body: () throws -> Void) -> String? {
            do {
                try body()
                return nil
            } catch let error as IndicatorError {
                #expect(error.code == "indicatorParameterOutOfRange")
                return error.description
            } catch {
                return "unexpected \(error)"
            }
        }

        @Test func invalidPeriodsNameIndicatorParameterAndRange() {
            var cache = IndicatorCache(capacity: 5_000)
            #expect(message { _ = try cache.sma(period: 0) } == "sma: period must be in 1...5000, got 0")
            #expect(message { _ = try cache.ema(period: 5_001) } == "ema: period must be in 1...5000, got 5001")
            #expect(message { _ = try cache.rsi(period: -3) } == "rsi: period must be in 1...5000, got -3")
            #expect(message { _ = try cache.atr(period: 0) } == "atr: period must be in 1...5000, got 0")
            #expect(message { _ = try cache.stdev(period: 0, field: .volume) } == "stdev: period must be in 1...5000, got 0")
            #expect(message { _ = try cache.highest(period: 9_999) } == "highest: period must be in 1...5000, got 9999")
            #expect(message { _ = try cache.lowest(period: 0) } == "lowest: period must be in 1...5000, got 0")
            #expect(message { _ = try cache.roc(period: 5_000) } == "roc: period must be in 1...4999, got 5000")
            #expect(message { _ = try cache.macd(fast: 26, slow: 12) } == "macd: fast must be in 1...11, got 26")
            #expect(message { _ = try cache.macd(fast: 1, slow: 1) } == "macd: slow must be in 2...5000, got 1")
            #expect(message { _ = try cache.macd(signal: 0) } == "macd: signal must be in 1...5000, got 0")
            #expect(message { _ = try cache.bollinger(period: 0) } == "bollinger: period must be in 1...5000, got 0")
            #expect(message { _ = try cache.bollinger(k: -1) } == "bollinger: k must be in 0...100, got -1.0")
            #expect(message { _ = try cache.bollinger(k: .nan) } == "bollinger: k must be in 0...100, got nan")
            #expect(cache.indicatorCount == 0, "a refused request creates no state")
            #expect(message { _ = try cache.value(.sma(period: 5_001)) } == "sma: period must be in 1...5000, got 5001")
        }

        @Test func rangesFollowTheCapacity() throws {
            var cache = IndicatorCache(capacity: 10)
            #expect(try cache.sma(period: 10) == nil)
            #expect(message { _ = try cache.sma(period: 11) } == "sma: period must be in 1...10, got 11")
            try IndicatorRequest.roc(period: 9).validate(capacity: 10)
        }

        @Test func unknownFieldNamesTheAcceptedOnes() throws {
            #expect(throws: IndicatorError.unknownField(indicator: "sma", name: "closing")) {
                try PriceField.named("closing", for: "sma")
            }
            #expect(IndicatorError.unknownField(indicator: "sma", name: "closing").description
                    == "sma: unknown field 'closing' (expected one of open, high, low, close, volume)")
            #expect(try PriceField.named("volume", for: "sma") == .volume)
        }

        /// Each distinct state costs every append; SMA, stdev and Bollinger of one window share one,
        /// and ROC needs none.
        @Test func distinctIndicatorsAreLimited() throws {
            var cache = IndicatorCache(capacity: 100, maximumIndicators: 3)
            _ = try cache.sma(period: 20)
            _ = try cache.stdev(period: 20)
            _ = try cache.bollinger(period: 20, k: 1.5)
            _ = try cache.roc(period: 20)
            _ = try cache.ema(period: 20)
            _ = try cache.macd()
            #expect(cache.indicatorCount == 3)
            _ = try cache.ema(period: 20)
            #expect(throws: IndicatorError.tooManyIndicators(limit: 3)) { _ = try cache.rsi() }
            #expect(IndicatorError.tooManyIndicators(limit: 3).code == "tooManyIndicators")
        }
    }

    @Suite struct Determinism {
        /// Same bars and same sequence of requests (including late first requests) give the same bits.
        @Test func sameInputsSameBits() throws {
            let bars = TestBars.randomWalk(count: 6_000, seed: 99, start: 500, step: 3)
            func run() throws -> [UInt64] {
                var cache = IndicatorCache(capacity: 1_000)
                var results: [UInt64] = []
                for (index, bar) in bars.enumerated() {
                    cache.append(bar)
                    var values: [Double?] = [try cache.sma(period: 50), try cache.ema(period: 21)]
                    if index >= 1_500 { values += [try cache.rsi(), try cache.atr(period: 7), try cache.stdev(period: 333)] }
                    if index >= 4_321 { values += [try cache.macd()?.histogram, try cache.bollinger()?.lower] }
                    results += values.map { $0?.bitPattern ?? 0x7FF8_DEAD_BEEF_0000 }
                }
                return results
            }
            #expect(try run() == run())
        }
    }
}
