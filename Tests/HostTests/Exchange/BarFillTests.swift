import Host
import Testing

extension ExchangeTests {
    @Suite("Bar fill prices")
    struct BarFills {
        @Test func marketFillsAtTheNextBarsOpen() {
            var venue = Harness()
            venue.place(order(1, .buy, .market, 10), now: at(0))
            let events = venue.run(bar(1, "100.10", "101.00", "99.00", "100.50"))
            #expect(summary(events) == ["#1 10@100.10"])
            let fill = fills(events)[0]
            #expect(fill.notional == money("1001.00"))
            #expect(fill.fee == .zero)
            #expect(fill.time == at(1))
            #expect(events.count == 1)
            #expect(last(1, events)?.status == .filled)
            #expect(last(1, events)?.filledNotional == money("1001.00"))
            #expect(venue.exchange.order(1) == nil, "finished orders are not kept")
        }

        @Test func noLookAheadOnTheBarTheOrderWasPlacedOn() {
            var venue = Harness()
            // Placed while handling bar 0, i.e. at its close (bar 1's time): bar 0 delivered
            // again must not fill it, though its prices would.
            venue.place(order(1, .buy, .limit(px("99.00")), 5), now: at(1))
            #expect(venue.run(bar(0, "98.00", "98.50", "97.00", "98.00")).isEmpty)
            // Placed half-way through bar 2's interval (a timer): bar 2 opened before the decision.
            venue.place(order(2, .buy, .market, 5), now: at(2) + 1_800)
            let third = venue.run(bar(2, "98.00", "98.50", "97.00", "98.00"))
            #expect(summary(third) == ["#1 5@98.00"], "order 1 is eligible on bar 2; order 2 is not")
            let fourth = venue.run(bar(3, "97.50", "98.00", "97.00", "97.80"))
            #expect(summary(fourth) == ["#2 5@97.50"])
        }

        @Test func anOrderPlacedAtABarsCloseFillsAtTheNextOpenNotTheClose() {
            var venue = Harness()
            _ = venue.run(bar(0, "100.00", "101.00", "99.00", "100.50"))
            venue.place(order(1, .buy, .market, 1), now: at(1))
            #expect(summary(venue.run(bar(1, "110.00", "111.00", "109.00", "110.50"))) == ["#1 1@110.00"])
        }

        @Test func limitBuyImprovesToTheOpenWhenTheOpenIsBelowTheLimit() {
            var venue = Harness()
            venue.place(order(1, .buy, .limit(px("101.00")), 4))
            #expect(summary(venue.run(bar(1, "100.00", "102.00", "99.50", "101.50"))) == ["#1 4@100.00"])
        }

        @Test func limitBuyFillsAtTheLimitWhenTheLowReachesIt() {
            var venue = Harness()
            venue.place(order(1, .buy, .limit(px("99.00")), 4))
            #expect(venue.run(bar(1, "100.00", "100.50", "99.01", "99.50")).isEmpty, "low 99.01 stays above 99.00")
            #expect(venue.exchange.order(1)?.status == .accepted)
            #expect(summary(venue.run(bar(2, "100.00", "100.50", "98.50", "99.50"))) == ["#1 4@99.00"])
        }

        @Test func limitSellMirrorsTheBuy() {
            var venue = Harness()
            venue.place(order(1, .sell, .limit(px("100.00")), 3))
            venue.place(order(2, .sell, .limit(px("102.00")), 3))
            let events = venue.run(bar(1, "101.00", "102.40", "100.80", "102.00"))
            #expect(summary(events) == ["#1 3@101.00", "#2 3@102.00"])
        }

        @Test func buyStopThatGapsThroughFillsAtTheOpenNotTheTrigger() {
            var venue = Harness()
            venue.place(order(1, .buy, .stop(trigger: px("105.00")), 2))
            venue.place(order(2, .buy, .stop(trigger: px("103.00")), 2), now: at(2))
            #expect(venue.run(bar(1, "100.00", "104.99", "99.00", "104.00")).isEmpty)
            let events = venue.run(bar(2, "106.00", "107.00", "102.00", "106.50"))
            #expect(summary(events) == ["#1 2@106.00", "#2 2@106.00"])
            #expect(fills(events).allSatisfy { $0.time == at(2) })
            #expect(last(1, events)?.triggered == true)
        }

        @Test func buyStopTouchedInsideTheBarFillsAtTheTrigger() {
            var venue = Harness()
            venue.place(order(1, .buy, .stop(trigger: px("105.00")), 2))
            #expect(summary(venue.run(bar(1, "100.00", "105.00", "99.00", "104.00"))) == ["#1 2@105.00"])
        }

        @Test func sellStopGapsAndTouchesDownward() {
            var venue = Harness()
            venue.place(order(1, .sell, .stop(trigger: px("95.00")), 1))
            venue.place(order(2, .sell, .stop(trigger: px("93.00")), 1))
            let events = venue.run(bar(1, "94.00", "96.00", "92.50", "93.00"))
            #expect(summary(events) == ["#1 1@94.00", "#2 1@93.00"])
        }

        @Test func stopLimitTriggeredAtTheOpenFillsAtTheOpenWithoutSlippage() {
            var venue = Harness(ExchangeConfiguration(slippage: SlippageModel(hundredthsOfBasisPoint: 1_000)))
            venue.place(order(1, .buy, .stopLimit(trigger: px("105.00"), limit: px("106.00")), 1))
            #expect(summary(venue.run(bar(1, "105.50", "107.00", "105.00", "106.00"))) == ["#1 1@105.50"])
        }

        @Test func stopLimitGappedPastItsLimitWorksAsALimitForTheWholeBar() {
            var venue = Harness()
            venue.place(order(1, .buy, .stopLimit(trigger: px("105.00"), limit: px("106.00")), 1))
            let events = venue.run(bar(1, "107.00", "107.50", "105.80", "106.20"))
            #expect(summary(events) == ["#1 1@106.00"])
        }

        @Test func stopLimitTriggeredInsideTheBarFillsAtTheTriggerWhenTheLimitAllows() {
            var venue = Harness()
            venue.place(order(1, .buy, .stopLimit(trigger: px("105.00"), limit: px("105.50")), 1))
            #expect(summary(venue.run(bar(1, "100.00", "106.00", "99.00", "105.80"))) == ["#1 1@105.00"])
        }

        @Test func stopLimitWithTheLimitBelowTheTriggerRestsFromTheNextBar() {
            var venue = Harness()
            venue.place(order(1, .buy, .stopLimit(trigger: px("105.00"), limit: px("104.00")), 1))
            // Triggered at 105.00 inside the bar; the low of 99.00 may have come before the
            // trigger, so it does not fill in this bar.
            let first = venue.run(bar(1, "100.00", "106.00", "99.00", "105.00"))
            #expect(fills(first).isEmpty)
            #expect(first.count == 1)
            #expect(last(1, first)?.triggered == true)
            #expect(last(1, first)?.status == .accepted)
            // From now on it is a limit at 104.00 (the trigger is not needed again).
            let second = venue.run(bar(2, "104.50", "104.80", "103.90", "104.20"))
            #expect(summary(second) == ["#1 1@104.00"])
        }

        @Test func slippageMovesMarketAndStopFillsButNotLimits() {
            var venue = Harness(ExchangeConfiguration(slippage: SlippageModel(hundredthsOfBasisPoint: 1_000)))
            venue.place(order(1, .buy, .market, 1))
            venue.place(order(2, .sell, .market, 1))
            venue.place(order(3, .buy, .limit(px("101.00")), 1))
            venue.place(order(4, .sell, .stop(trigger: px("99.00")), 1))
            // 10 bps of 100.00 is exactly 10 ticks; of 99.00, 9.9 ticks, rounded adversely to 10.
            let events = venue.run(bar(1, "100.00", "100.50", "98.00", "99.00"))
            #expect(summary(events) == ["#1 1@100.10", "#2 1@99.90", "#3 1@100.00", "#4 1@98.90"])
        }

        @Test func ordersOfOtherSymbolsAreUntouched() {
            var venue = Harness()
            venue.place(order(1, .buy, .market, 1))
            #expect(venue.run(bar(1, "100.00", "100.00", "100.00", "100.00"), symbol: "BTCUSD").isEmpty)
            #expect(venue.run(bar(1, "100.00", "100.00", "100.00", "100.00"), symbol: "NOPE").isEmpty)
            #expect(venue.exchange.openOrders(symbol: "ACME").map(\.id) == [1])
        }
    }
}
