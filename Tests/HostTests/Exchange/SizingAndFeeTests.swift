import Host
import Testing

extension ExchangeTests {
    @Suite("Sizing at the fill, commission and slippage")
    struct SizingAndFees {
        @Test func anEquityFractionOrderIsSizedWithTheOpenItFillsAt() {
            var venue = Harness()
            let sizer = FixedEquitySizer(equity: money("1000.00"))
            // Decided at bar 0's close (100.00, which would have bought 10).
            venue.place(sized(1, .buy, .market, .equityFraction(1)), now: at(1))
            let events = venue.run(bar(1, "120.00", "121.00", "119.00", "120.00"), sizer: sizer)
            #expect(summary(events) == ["#1 8@120.00"])
            #expect(last(1, events)?.quantity == lots(8))
            #expect(last(1, events)?.status == .filled)
        }

        @Test func anEquityFractionThatAffordsNothingIsRejectedAtItsFill() {
            var venue = Harness()
            venue.place(sized(1, .buy, .market, .equityFraction(0.5)), now: at(1))
            let events = venue.run(bar(1, "120.00", "121.00", "119.00", "120.00"),
                                   sizer: FixedEquitySizer(equity: money("239.99")))
            #expect(fills(events).isEmpty)
            #expect(last(1, events)?.status == .rejected)
            #expect(last(1, events)?.reason?.code == OrderReasonCode.insufficientEquity)
            #expect(!venue.exchange.hasWorkingOrders)
        }

        @Test func notionalOrdersBuyWhatTheNotionalAffordsAtTheFill() {
            var venue = Harness()
            venue.place(sized(1, .buy, .limit(px("31.00")), .notional(money("1000.00"))))
            venue.place(sized(2, .sell, .market, .notional(money("29.99"))))
            let events = venue.run(bar(1, "30.00", "30.50", "29.50", "30.00"))
            #expect(summary(events) == ["#1 33@30.00"])
            #expect(last(2, events)?.reason?.code == OrderReasonCode.notionalTooSmall)
        }

        @Test func anAllInBuyOnABookIsSizedAtTheWorstLevelItWouldReach() {
            var venue = Harness()
            venue.place(sized(1, .buy, .market, .equityFraction(1)))
            let book = BookSnapshot(time: dayStart + 1, bids: [], asks: [
                BookLevel(price: px("100.00"), quantity: lots(2)), BookLevel(price: px("100.50"), quantity: lots(2)),
                BookLevel(price: px("101.00"), quantity: lots(3)),
            ])
            // 500.00 buys 5 at 100.00, but 5 would reach 101.00, where 500.00 buys 4.
            let events = venue.run(book, sizer: FixedEquitySizer(equity: money("500.00")))
            #expect(summary(events) == ["#1 2@100.00", "#1 2@100.50"])
            #expect(last(1, events)?.filledNotional == money("401.00"))
        }

        @Test func theSizerKeepsNotionalPlusCommissionWithinTheBudget() {
            let commission = CommissionModel(hundredthsOfBasisPoint: 1_000, fixedPerOrder: money("2.00"))
            let sizer = FixedEquitySizer(equity: money("5000.00"), commission: commission)
            let any = order(1, .buy, .market, 1)
            // Budget 2500.00 less the fixed 2.00: 20 × 123.45 = 2469.00 + 2.469 fits, 21 does not.
            #expect(sizer.quantity(forEquityFraction: 0.5, side: .buy, price: px("123.45"), instrument: acme,
                                   order: any) == lots(20))
            #expect(commission.maximumQuantity(budget: money("2471.469"), price: px("123.45"), instrument: acme,
                                               includesFixedFee: false) == lots(20))
            #expect(commission.maximumQuantity(budget: money("2471.46899999"), price: px("123.45"), instrument: acme,
                                               includesFixedFee: false) == lots(19))
        }

        @Test func commissionAndSlippageRoundAgainstTheTrader() {
            let configuration = ExchangeConfiguration(
                commission: CommissionModel(hundredthsOfBasisPoint: 1_000),
                slippage: SlippageModel(hundredthsOfBasisPoint: 700))
            var venue = Harness(configuration)
            venue.place(order(1, .buy, .market, 12_345_678, symbol: "BTCUSD"))
            venue.place(order(2, .sell, .market, 12_345_678, symbol: "BTCUSD"))
            let events = venue.run(bar(1, "30000.01", "30100.00", "29900.00", "30050.00"), symbol: "BTCUSD")
            let buy = fills(events)[0]
            let sell = fills(events)[1]
            // 7 bps of 3,000,001 ticks is 2,100.0007 ticks: 2,101 against either side.
            #expect(buy.price == px("30021.02"))
            #expect(sell.price == px("29979.00"))
            // 30,021.02 × 0.12345678 = 3,706.2984615156 rounds (half even) to 3,706.29846152;
            // 10 bps of it is 3.706298461 52, charged as 3.70629847.
            #expect(buy.notional == money("3706.29846152"))
            #expect(buy.fee == money("3.70629847"))
            // 29,979.00 × 0.12345678 = 3,701.110807 62 exactly; 10 bps = 3.70111080762 → 3.70111081.
            #expect(sell.notional == money("3701.11080762"))
            #expect(sell.fee == money("3.70111081"))
        }

        @Test func modelsDescribeThemselvesForReports() {
            #expect("\(CommissionModel(hundredthsOfBasisPoint: 1_000))" == "10bp")
            #expect("\(CommissionModel(hundredthsOfBasisPoint: 250, fixedPerOrder: Money(1)))" == "2.5bp + 1.00000000 per order")
            #expect("\(CommissionModel.free)" == "0bp")
            #expect("\(SlippageModel(hundredthsOfBasisPoint: 1))" == "0.01bp")
        }

        @Test func slippageRoundsToTheTickAgainstTheTaker() {
            let slippage = SlippageModel(hundredthsOfBasisPoint: 1)  // 0.01 bp
            #expect(slippage.adjust(px("100.00"), side: .buy) == px("100.01"), "0.0001 ticks still costs one tick")
            #expect(slippage.adjust(px("100.00"), side: .sell) == px("99.99"))
            #expect(SlippageModel.none.adjust(px("100.00"), side: .buy) == px("100.00"))
        }
    }
}
