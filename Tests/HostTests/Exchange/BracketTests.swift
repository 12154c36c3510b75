import Host
import Testing

extension ExchangeTests {
    @Suite("Bracket orders")
    struct Brackets {
        /// Entry #1 buys `quantity` ACME (`entryType`), take-profit #2 sells at
        /// 110.00, stop-loss #3 sells on a stop at 95.00.
        static func submit(_ venue: inout Harness, entryType: OrderType = .market, quantity: Int64 = 10,
                           entryTIF: TimeInForce = .gtc) -> [ExchangeEvent] {
            venue.exchange.submitBracket(entry: order(1, .buy, entryType, quantity, tif: entryTIF),
                                         takeProfit: order(2, .sell, .limit(px("110.00")), 0),
                                         stopLoss: order(3, .sell, .stop(trigger: px("95.00")), 0),
                                         now: at(0))
        }

        @Test func submittingLinksTheLegsAndLeavesThemEmpty() {
            var venue = Harness()
            let events = Self.submit(&venue)
            #expect(events.map(\.order.id) == [1, 2, 3])
            #expect(events.allSatisfy { $0.order.status == .accepted })
            #expect(events[0].order.childIDs == [2, 3])
            #expect(events[1].order.parentID == 1 && events[2].order.parentID == 1)
            #expect(events[1].order.quantity == .zero && events[2].order.quantity == .zero)
            #expect(venue.exchange.openOrders(symbol: "ACME").count == 3)
        }

        @Test func legsAreDormantUntilTheEntryFillsAndDieWithAnUnfilledEntry() {
            var venue = Harness()
            _ = Self.submit(&venue, entryType: .limit(px("100.00")))
            // The take-profit's price trades; the entry's does not.
            #expect(venue.run(bar(1, "101.00", "112.00", "100.50", "105.00")).isEmpty)
            let events = venue.exchange.cancel(1, now: at(1), reason: OrderReason(code: .canceledByOwner, message: "changed my mind"))
            #expect(events.map(\.order.id) == [1, 3, 2])
            #expect(events.map(\.order.status) == [.canceled, .canceled, .canceled])
            #expect(events[0].order.reason?.code == .canceledByOwner)
            #expect(events[1].order.reason?.code == OrderReasonCode.parentCanceled)
            #expect(venue.exchange.openOrders(symbol: nil).isEmpty)
        }

        @Test func aFokEntryThatCannotFillTakesItsLegsWithIt() {
            var venue = Harness(ExchangeConfiguration(barVolumeParticipation: 0.1))
            _ = Self.submit(&venue, entryTIF: .fok)
            let events = venue.run(bar(1, "100.00", "101.00", "99.00", "100.00", volume: 50))
            #expect(events.map(\.order.reason?.code) ==
                    [OrderReasonCode.fokUnfilled, OrderReasonCode.parentCanceled, OrderReasonCode.parentCanceled])
        }

        @Test func legsAreSizedToTheEntrysFillsAndGrowWithThem() {
            var venue = Harness(ExchangeConfiguration(barVolumeParticipation: 0.1))
            _ = Self.submit(&venue, quantity: 25)
            let first = venue.run(bar(1, "100.00", "101.00", "99.00", "100.00", volume: 100))
            #expect(summary(first) == ["#1 10@100.00"])
            #expect(first.map(\.order.id) == [1, 3, 2], "the fill, then each leg resized")
            #expect(last(2, first)?.quantity == lots(10) && last(3, first)?.quantity == lots(10))
            let second = venue.run(bar(2, "100.00", "101.00", "99.00", "100.00", volume: 100))
            #expect(last(2, second)?.quantity == lots(20) && last(3, second)?.quantity == lots(20))
            let third = venue.run(bar(3, "100.00", "101.00", "99.00", "100.00", volume: 100))
            #expect(summary(third) == ["#1 5@100.00"])
            #expect(venue.exchange.order(2)?.quantity == lots(25))
            #expect(venue.exchange.order(3)?.quantity == lots(25))
        }

        @Test func aCompleteTakeProfitCancelsTheStopLoss() {
            var venue = Harness()
            _ = Self.submit(&venue)
            _ = venue.run(bar(1, "100.00", "101.00", "99.00", "100.00"))
            let events = venue.run(bar(2, "105.00", "111.00", "104.00", "110.50"))
            #expect(summary(events) == ["#2 10@110.00"])
            #expect(last(3, events)?.status == .canceled)
            #expect(last(3, events)?.reason?.code == OrderReasonCode.ocoCanceled)
            #expect(last(3, events)?.quantity == lots(10), "canceled as it stood")
            #expect(venue.exchange.openOrders(symbol: nil).isEmpty)
        }

        @Test func whenBothLegsCouldTriggerInOneBarTheStopLossWins() {
            var venue = Harness()
            _ = Self.submit(&venue)
            _ = venue.run(bar(1, "100.00", "101.00", "99.00", "100.00"))
            let events = venue.run(bar(2, "100.00", "111.00", "94.00", "100.00"))
            #expect(summary(events) == ["#3 10@95.00"])
            #expect(last(2, events)?.reason?.code == OrderReasonCode.ocoCanceled)
        }

        @Test func theStopLossIsCheckedAgainstTheRestOfTheEntrysBarButTheTakeProfitIsNot() {
            var venue = Harness()
            _ = Self.submit(&venue)
            let events = venue.run(bar(1, "100.00", "111.00", "94.00", "100.00"))
            #expect(summary(events) == ["#1 10@100.00", "#3 10@95.00"])
            #expect(events.map(\.order.id) == [1, 3, 2, 3, 2])
            #expect(last(2, events)?.status == .canceled)
        }

        @Test func theTakeProfitWaitsForTheBarAfterTheEntrysFill() {
            var venue = Harness()
            _ = Self.submit(&venue)
            // 111.00 trades in the entry's bar, but maybe before the entry filled.
            let first = venue.run(bar(1, "100.00", "111.00", "99.00", "105.00"))
            #expect(summary(first) == ["#1 10@100.00"])
            let second = venue.run(bar(2, "105.00", "111.00", "104.00", "110.00"))
            #expect(summary(second) == ["#2 10@110.00"])
        }

        @Test func aPartialLegFillShrinksTheOtherLeg() {
            var venue = Harness(ExchangeConfiguration(barVolumeParticipation: 0.1))
            _ = Self.submit(&venue)
            _ = venue.run(bar(1, "100.00", "101.00", "99.00", "100.00", volume: 100))
            // The stop-loss fills 5 of 10 (cap); the take-profit's 111.00 in the same bar does not count.
            let second = venue.run(bar(2, "100.00", "111.00", "94.00", "96.00", volume: 50))
            #expect(summary(second) == ["#3 5@95.00"])
            #expect(last(2, second)?.quantity == lots(5))
            #expect(last(2, second)?.status == .accepted)
            // The triggered stop-loss sells the rest at the next open and closes the bracket.
            let third = venue.run(bar(3, "96.00", "112.00", "95.50", "111.00", volume: 100))
            #expect(summary(third) == ["#3 5@96.00"])
            #expect(last(2, third)?.status == .canceled)
            #expect(last(3, third)?.filledQuantity == lots(10))
        }

        @Test func aLegThatClosesTheBracketCancelsTheRestOfTheEntry() {
            var venue = Harness(ExchangeConfiguration(barVolumeParticipation: 0.1))
            _ = Self.submit(&venue, entryType: .limit(px("100.00")), quantity: 30)
            #expect(summary(venue.run(bar(1, "99.50", "100.00", "99.00", "99.80", volume: 100))) == ["#1 10@99.50"])
            let events = venue.run(bar(2, "112.00", "113.00", "111.00", "112.50", volume: 100))
            #expect(summary(events) == ["#2 10@112.00"])
            #expect(last(1, events)?.status == .canceled)
            #expect(last(1, events)?.reason?.code == OrderReasonCode.ocoCanceled)
            #expect(last(1, events)?.filledQuantity == lots(10))
            #expect(venue.exchange.openOrders(symbol: nil).isEmpty)
        }

        @Test func cancelingAPartlyFilledEntryKeepsItsLegs() {
            var venue = Harness(ExchangeConfiguration(barVolumeParticipation: 0.1))
            _ = Self.submit(&venue, quantity: 30)
            _ = venue.run(bar(1, "100.00", "101.00", "99.00", "100.00", volume: 100))
            let events = venue.exchange.cancel(1, now: at(1), reason: OrderReason(code: .canceledByOwner, message: "enough"))
            #expect(events.map(\.order.id) == [1])
            #expect(venue.exchange.openOrders(symbol: "ACME").map(\.id) == [3, 2])
            #expect(venue.exchange.order(2)?.quantity == lots(10))
        }

        @Test func legsOnTheEntrysSideAreRejectedWithTheEntry() {
            var venue = Harness()
            let events = venue.exchange.submitBracket(
                entry: order(1, .buy, .market, 10), takeProfit: order(2, .buy, .limit(px("110.00")), 0),
                stopLoss: order(3, .sell, .stop(trigger: px("95.00")), 0), now: at(0))
            #expect(events.map(\.order.status) == [.rejected, .rejected, .rejected])
            #expect(events.allSatisfy { $0.order.reason?.code == OrderReasonCode.invalidBracket })
            #expect(venue.exchange.openOrders(symbol: nil).isEmpty)
        }
    }
}
