import Testing
import Host

/// Every indicator test, nested so `--filter IndicatorTests` selects them all.
@Suite struct IndicatorTests {}

extension IndicatorTests {
    @Suite struct ReferenceAgreement {
        static let capacity = 64
        static let bars = TestBars.randomWalk(count: 400, seed: 0x1D1C_A701)
        static let windowPeriods = [1, 2, 5, 14, 20, 63, 64]

        /// Queries everything from the first bar (states seeded at bar 0) through
        /// six wraps of the buffer, comparing with the naive references on every bar.
        @Test func everyIndicatorOnEveryBar() throws {
            var cache = IndicatorCache(capacity: Self.capacity, maximumIndicators: 1_000)
            let bars = Self.bars
            var mismatches: [String] = []
            func check(_ name: String, _ t: Int, _ actual: Double?, _ expected: Double?) {
                if !isClose(actual, expected) { mismatches.append("\(name) at bar \(t): \(String(describing: actual)) vs \(String(describing: expected))") }
            }
            for t in bars.indices {
                cache.append(bars[t])
                for period in Self.windowPeriods {
                    for field in PriceField.allCases {
                        check("sma(\(period), \(field))", t, try cache.sma(period: period, field: field),
                              ReferenceIndicators.sma(bars, t, period, field))
                        check("highest(\(period), \(field))", t, try cache.highest(period: period, field: field),
                              ReferenceIndicators.highest(bars, t, period, field))
                        check("lowest(\(period), \(field))", t, try cache.lowest(period: period, field: field),
                              ReferenceIndicators.lowest(bars, t, period, field))
                    }
                    check("stdev(\(period))", t, try cache.stdev(period: period), ReferenceIndicators.stdev(bars, t, period))
                    check("stdev(\(period), volume)", t, try cache.stdev(period: period, field: .volume),
                          ReferenceIndicators.stdev(bars, t, period, .volume))
                    check("ema(\(period))", t, try cache.ema(period: period), ReferenceIndicators.ema(bars, t, period))
                    check("ema(\(period), high)", t, try cache.ema(period: period, field: .high),
                          ReferenceIndicators.ema(bars, t, period, .high))
                    check("rsi(\(period))", t, try cache.rsi(period: period), ReferenceIndicators.rsi(bars, t, period))
                    check("atr(\(period))", t, try cache.atr(period: period), ReferenceIndicators.atr(bars, t, period))
                    if period < Self.capacity {
                        check("roc(\(period))", t, try cache.roc(period: period), ReferenceIndicators.roc(bars, t, period))
                        check("roc(\(period), volume)", t, try cache.roc(period: period, field: .volume),
                              ReferenceIndicators.roc(bars, t, period, .volume))
                    }
                }
                for (fast, slow, signal) in [(12, 26, 9), (3, 10, 5), (1, 2, 1), (5, 64, 64)] {
                    let actual = try cache.macd(fast: fast, slow: slow, signal: signal)
                    let expected = ReferenceIndicators.macd(bars, t, fast: fast, slow: slow, signal: signal)
                    let name = "macd(\(fast), \(slow), \(signal))"
                    check(name + ".macd", t, actual?.macd, expected?.macd)
                    check(name + ".signal", t, actual?.signal, expected?.signal)
                    check(name + ".histogram", t, actual?.histogram, expected?.histogram)
                }
                for (period, k, field) in [(20, 2.0, PriceField.close), (5, 0.5, .open), (64, 3, .close)] {
                    let actual = try cache.bollinger(period: period, k: k, field: field)
                    let middle = ReferenceIndicators.sma(bars, t, period, field)
                    let deviation = ReferenceIndicators.stdev(bars, t, period, field)
                    let name = "bollinger(\(period), \(k), \(field))"
                    check(name + ".upper", t, actual?.upper, middle.map { $0 + k * deviation! })
                    check(name + ".middle", t, actual?.middle, middle)
                    check(name + ".lower", t, actual?.lower, middle.map { $0 - k * deviation! })
                }
            }
            #expect(mismatches.isEmpty, "\(mismatches.count) mismatches, first: \(mismatches.prefix(5))")
        }

        /// Extremes involve no arithmetic: they must be exact.
        @Test func extremesAreExact() throws {
            var cache = IndicatorCache(capacity: Self.capacity)
            let bars = Self.bars
            for t in bars.indices {
                cache.append(bars[t])
                for period in Self.windowPeriods {
                    #expect(isIdentical(try cache.highest(period: period), ReferenceIndicators.highest(bars, t, period)))
                    #expect(isIdentical(try cache.lowest(period: period), ReferenceIndicators.lowest(bars, t, period)))
                }
            }
        }

        /// A window of equal values answers exactly that value and a deviation of exactly 0, even
        /// after volatile bars (running moments would otherwise leave a rounding residual that the
        /// square root magnifies to about 1e-8 of the price). One tick later the deviation is tiny
        /// and the residual of the volatile bars (about eps times their squared deviations) shows
        /// as a small relative error, far below a tick, until the next exact rebuild clears it.
        @Test func windowsGoingFlatAnswerExactly() throws {
            var cache = IndicatorCache(capacity: 2_500)
            for bar in TestBars.randomWalk(count: 2_000, seed: 21, start: 30_000, step: 40) { cache.append(bar) }
            _ = try cache.stdev(period: 20)
            _ = try cache.stdev(period: 1)
            func append(_ price: Double) {
                cache.append(time: 0, open: price, high: price, low: price, close: price, volume: 1)
            }
            for _ in 0..<20 {
                append(30_123.45)
                #expect(try cache.stdev(period: 1) == 0)
            }
            #expect(try cache.stdev(period: 20) == 0)
            #expect(try cache.sma(period: 20) == 30_123.45)
            let expected = ReferenceIndicators.stdevOf(Array(repeating: 30_123.45, count: 19) + [30_123.46])
            append(30_123.46)
            let afterVolatility = try #require(try cache.stdev(period: 20))
            #expect(abs(afterVolatility - expected) < 1e-8, "\(afterVolatility) vs \(expected)")
            // The same window again, its last bar landing on a rebuild (bar 2,048): within rounding.
            while cache.series.appendedCount % IndicatorCache.recomputeInterval != IndicatorCache.recomputeInterval - 1 {
                append(30_123.45)
            }
            append(30_123.46)
            #expect(cache.series.appendedCount == 2 * IndicatorCache.recomputeInterval)
            let rebuilt = try #require(try cache.stdev(period: 20))
            #expect(abs(rebuilt - expected) / expected < 1e-9, "\(rebuilt) vs \(expected)")
        }

        @Test func flatAndMonotonicMarkets() throws {
            var flat = IndicatorCache(capacity: 50)
            for index in 0..<30 {
                flat.append(time: Double(index), open: 10, high: 10, low: 10, close: 10, volume: 5)
            }
            #expect(try flat.rsi(period: 14) == 50)
            #expect(try flat.stdev(period: 20) == 0)
            #expect(try flat.atr(period: 14) == 0)
            let bands = try #require(try flat.bollinger())
            #expect(bands.upper == 10 && bands.middle == 10 && bands.lower == 10)
            #expect(try flat.roc(period: 10) == 0)

            var rising = IndicatorCache(capacity: 50)
            for index in 0..<30 {
                let price = 100 + Double(index)
                rising.append(time: Double(index), open: price, high: price, low: price, close: price, volume: 0)
            }
            #expect(try rising.rsi(period: 14) == 100)
            #expect(try rising.roc(period: 1, field: .volume) == nil, "a zero base has no rate of change")
        }
    }
}
