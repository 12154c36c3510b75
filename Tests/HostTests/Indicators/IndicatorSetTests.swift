import Testing
import Host

extension IndicatorTests {
    @Suite struct Set {
        @Test func routesBarsAndRequestsBySymbol() throws {
            let btc = TestBars.randomWalk(count: 300, seed: 1, start: 30_000, step: 50)
            let eth = TestBars.randomWalk(count: 300, seed: 2, start: 2_000, step: 5)
            var set = IndicatorSet(capacity: 200)
            var btcAlone = IndicatorCache(capacity: 200)
            var ethAlone = IndicatorCache(capacity: 200)
            let ethID = set.addSymbol("ETHUSD")
            for (btcBar, ethBar) in zip(btc, eth) {
                set.append(symbol: "BTCUSD", time: btcBar.time, open: btcBar.open, high: btcBar.high,
                           low: btcBar.low, close: btcBar.close, volume: btcBar.volume)
                set.append(to: ethID, time: ethBar.time, open: ethBar.open, high: ethBar.high,
                           low: ethBar.low, close: ethBar.close, volume: ethBar.volume)
                btcAlone.append(btcBar)
                ethAlone.append(ethBar)
                for request in [IndicatorRequest.sma(period: 30), .ema(period: 12), .macd(), .bollinger(), .atr()] {
                    #expect(try set.value(request, symbol: "BTCUSD") == btcAlone.value(request))
                    #expect(try set.value(request, series: ethID) == ethAlone.value(request))
                    // Alternate symbols so the remembered last symbol keeps changing.
                    #expect(try set.value(request, symbol: "ETHUSD") == ethAlone.value(request))
                }
            }
            #expect(set.symbols == ["ETHUSD", "BTCUSD"])
            #expect(set.id(for: "ETHUSD") == ethID)
            #expect(set.series(for: "BTCUSD")?.value(.close) == btc.last?.close)
            #expect(try set.withCache(ethID) { try $0.rsi() } == ethAlone.rsi())
            let macd = try set.withCache(ethID) { try $0.macd() }
            #expect(try macd?.histogram == ethAlone.macd()?.histogram)
            #expect(set[ethID].indicatorCount == 6)
            #expect(set["BTCUSD"]?.indicatorCount == 5)
        }

        @Test func answersCarryTheirShape() throws {
            var set = IndicatorSet(capacity: 100)
            for bar in TestBars.randomWalk(count: 60, seed: 5) {
                set.append(symbol: "X", time: bar.time, open: bar.open, high: bar.high, low: bar.low,
                           close: bar.close, volume: bar.volume)
            }
            guard case .macd(let macd, let signal, let histogram)? = try set.value(.macd(), symbol: "X") else {
                Issue.record("expected a MACD triple")
                return
            }
            #expect(abs(macd - signal - histogram) < 1e-12)
            guard case .bands(let upper, let middle, let lower)? = try set.value(.bollinger(), symbol: "X") else {
                Issue.record("expected bands")
                return
            }
            #expect(upper > middle && middle > lower)
            guard case .number? = try set.value(.rsi(), symbol: "X") else {
                Issue.record("expected a number")
                return
            }
        }

        @Test func unknownSymbolsAndEmptySeries() throws {
            var set = IndicatorSet()
            #expect(throws: IndicatorError.unknownSymbol("NOPE")) { try set.value(.sma(period: 5), symbol: "NOPE") }
            #expect(IndicatorError.unknownSymbol("NOPE").description == "no price series for symbol 'NOPE'")
            set.addSymbol("SUBSCRIBED")
            #expect(try set.value(.sma(period: 5), symbol: "SUBSCRIBED") == nil)
            #expect(throws: IndicatorError.self) { try set.value(.sma(period: 0), symbol: "SUBSCRIBED") }
        }
    }
}
