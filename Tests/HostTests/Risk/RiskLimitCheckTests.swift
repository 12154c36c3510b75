import Testing
@testable import Host

extension RiskTests {
    /// One test per limit: accepted exactly at (or just under) the limit,
    /// denied just over it, with the code and the exact limit text.
    @Suite struct LimitChecks {
        typealias F = RiskFixture

        @Test func quantityMustBePositive() {
            var engine = F.engine()
            expectDenied(engine.check(F.order(.buy, "0"), F.account()), .invalidQuantity)
            expectDenied(engine.check(F.order(.buy, "-0.00000001"), F.account()), .invalidQuantity)
            expectAccepted(engine.check(F.order(.buy, "0.00000001"), F.account()))
        }

        @Test func symbolMustMatchTheInstrument() {
            var engine = F.engine()
            expectDenied(engine.check(F.order(symbol: "ETHUSD"), F.account()), .instrumentMismatch)
        }

        @Test func tradingWindow() {
            let window = TradingWindow(weekdays: .mondayToFriday, startMinute: 13 * 60 + 30, endMinute: 20 * 60)
            var engine = F.engine(RiskLimits(tradingWindow: window))
            let limit = "Mon,Tue,Wed,Thu,Fri 13:30-20:00 UTC"
            expectAccepted(engine.check(F.order(), F.account(now: F.time(hour: 13, minute: 30))))
            expectAccepted(engine.check(F.order(), F.account(now: F.time(hour: 19, minute: 59, second: 59, nanosecond: 999_999_999))))
            expectDenied(engine.check(F.order(), F.account(now: F.time(hour: 13, minute: 29, second: 59, nanosecond: 999_999_999))),
                         .outsideTradingWindow, limit: limit)
            let reason = expectDenied(engine.check(F.order(), F.account(now: F.time(hour: 20))), .outsideTradingWindow, limit: limit)
            #expect(reason?.message.contains("Mon 20:00 UTC") == true)
            // Friday inside the hours, Saturday not.
            expectAccepted(engine.check(F.order(), F.account(now: F.time(day: 4, hour: 14))))
            expectDenied(engine.check(F.order(), F.account(now: F.time(day: 5, hour: 14))), .outsideTradingWindow, limit: limit)
        }

        @Test func overnightWindowBelongsToTheSessionThatOpenedIt() {
            let window = TradingWindow(weekdays: .mondayToFriday, startMinute: 22 * 60, endMinute: 6 * 60)
            var engine = F.engine(RiskLimits(tradingWindow: window))
            expectAccepted(engine.check(F.order(), F.account(now: F.time(day: 4, hour: 23))))        // Friday 23:00
            expectAccepted(engine.check(F.order(), F.account(now: F.time(day: 5, hour: 5, minute: 59)))) // Saturday 05:59
            expectDenied(engine.check(F.order(), F.account(now: F.time(day: 5, hour: 6))), .outsideTradingWindow)
            expectDenied(engine.check(F.order(), F.account(now: F.time(day: 0, hour: 5))), .outsideTradingWindow) // Monday 05:00: Sunday's
            expectDenied(engine.check(F.order(), F.account(now: F.time(day: 0, hour: 12))), .outsideTradingWindow)
        }

        @Test func maxOrderQuantity() {
            var engine = F.engine(RiskLimits(maxOrderQuantity: .all("1.5")))
            expectAccepted(engine.check(F.order(.buy, "1.5"), F.account()))
            expectAccepted(engine.check(F.order(.sell, "1.5"), F.account()))
            let reason = expectDenied(engine.check(F.order(.buy, "1.50000001"), F.account()), .maxOrderQuantity, limit: "1.5")
            #expect(reason?.message.contains("1.50000001") == true)
            #expect(reason?.message.contains("deployment") == true)
        }

        @Test func maxOrderQuantityPerSymbolOverridesTheDefault() {
            let limit = QuantityLimit(allSymbols: "10", bySymbol: ["BTCUSD": "0.25"])
            var engine = F.engine(RiskLimits(maxOrderQuantity: limit))
            expectAccepted(engine.check(F.order(.buy, "0.25"), F.account()))
            expectDenied(engine.check(F.order(.buy, "0.25000001"), F.account()), .maxOrderQuantity, limit: "0.25")
            let eth = Order(id: 2, symbol: "ETHUSD", side: .buy, type: .market, sizing: .quantity(F.quantity("10")),
                            quantity: F.quantity("10"), createdAt: 0)
            expectAccepted(engine.check(eth, instrument: F.eth, account: F.account()))
        }

        @Test func quantityLimitFinerThanTheLotRoundsDown() {
            // 0.000000015 is 1.5 lots of 10^-8: one lot passes, two do not.
            var engine = F.engine(RiskLimits(maxOrderQuantity: .all("0.000000015")))
            expectAccepted(engine.check(F.order(.buy, "0.00000001"), F.account()))
            expectDenied(engine.check(F.order(.buy, "0.00000002"), F.account()), .maxOrderQuantity, limit: "0.000000015")
        }

        @Test func maxOrderNotional() {
            var engine = F.engine(RiskLimits(maxOrderNotional: Money(10_000)))
            expectAccepted(engine.check(F.order(.buy, "100"), F.account()))   // 100 × 100.00 = 10,000
            let reason = expectDenied(engine.check(F.order(.buy, "100.00000001"), F.account()),
                                      .maxOrderNotional, limit: "10000.00000000")
            #expect(reason?.message.contains("10000.00000100") == true)
            // Limit orders are valued at their own price, market orders at the last price.
            expectDenied(engine.check(F.order(.buy, "100", .limit(F.price("100.01"))), F.account()), .maxOrderNotional)
            expectAccepted(engine.check(F.order(.buy, "100", .market), F.account(last: "100.00")))
            expectDenied(engine.check(F.order(.buy, "100", .market), F.account(last: "100.01")), .maxOrderNotional)
        }

        @Test func marketOrderWithoutLastPriceCannotBeValued() {
            var engine = F.engine(RiskLimits(maxOrderNotional: Money(10_000)))
            expectDenied(engine.check(F.order(.buy, "1", .market), F.account(last: nil)), .noReferencePrice)
            expectAccepted(engine.check(F.order(.buy, "1", .limit(F.price("100.00"))), F.account(last: nil)))
            var unlimited = F.engine()
            expectAccepted(unlimited.check(F.order(.buy, "1", .market), F.account(last: nil)))
        }

        @Test func priceCollar() {
            var engine = F.engine(RiskLimits(priceCollarBasisPoints: 500))
            expectAccepted(engine.check(F.order(.buy, "1", .limit(F.price("105.00"))), F.account()))
            expectAccepted(engine.check(F.order(.sell, "1", .limit(F.price("95.00"))), F.account()))
            let reason = expectDenied(engine.check(F.order(.buy, "1", .limit(F.price("105.01"))), F.account()),
                                      .priceCollar, limit: "500")
            #expect(reason?.message.contains("501.00 bps") == true)
            expectDenied(engine.check(F.order(.sell, "1", .limit(F.price("94.99"))), F.account()), .priceCollar, limit: "500")
            expectDenied(engine.check(F.order(.sell, "1", .stop(trigger: F.price("94.99"))), F.account()), .priceCollar)
            expectDenied(engine.check(F.order(.buy, "1", .stopLimit(trigger: F.price("100"), limit: F.price("105.01"))),
                                      F.account()), .priceCollar)
            // A market order has no price to collar.
            expectAccepted(engine.check(F.order(.buy, "1", .market), F.account()))
        }

        @Test func priceCollarNeedsALastPrice() {
            var engine = F.engine(RiskLimits(priceCollarBasisPoints: 500))
            expectDenied(engine.check(F.order(.buy, "1", .limit(F.price("100.00"))), F.account(last: nil)), .noReferencePrice)
            expectAccepted(engine.check(F.order(.buy, "1", .market), F.account(last: nil)))
        }

        @Test func maxPositionCountsOpenOrdersOnTheSameSide() {
            var engine = F.engine(RiskLimits(maxPositionQuantity: .all("2")))
            // Long 1, open buys 0.5: a buy of 0.5 reaches exactly 2.
            let account = F.account(position: "1", openBuy: "0.5", openSell: "5")
            expectAccepted(engine.check(F.order(.buy, "0.5"), account))
            let reason = expectDenied(engine.check(F.order(.buy, "0.50000001"), account), .maxPosition, limit: "2")
            #expect(reason?.message.contains("2.00000001") == true)
            // Short side: short 1, open sells 0.5.
            let short = F.account(position: "-1", openSell: "0.5")
            expectAccepted(engine.check(F.order(.sell, "0.5"), short))
            expectDenied(engine.check(F.order(.sell, "0.50000001"), short), .maxPosition, limit: "2")
        }

        @Test func positionAboveALoweredLimitCanStillBeReduced() {
            var engine = F.engine(RiskLimits(maxPositionQuantity: .all("2")))
            let account = F.account(position: "5")
            expectAccepted(engine.check(F.order(.sell, "1"), account))
            expectDenied(engine.check(F.order(.buy, "0.00000001"), account), .maxPosition)
        }

        @Test func maxGrossExposure() {
            var engine = F.engine(RiskLimits(maxGrossExposure: Money(100_000)))
            let account = F.account(gross: "90000")
            expectAccepted(engine.check(F.order(.buy, "100"), account))    // + 10,000.00
            let reason = expectDenied(engine.check(F.order(.buy, "100.00000001"), account),
                                      .maxGrossExposure, limit: "100000.00000000")
            #expect(reason?.message.contains("100000.00000100") == true)
            // Selling out of a long lowers exposure and passes.
            expectAccepted(engine.check(F.order(.sell, "150"), F.account(position: "200", gross: "200000")))
            // Market orders need the last price.
            expectDenied(engine.check(F.order(.buy, "1", .market), F.account(last: nil)), .noReferencePrice)
        }

        @Test func maxOpenOrders() {
            var engine = F.engine(RiskLimits(maxOpenOrders: 3))
            expectAccepted(engine.check(F.order(), F.account(openOrders: 2)))
            let reason = expectDenied(engine.check(F.order(), F.account(openOrders: 3)), .maxOpenOrders, limit: "3")
            #expect(reason?.message.contains("3 orders are open") == true)
        }

        @Test func orderRate() {
            var engine = F.engine(RiskLimits(orderRate: OrderRateLimit(capacity: 2, refillPerSecond: 1)))
            let now = F.time()
            expectAccepted(engine.check(F.order(), F.account(now: now)))
            expectAccepted(engine.check(F.order(), F.account(now: now)))
            expectDenied(engine.check(F.order(), F.account(now: now)), .orderRate, limit: "capacity 2, refill 1 per 1s")
        }

        @Test func dailyLoss() {
            var engine = F.engine(RiskLimits(dailyLossLimit: Money(1_000)))
            // The session starts at the first event of the day, flat.
            expectAccepted(engine.check(F.order(), F.account(now: F.time(hour: 0))))
            expectAccepted(engine.check(F.order(), F.account(realized: "-600", unrealized: "-399.99999999")))
            let reason = expectDenied(engine.check(F.order(), F.account(realized: "-600", unrealized: "-400")),
                                      .dailyLoss, limit: "1000.00000000")
            #expect(reason?.message.contains("-1000.00000000") == true)
        }
    }
}
