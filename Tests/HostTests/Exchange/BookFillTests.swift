import Host
import Testing

extension ExchangeTests {
    @Suite("Order-book fills")
    struct BookFills {
        /// Bids 99.90×3, 99.80×4, 99.50×10; asks 100.00×2, 100.50×2, 101.00×3.
        static func book(_ seconds: Int64 = 1) -> BookSnapshot {
            BookSnapshot(
                time: dayStart + seconds,
                bids: [BookLevel(price: px("99.90"), quantity: lots(3)), BookLevel(price: px("99.80"), quantity: lots(4)),
                       BookLevel(price: px("99.50"), quantity: lots(10))],
                asks: [BookLevel(price: px("100.00"), quantity: lots(2)), BookLevel(price: px("100.50"), quantity: lots(2)),
                       BookLevel(price: px("101.00"), quantity: lots(3))])
        }

        @Test func marketBuyWalksTheAsksOneFillPerLevel() {
            let commission = CommissionModel(hundredthsOfBasisPoint: 1_000, fixedPerOrder: money("0.50"))
            var venue = Harness(ExchangeConfiguration(commission: commission,
                                                      slippage: SlippageModel(hundredthsOfBasisPoint: 1_000)))
            venue.place(order(1, .buy, .market, 5))
            let events = venue.run(Self.book())
            #expect(summary(events) == ["#1 2@100.00", "#1 2@100.50", "#1 1@101.00"], "no slippage on a book walk")
            // 10 bps of 200.00, 201.00 and 101.00, plus 0.50 once.
            #expect(fills(events).map(\.fee) == [money("0.70"), money("0.201"), money("0.101")])
            #expect(events.map(\.order.status) == [.partiallyFilled, .partiallyFilled, .filled])
            #expect(last(1, events)?.filledNotional == money("502.00"))
        }

        @Test func marketSellWalksTheBids() {
            var venue = Harness()
            venue.place(order(1, .sell, .market, 8))
            #expect(summary(venue.run(Self.book())) == ["#1 3@99.90", "#1 4@99.80", "#1 1@99.50"])
        }

        @Test func theRemainderOfAGtcOrderWaitsAndEachSnapshotIsFreshLiquidity() {
            var venue = Harness()
            venue.place(order(1, .buy, .market, 10))
            let first = venue.run(Self.book(1))
            #expect(fills(first).map(\.quantity.lots).reduce(0, +) == 7)
            #expect(last(1, first)?.status == .partiallyFilled)
            // The same depth is offered again: what was taken is not remembered.
            #expect(summary(venue.run(Self.book(2))) == ["#1 2@100.00", "#1 1@100.50"])
        }

        @Test func iocTakesTheDepthAndCancelsTheRest() {
            var venue = Harness()
            venue.place(order(1, .buy, .market, 10, tif: .ioc))
            let events = venue.run(Self.book())
            #expect(summary(events) == ["#1 2@100.00", "#1 2@100.50", "#1 3@101.00"])
            #expect(last(1, events)?.status == .canceled)
            #expect(last(1, events)?.reason?.code == OrderReasonCode.iocUnfilled)
        }

        @Test func fokFillsAcrossLevelsOnlyWhenTheWholeQuantityIsThere() {
            var venue = Harness()
            venue.place(order(1, .buy, .market, 8, tif: .fok))
            venue.place(order(2, .sell, .limit(px("99.80")), 7, tif: .fok))
            venue.place(order(3, .sell, .limit(px("99.80")), 1, tif: .fok))
            let events = venue.run(Self.book())
            // 1: 7 asks < 8. 2: 7 bids at or above 99.80 fill it. 3: those 7 are taken now.
            #expect(summary(events) == ["#2 3@99.90", "#2 4@99.80"])
            #expect(last(1, events)?.reason?.code == OrderReasonCode.fokUnfilled)
            #expect(last(1, events)?.filledQuantity == .zero)
            #expect(last(3, events)?.reason?.code == OrderReasonCode.fokUnfilled)
        }

        @Test func limitTakesOnlyLevelsAtOrBetterThanItsLimitAndRests() {
            var venue = Harness()
            venue.place(order(1, .buy, .limit(px("100.50")), 6))
            let events = venue.run(Self.book())
            #expect(summary(events) == ["#1 2@100.00", "#1 2@100.50"])
            #expect(venue.exchange.order(1)?.remainingQuantity == lots(2))
            #expect(venue.exchange.order(1)?.status == .partiallyFilled)
        }

        @Test func ordersShareOneSnapshotsDepthInPriority() {
            var venue = Harness()
            venue.place(order(1, .buy, .market, 3))
            venue.place(order(2, .buy, .limit(px("100.50")), 3))
            let events = venue.run(Self.book())
            #expect(summary(events) == ["#1 2@100.00", "#1 1@100.50", "#2 1@100.50"])
        }

        @Test func stopsTriggerOnTheTouch() {
            var venue = Harness()
            venue.place(order(1, .buy, .stop(trigger: px("100.00")), 1))
            venue.place(order(2, .buy, .stop(trigger: px("100.01")), 1))
            venue.place(order(3, .sell, .stop(trigger: px("99.90")), 1))
            let events = venue.run(Self.book())
            #expect(summary(events) == ["#1 1@100.00", "#3 1@99.90"])
            #expect(venue.exchange.openOrders(symbol: "ACME").map(\.id) == [2])
        }

        @Test func anEmptySideFillsNothingAndEndsAnIoc() {
            var venue = Harness()
            venue.place(order(1, .buy, .market, 1, tif: .ioc))
            venue.place(order(2, .buy, .market, 1))
            let events = venue.run(BookSnapshot(time: dayStart + 1, bids: Self.book().bids, asks: []))
            #expect(fills(events).isEmpty)
            #expect(last(1, events)?.status == .canceled)
            #expect(venue.exchange.order(2)?.status == .accepted)
        }

        @Test func dayOrderExpiresAtTheNextDaysSnapshot() {
            var venue = Harness()
            venue.place(order(1, .buy, .market, 1, tif: .day))
            let events = venue.run(Self.book(86_400))
            #expect(fills(events).isEmpty)
            #expect(last(1, events)?.status == .expired)
        }
    }
}
