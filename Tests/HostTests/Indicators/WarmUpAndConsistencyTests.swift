import Testing
import Host

extension IndicatorTests {
    @Suite struct WarmUp {
        /// The number of bars after which each indicator first answers.
        static let expectations: [(IndicatorRequest, Int)] = [
            (.sma(period: 1), 1), (.sma(period: 20), 20), (.ema(period: 10), 10), (.stdev(period: 7), 7),
            (.rsi(period: 14), 15), (.atr(period: 14), 15), (.rsi(period: 1), 2),
            (.macd(), 34), (.macd(fast: 3, slow: 5, signal: 4), 8),
            (.bollinger(), 20), (.highest(period: 9), 9), (.lowest(period: 9), 9),
            (.roc(period: 12), 13), (.roc(period: 99), 100), (.sma(period: 100), 100),
        ]

        @Test(arguments: [false, true])
        func nilUntilEnoughHistory(requestFromFirstBar: Bool) throws {
            let bars = TestBars.randomWalk(count: 120, seed: 7)
            for (request, warmUp) in Self.expectations {
                var cache = IndicatorCache(capacity: 100)
                var firstAnswer: Int?
                for (index, bar) in bars.enumerated() {
                    cache.append(bar)
                    // A late requester asks for the first time at the bar it expects the answer.
                    guard requestFromFirstBar || index + 1 >= warmUp else { continue }
                    if try cache.value(request) != nil, firstAnswer == nil { firstAnswer = index + 1 }
                }
                #expect(firstAnswer == warmUp, "\(request)")
            }
        }

        @Test func emptyCacheAnswersNil() throws {
            var cache = IndicatorCache()
            #expect(try cache.sma(period: 1) == nil)
            #expect(try cache.highest(period: 1) == nil)
            #expect(try cache.macd() == nil)
            #expect(try cache.roc(period: 1) == nil)
        }
    }

    /// The rules `IndicatorCache` documents for a first request made late.
    @Suite struct LateRequests {
        static func query(_ cache: inout IndicatorCache) throws -> [Double?] {
            let macd = try cache.macd()
            let bands = try cache.bollinger()
            return [
                try cache.ema(period: 10), try cache.ema(period: 50, field: .low), try cache.rsi(), try cache.atr(),
                macd?.macd, macd?.signal, macd?.histogram,
                try cache.highest(period: 30), try cache.lowest(period: 100, field: .close),
                try cache.roc(period: 5),
            ] + [try cache.sma(period: 20), try cache.stdev(period: 20), bands?.upper, bands?.lower]
        }
        static let exactCount = 10

        /// Before the buffer wraps it holds all of history: a late state equals an early one bit for bit
        /// (recursive and exact indicators); window sums agree within rounding (1e-12 relative
        /// here), and bit for bit once both have passed the recompute at bar 1,024.
        @Test func beforeWrapLateEqualsEarly() throws {
            let bars = TestBars.randomWalk(count: 3_000, seed: 11, start: 30_000, step: 25)
            var early = IndicatorCache()
            var late = IndicatorCache()
            for (index, bar) in bars.enumerated() {
                early.append(bar)
                late.append(bar)
                let earlyValues = try Self.query(&early)
                guard index >= 700 else { continue }
                let lateValues = try Self.query(&late)
                for (position, (lhs, rhs)) in zip(earlyValues, lateValues).enumerated() {
                    if position < Self.exactCount || index + 1 >= IndicatorCache.recomputeInterval {
                        #expect(isIdentical(lhs, rhs), "value \(position) at bar \(index)")
                    } else {
                        #expect(isClose(lhs, rhs, relative: 1e-12), "value \(position) at bar \(index)")
                    }
                }
            }
        }

        /// After the buffer wraps a late state is seeded from the oldest bar held, exactly as if the
        /// history began there, and converges to the early state.
        @Test func afterWrapLateSeedsFromOldestHeldBar() throws {
            let capacity = 100
            let requestBar = 500
            let oldestHeld = requestBar - capacity + 1
            let bars = TestBars.randomWalk(count: 1_100, seed: 12)
            var early = IndicatorCache(capacity: capacity)
            var late = IndicatorCache(capacity: capacity)
            for (index, bar) in bars.enumerated() {
                early.append(bar)
                late.append(bar)
                _ = try Self.query(&early)
                guard index >= requestBar else { continue }
                #expect(isClose(try late.ema(period: 10), ReferenceIndicators.ema(bars, index, 10, start: oldestHeld)))
                #expect(isClose(try late.rsi(), ReferenceIndicators.rsi(bars, index, 14, start: oldestHeld)))
                #expect(isClose(try late.atr(), ReferenceIndicators.atr(bars, index, 14, start: oldestHeld)))
                let macd = try late.macd()
                let expected = ReferenceIndicators.macd(bars, index, fast: 12, slow: 26, signal: 9, start: oldestHeld)
                #expect(isClose(macd?.signal, expected?.signal))
                #expect(isClose(macd?.histogram, expected?.histogram))
            }
            // Converged: the seed's influence has decayed below rounding.
            #expect(isClose(try late.ema(period: 10), try early.ema(period: 10), relative: 1e-12))
            #expect(isClose(try late.rsi(), try early.rsi(), relative: 1e-12))
            #expect(isClose(try late.atr(), try early.atr(), relative: 1e-12))
            #expect(isClose(try late.macd()?.signal, try early.macd()?.signal, relative: 1e-12))
            // Window indicators never depend on creation time beyond rounding (and not at all after a recompute).
            #expect(isIdentical(try late.sma(period: 20), try early.sma(period: 20)))
            #expect(isIdentical(try late.highest(period: 30), try early.highest(period: 30)))
        }
    }
}
