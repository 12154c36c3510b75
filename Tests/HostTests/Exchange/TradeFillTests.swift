import Host
import Testing

extension ExchangeTests {
    @Suite("Trade (tick) fills")
    struct TradeFills {
        static func trade(_ seconds: Int64, _ price: String, _ size: Int64) -> Trade {
            Trade(time: dayStart + seconds, price: px(price), quantity: lots(size))
        }

        @Test func marketFillsAtTheNextTradeWithSlippageCappedByItsSize() {
            var venue = Harness(ExchangeConfiguration(slippage: SlippageModel(hundredthsOfBasisPoint: 500)))
            venue.place(order(1, .buy, .market, 10), now: dayStart + 5)
            let first = venue.run(Self.trade(6, "200.00", 4))
            let second = venue.run(Self.trade(7, "201.00", 100))
            // 5 bps of 200.00 = 10 ticks; of 201.00 = 10.05 ticks, rounded up to 11.
            #expect(summary(first) == ["#1 4@200.10"])
            #expect(summary(second) == ["#1 6@201.11"])
            #expect(last(1, second)?.status == .filled)
        }

        @Test func aTradeAtTheSameSecondButDeliveredAfterTheOrderFillsIt() {
            var venue = Harness()
            venue.place(order(1, .buy, .market, 1), now: dayStart + 5)
            #expect(venue.run(Self.trade(4, "100.00", 1)).isEmpty, "stamped before the order")
            #expect(summary(venue.run(Self.trade(5, "100.20", 1))) == ["#1 1@100.20"])
        }

        @Test func limitFillsAtTheTradePriceWhenATradePrintsAtOrThroughIt() {
            var venue = Harness()
            venue.place(order(1, .buy, .limit(px("100.00")), 5))
            venue.place(order(2, .sell, .limit(px("100.50")), 5))
            #expect(venue.run(Self.trade(1, "100.01", 50)).isEmpty)
            #expect(summary(venue.run(Self.trade(2, "100.00", 2))) == ["#1 2@100.00"])
            #expect(summary(venue.run(Self.trade(3, "99.80", 50))) == ["#1 3@99.80"], "a better print fills at the print")
            #expect(summary(venue.run(Self.trade(4, "100.60", 50))) == ["#2 5@100.60"])
        }

        @Test func stopsTriggerOnATradeAtOrThroughTheTrigger() {
            var venue = Harness()
            venue.place(order(1, .sell, .stop(trigger: px("95.00")), 3))
            venue.place(order(2, .buy, .stopLimit(trigger: px("105.00"), limit: px("105.20")), 3))
            #expect(venue.run(Self.trade(1, "95.01", 10)).isEmpty)
            #expect(summary(venue.run(Self.trade(2, "94.90", 10))) == ["#1 3@94.90"], "gapped: the print, not the trigger")
            let above = venue.run(Self.trade(3, "105.30", 10))
            #expect(fills(above).isEmpty, "triggered, but 105.30 is above the limit")
            #expect(last(2, above)?.triggered == true)
            #expect(summary(venue.run(Self.trade(4, "105.10", 10))) == ["#2 3@105.10"])
        }

        @Test func oneTradesSizeIsSharedByOrdersInSubmissionOrder() {
            var venue = Harness()
            venue.place(order(1, .buy, .market, 3))
            venue.place(order(2, .buy, .limit(px("101.00")), 3))
            let events = venue.run(Self.trade(1, "100.00", 4))
            #expect(summary(events) == ["#1 3@100.00", "#2 1@100.00"])
        }

        @Test func iocAndFokOnTrades() {
            var venue = Harness()
            venue.place(order(1, .buy, .market, 5, tif: .ioc))
            venue.place(order(2, .sell, .market, 5, tif: .fok))
            venue.place(order(3, .sell, .limit(px("99.00")), 2, tif: .fok))
            let events = venue.run(Self.trade(1, "100.00", 4))
            #expect(summary(events) == ["#1 4@100.00", "#3 2@100.00"])
            #expect(last(1, events)?.status == .canceled)
            #expect(last(1, events)?.reason?.code == OrderReasonCode.iocUnfilled)
            #expect(last(2, events)?.reason?.code == OrderReasonCode.fokUnfilled)
            #expect(last(2, events)?.filledQuantity == .zero)
            #expect(last(3, events)?.status == .filled)
        }

        @Test func dayOrderExpiresAtTheFirstTradeOfTheNextDay() {
            var venue = Harness()
            venue.place(order(1, .buy, .limit(px("99.00")), 1, tif: .day, createdAt: dayStart + 100), now: dayStart + 100)
            #expect(venue.run(Self.trade(86_399, "99.50", 1)).isEmpty)
            let events = venue.run(Self.trade(86_400, "98.00", 1))
            #expect(fills(events).isEmpty)
            #expect(last(1, events)?.status == .expired)
        }
    }
}
