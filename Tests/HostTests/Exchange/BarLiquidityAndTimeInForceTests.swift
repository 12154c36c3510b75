import Host
import Testing

extension ExchangeTests {
    @Suite("Bar volume cap and time in force")
    struct BarLiquidityAndTimeInForce {
        static let tenPercent = ExchangeConfiguration(
            commission: CommissionModel(hundredthsOfBasisPoint: 0, fixedPerOrder: Money(1)),
            barVolumeParticipation: 0.1)

        @Test func volumeCapSpreadsAnOrderAcrossBars() {
            var venue = Harness(Self.tenPercent)
            venue.place(order(1, .buy, .market, 25))
            let first = venue.run(bar(1, "100.00", "101.00", "99.00", "100.00", volume: 100))
            let second = venue.run(bar(2, "101.00", "102.00", "100.00", "101.00", volume: 129))
            let third = venue.run(bar(3, "102.00", "103.00", "101.00", "102.00", volume: 50))
            #expect(summary(first) == ["#1 10@100.00"])
            #expect(summary(second) == ["#1 12@101.00"], "10% of 129 lots rounds down to 12")
            #expect(summary(third) == ["#1 3@102.00"], "only the remainder, though the cap is 5")
            #expect(last(1, first)?.status == .partiallyFilled)
            #expect(last(1, second)?.status == .partiallyFilled)
            #expect(last(1, third)?.status == .filled)
            #expect(fills(first + second + third).map(\.fee) == [Money(1), .zero, .zero],
                    "the fixed fee is charged on the first fill only")
            #expect(last(1, third)?.filledNotional == money("2518.00"))
        }

        @Test func aCapOfZeroLotsFillsNothingInThatBar() {
            var venue = Harness(Self.tenPercent)
            venue.place(order(1, .buy, .limit(px("100.00")), 5))
            #expect(venue.run(bar(1, "99.00", "99.50", "98.00", "99.00", volume: 9)).isEmpty)
            #expect(venue.exchange.order(1)?.filledQuantity == .zero)
            #expect(summary(venue.run(bar(2, "99.00", "99.50", "98.00", "99.00", volume: 10))) == ["#1 1@99.00"])
        }

        @Test func aTriggeredStopLeftOverByTheCapContinuesAsAMarketOrder() {
            var venue = Harness(Self.tenPercent)
            venue.place(order(1, .sell, .stop(trigger: px("95.00")), 15))
            let first = venue.run(bar(1, "100.00", "100.00", "94.00", "96.00", volume: 100))
            #expect(summary(first) == ["#1 10@95.00"])
            // Next bar opens above the trigger: a triggered stop no longer needs it.
            let second = venue.run(bar(2, "97.00", "98.00", "96.50", "97.50", volume: 100))
            #expect(summary(second) == ["#1 5@97.00"])
        }

        @Test func dayOrdersExpireAtTheFirstBarOfALaterUTCDayBeforeMatching() {
            var venue = Harness()
            let lastHour = dayStart + 23 * hour
            venue.place(order(1, .buy, .limit(px("100.00")), 1, tif: .day, createdAt: at(10)), now: at(10))
            venue.place(order(2, .buy, .market, 1, tif: .day, createdAt: lastHour), now: lastHour)
            #expect(venue.run(bar(22, "101.00", "101.00", "100.50", "101.00")).isEmpty)
            // The next day's first bar would fill both; they expire first.
            let events = venue.run(bar(24, "99.00", "99.50", "98.00", "99.00"))
            #expect(fills(events).isEmpty)
            #expect(last(1, events)?.status == .expired)
            #expect(last(1, events)?.reason?.code == OrderReasonCode.dayExpired)
            #expect(last(2, events)?.status == .expired)
            #expect(venue.exchange.openOrders(symbol: nil).isEmpty)
        }

        @Test func dayOrdersFillOnTheirOwnDay() {
            var venue = Harness()
            venue.place(order(1, .buy, .market, 1, tif: .day, createdAt: at(3)), now: at(3))
            #expect(summary(venue.run(bar(4, "99.00", "99.50", "98.00", "99.00"))) == ["#1 1@99.00"])
        }

        @Test func iocFillsWhatTheBarAllowsAndCancelsTheRest() {
            var venue = Harness(Self.tenPercent)
            venue.place(order(1, .buy, .market, 25, tif: .ioc))
            let events = venue.run(bar(1, "100.00", "101.00", "99.00", "100.00", volume: 100))
            #expect(summary(events) == ["#1 10@100.00"])
            #expect(last(1, events)?.status == .canceled)
            #expect(last(1, events)?.reason?.code == OrderReasonCode.iocUnfilled)
            #expect(last(1, events)?.filledQuantity == lots(10))
        }

        @Test func iocLimitThatDoesNotCrossAtTheNextBarIsCanceled() {
            var venue = Harness()
            venue.place(order(1, .buy, .limit(px("98.00")), 5, tif: .ioc))
            let events = venue.run(bar(1, "100.00", "101.00", "99.00", "100.00"))
            #expect(events.count == 1)
            #expect(last(1, events)?.status == .canceled)
            #expect(last(1, events)?.reason?.code == OrderReasonCode.iocUnfilled)
        }

        @Test func iocStopWaitsForItsTriggerThenGetsOneChance() {
            var venue = Harness(Self.tenPercent)
            venue.place(order(1, .buy, .stop(trigger: px("105.00")), 25, tif: .ioc))
            #expect(venue.run(bar(1, "100.00", "101.00", "99.00", "100.00", volume: 100)).isEmpty)
            let events = venue.run(bar(2, "104.00", "106.00", "103.00", "105.00", volume: 100))
            #expect(summary(events) == ["#1 10@105.00"])
            #expect(last(1, events)?.status == .canceled)
        }

        @Test func fokCanceledWhenTheCapIsBelowItsQuantity() {
            var venue = Harness(Self.tenPercent)
            venue.place(order(1, .buy, .market, 11, tif: .fok))
            venue.place(order(2, .buy, .market, 10, tif: .fok))
            let events = venue.run(bar(1, "100.00", "101.00", "99.00", "100.00", volume: 100))
            #expect(summary(events) == ["#2 10@100.00"])
            #expect(last(1, events)?.status == .canceled)
            #expect(last(1, events)?.reason?.code == OrderReasonCode.fokUnfilled)
            #expect(last(1, events)?.filledQuantity == .zero)
            #expect(last(2, events)?.status == .filled)
        }

        @Test func fokLimitThatDoesNotCrossIsCanceled() {
            var venue = Harness()
            venue.place(order(1, .sell, .limit(px("102.00")), 1, tif: .fok))
            let events = venue.run(bar(1, "100.00", "101.99", "99.00", "100.00"))
            #expect(last(1, events)?.reason?.code == OrderReasonCode.fokUnfilled)
            #expect(venue.exchange.openOrders(symbol: "ACME").isEmpty)
        }
    }
}
