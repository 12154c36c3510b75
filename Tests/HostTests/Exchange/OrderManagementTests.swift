import Host
import Testing

extension ExchangeTests {
    @Suite("Submit, cancel and replace")
    struct OrderManagement {
        @Test func submitAcceptsAndNeverFillsImmediately() {
            var venue = Harness()
            let placed = order(1, .buy, .market, 3)
            #expect(venue.exchange.submit(placed, now: at(0)) == [.orderUpdated(placed)])
            #expect(venue.exchange.order(1) == placed)
            #expect(venue.exchange.openOrders(symbol: "ACME") == [placed])
            #expect(venue.exchange.openOrders(symbol: "BTCUSD").isEmpty)
            #expect(venue.exchange.hasWorkingOrders)
        }

        @Test(arguments: [
            (order(1, .buy, .market, 1, symbol: "NOPE"), OrderReasonCode.unknownInstrument),
            (order(1, .buy, .market, 0), OrderReasonCode.invalidOrder),
            (order(1, .buy, .limit(Price(ticks: 0)), 1), OrderReasonCode.invalidOrder),
            (order(1, .sell, .stopLimit(trigger: px("1.00"), limit: Price(ticks: -1)), 1), OrderReasonCode.invalidOrder),
            (sized(1, .buy, .market, .equityFraction(1.5)), OrderReasonCode.invalidOrder),
            (sized(1, .buy, .market, .notional(.zero)), OrderReasonCode.invalidOrder),
        ])
        func submitRejectsWhatItCannotMatch(bad: Order, code: OrderReasonCode) {
            var venue = Harness()
            let events = venue.exchange.submit(bad, now: at(0))
            #expect(events.count == 1)
            #expect(events.first?.order.status == .rejected)
            #expect(events.first?.order.reason?.code == code)
            #expect(!venue.exchange.hasWorkingOrders)
        }

        @Test func aDuplicateIDIsRejectedAndTheWorkingOrderKept() {
            var venue = Harness()
            venue.place(order(7, .buy, .market, 1))
            let events = venue.exchange.submit(order(7, .sell, .market, 2), now: at(0))
            #expect(events.first?.order.reason?.code == OrderReasonCode.duplicateOrderID)
            #expect(venue.exchange.order(7)?.side == .buy)
        }

        @Test func cancelEndsTheOrderWithTheGivenReason() {
            var venue = Harness()
            venue.place(order(1, .buy, .limit(px("90.00")), 1))
            let reason = OrderReason(code: .killSwitch, message: "trading halted")
            let events = venue.exchange.cancel(1, now: at(0) + 10, reason: reason)
            #expect(events.count == 1)
            #expect(events[0].order.status == .canceled)
            #expect(events[0].order.reason == reason)
            #expect(events[0].order.updatedAt == at(0) + 10)
            #expect(venue.exchange.cancel(1, now: at(0) + 11, reason: reason).isEmpty, "already gone")
            #expect(venue.run(bar(1, "80.00", "80.00", "80.00", "80.00")).isEmpty)
        }

        @Test func cancelAllBySymbolLeavesOtherSymbols() {
            var venue = Harness()
            venue.place(order(1, .buy, .limit(px("90.00")), 1))
            venue.place(order(2, .buy, .limit(px("90.00")), 1, symbol: "BTCUSD"))
            venue.place(order(3, .sell, .limit(px("110.00")), 1))
            let reason = OrderReason(code: .squareOff, message: "end of session")
            #expect(venue.exchange.cancelAll(symbol: "ACME", now: at(0), reason: reason).map(\.order.id) == [1, 3])
            #expect(venue.exchange.openOrders(symbol: nil).map(\.id) == [2])
            #expect(venue.exchange.cancelAll(symbol: nil, now: at(0), reason: reason).map(\.order.id) == [2])
            #expect(!venue.exchange.hasWorkingOrders)
        }

        @Test func replaceKeepsTheIDAndTakesEffectFromTheNextEvent() throws {
            var venue = Harness()
            venue.place(order(1, .buy, .limit(px("90.00")), 4))
            // Replaced while handling bar 1, at its close.
            let replaced = try venue.exchange.replace(1, quantity: lots(6), type: .limit(px("99.00")), now: at(2)).get()
            #expect(replaced.count == 1)
            #expect(replaced[0].order.id == 1)
            #expect(replaced[0].order.quantity == lots(6))
            #expect(replaced[0].order.type == .limit(px("99.00")))
            // Bar 1, the one the replace reacted to, is not matched against even if delivered again.
            #expect(venue.run(bar(1, "98.00", "98.00", "98.00", "98.00")).isEmpty)
            #expect(summary(venue.run(bar(2, "98.50", "99.50", "98.00", "99.00"))) == ["#1 6@98.50"])
        }

        @Test func replaceRefusesWhatTheOrderCannotTake() {
            var venue = Harness(ExchangeConfiguration(barVolumeParticipation: 0.1))
            venue.place(order(1, .buy, .market, 20))
            _ = venue.run(bar(1, "100.00", "100.00", "100.00", "100.00", volume: 50))
            #expect(venue.exchange.order(1)?.filledQuantity == lots(5))
            let tooSmall = venue.exchange.replace(1, quantity: lots(5), type: nil, now: at(2))
            #expect(tooSmall.failureCode == OrderReasonCode.invalidReplace)
            let badPrice = venue.exchange.replace(1, quantity: nil, type: .limit(.zero), now: at(2))
            #expect(badPrice.failureCode == OrderReasonCode.invalidReplace)
            let unknown = venue.exchange.replace(99, quantity: lots(1), type: nil, now: at(2))
            #expect(unknown.failureCode == OrderReasonCode.unknownOrder)
            #expect(venue.exchange.order(1)?.quantity == lots(20), "a refused replace changes nothing")
            // Shrinking to just above what has filled is fine.
            let shrunk = venue.exchange.replace(1, quantity: lots(6), type: nil, now: at(2))
            #expect(shrunk.failureCode == nil)
            #expect(summary(venue.run(bar(2, "101.00", "101.00", "101.00", "101.00", volume: 50))) == ["#1 1@101.00"])
        }

        @Test func aBracketLegsQuantityCannotBeReplacedButItsPriceCan() throws {
            var venue = Harness()
            _ = venue.exchange.submitBracket(entry: order(1, .buy, .market, 10),
                                             takeProfit: order(2, .sell, .limit(px("110.00")), 0),
                                             stopLoss: order(3, .sell, .stop(trigger: px("95.00")), 0), now: at(0))
            #expect(venue.exchange.replace(3, quantity: lots(4), type: nil, now: at(0)).failureCode
                    == OrderReasonCode.invalidReplace)
            #expect(venue.exchange.replace(3, quantity: nil, type: .limit(px("95.00")), now: at(0)).failureCode
                    == OrderReasonCode.invalidReplace, "a stop-loss stays a stop")
            _ = try venue.exchange.replace(3, quantity: nil, type: .stop(trigger: px("98.00")), now: at(0)).get()
            _ = venue.run(bar(1, "100.00", "101.00", "99.00", "100.00"))
            let events = venue.run(bar(2, "99.00", "99.50", "97.00", "98.00"))
            #expect(summary(events) == ["#3 10@98.00"])
        }

        @Test func movingAStopsTriggerRequiresTheNewTriggerToTrade() throws {
            var venue = Harness()
            venue.place(order(1, .buy, .stopLimit(trigger: px("105.00"), limit: px("104.00")), 1))
            _ = venue.run(bar(1, "100.00", "106.00", "99.00", "105.00"))
            #expect(venue.exchange.order(1)?.triggered == true)
            let same = try venue.exchange.replace(1, quantity: nil, type: .stopLimit(trigger: px("105.00"), limit: px("103.00")),
                                                  now: at(2)).get()
            #expect(same[0].order.triggered == true, "same trigger: still triggered")
            let moved = try venue.exchange.replace(1, quantity: nil, type: .stopLimit(trigger: px("107.00"), limit: px("103.00")),
                                                   now: at(2)).get()
            #expect(moved[0].order.triggered == false)
            // 102.00 would fill a triggered limit at 103.00; the new trigger has not traded.
            #expect(venue.run(bar(2, "102.00", "102.50", "101.00", "102.00")).isEmpty)
        }
    }
}

fileprivate extension Result where Failure == ExchangeError {
    var failureCode: OrderReasonCode? {
        if case .failure(let error) = self { return error.code }
        return nil
    }
}
