import Testing
@testable import Host

extension RiskTests {
    /// An order that breaks several limits is denied by the first in the
    /// documented order; repairing that limit reveals the next.
    @Suite struct CheckOrder {
        typealias F = RiskFixture

        /// The documented order after the quantity check (docs/risk.md).
        static let documentedOrder: [OrderReasonCode] = [
            .killSwitch, .halted, .outsideTradingWindow, .maxOrderQuantity, .maxOrderNotional, .priceCollar,
            .maxPosition, .maxGrossExposure, .maxOpenOrders, .orderRate, .dailyLoss,
        ]

        /// Checks a buy of 2 at 110.00 (last 100.00: 1,000 bps away, notional
        /// 220.00) with every limit broken except the first `repaired`.
        static func decision(repaired: Int) -> RiskDecision {
            func ok(_ code: OrderReasonCode) -> Bool { documentedOrder.firstIndex(of: code)! < repaired }
            let board = KillSwitchBoard()
            if !ok(.killSwitch) { board.engage(.deployment("dep-1")) }
            let limits = RiskLimits(
                maxOrderQuantity: .all(ok(.maxOrderQuantity) ? "2" : "1.99999999"),
                maxOrderNotional: ok(.maxOrderNotional) ? F.money("220") : F.money("219.99999999"),
                priceCollarBasisPoints: ok(.priceCollar) ? 1_000 : 999,
                maxPositionQuantity: .all(ok(.maxPosition) ? "2" : "1.99999999"),
                maxGrossExposure: ok(.maxGrossExposure) ? F.money("220") : F.money("219.99999999"),
                maxOpenOrders: 1,
                orderRate: OrderRateLimit(capacity: ok(.orderRate) ? 1 : 0, refillPerSecond: 0),
                dailyLossLimit: Money(100),
                tradingWindow: TradingWindow(weekdays: .everyDay, startMinute: ok(.outsideTradingWindow) ? 0 : 13 * 60,
                                             endMinute: 1_440))
            var engine = F.engine(limits, board: board)
            if !ok(.halted) { engine.state = .halted }
            // Start the session flat, then lose (or not) 100.
            _ = engine.evaluateLoss(account: F.account(now: F.time(hour: 0)))
            let account = F.account(now: F.time(hour: 12), openOrders: ok(.maxOpenOrders) ? 0 : 1,
                                    realized: ok(.dailyLoss) ? "0" : "-100")
            return engine.check(F.order(.buy, "2", .limit(F.price("110.00"))), account)
        }

        @Test func deniedByTheFirstBrokenLimitInOrder() {
            for (index, code) in Self.documentedOrder.enumerated() {
                expectDenied(Self.decision(repaired: index), code)
            }
            expectAccepted(Self.decision(repaired: Self.documentedOrder.count))
        }

        @Test func invalidQuantityComesBeforeTheKillSwitch() {
            let board = KillSwitchBoard()
            board.engage(.global)
            var engine = F.engine(board: board)
            expectDenied(engine.check(F.order(.buy, "0"), F.account()), .invalidQuantity)
            expectDenied(engine.check(F.order(.buy, "1"), F.account()), .killSwitch)
        }
    }

    /// Each check applies the tightest of the deployment's, the owner's and the
    /// global value; nil means no limit at that layer.
    @Suite struct LayeredLimits {
        typealias F = RiskFixture

        @Test func tightestNotionalWinsAndIsNamed() {
            var engine = F.engine(RiskLimits(maxOrderNotional: Money(10_000)), owner: RiskLimits(maxOrderNotional: Money(5_000)),
                                  global: RiskLimits(maxOrderNotional: Money(20_000)))
            expectAccepted(engine.check(F.order(.buy, "50"), F.account()))
            let reason = expectDenied(engine.check(F.order(.buy, "50.00000001"), F.account()),
                                      .maxOrderNotional, limit: "5000.00000000")
            #expect(reason?.message.contains("owner") == true)
        }

        @Test func tightestQuantityAcrossDefaultAndPerSymbolLayers() {
            var engine = F.engine(RiskLimits(maxOrderQuantity: .all("2")),
                                  global: RiskLimits(maxOrderQuantity: QuantityLimit(bySymbol: ["BTCUSD": "1"])))
            expectAccepted(engine.check(F.order(.buy, "1"), F.account()))
            let reason = expectDenied(engine.check(F.order(.buy, "1.00000001"), F.account()), .maxOrderQuantity, limit: "1")
            #expect(reason?.message.contains("global") == true)
        }

        @Test func tightestOfEachScalarLimit() {
            var engine = F.engine(RiskLimits(priceCollarBasisPoints: 100, maxOpenOrders: 9),
                                  owner: RiskLimits(priceCollarBasisPoints: 50),
                                  global: RiskLimits(maxOpenOrders: 4))
            expectAccepted(engine.check(F.order(.buy, "1", .limit(F.price("100.50"))), F.account(openOrders: 3)))
            expectDenied(engine.check(F.order(.buy, "1", .limit(F.price("100.51"))), F.account()), .priceCollar, limit: "50")
            expectDenied(engine.check(F.order(), F.account(openOrders: 4)), .maxOpenOrders, limit: "4")
        }

        /// With no limit at any layer only the defaults apply (docs/risk.md,
        /// "Defaults"); an account that reports no cash skips buying power.
        @Test func noLimitAtAnyLayerMeansOnlyTheDefaults() {
            var engine = F.engine()
            let huge = F.order(.buy, "1000000", .limit(F.price("1000000.00")))
            expectAccepted(engine.check(huge, F.account(openOrders: RiskDefaults.maxOpenOrders - 1, realized: "-90000000000")))
            expectDenied(engine.check(huge, F.account(openOrders: RiskDefaults.maxOpenOrders)), .maxOpenOrders,
                         limit: "\(RiskDefaults.maxOpenOrders)")
        }

        @Test func everyLayersTradingWindowMustBeOpen() {
            var engine = F.engine(RiskLimits(tradingWindow: TradingWindow(weekdays: .everyDay, startMinute: 0, endMinute: 1_440)),
                                  global: RiskLimits(tradingWindow: TradingWindow(weekdays: .mondayToFriday,
                                                                                   startMinute: 13 * 60 + 30, endMinute: 20 * 60)))
            expectAccepted(engine.check(F.order(), F.account(now: F.time(hour: 14))))
            let reason = expectDenied(engine.check(F.order(), F.account(now: F.time(hour: 12))), .outsideTradingWindow,
                                      limit: "Mon,Tue,Wed,Thu,Fri 13:30-20:00 UTC")
            #expect(reason?.message.contains("global") == true)
            // A window set only by the owner applies too.
            var ownerOnly = F.engine(owner: RiskLimits(tradingWindow: TradingWindow(weekdays: .everyDay, startMinute: 600,
                                                                                     endMinute: 660)))
            expectAccepted(ownerOnly.check(F.order(), F.account(now: F.time(hour: 10))))
            expectDenied(ownerOnly.check(F.order(), F.account(now: F.time(hour: 11))), .outsideTradingWindow,
                         limit: "Mon,Tue,Wed,Thu,Fri,Sat,Sun 10:00-11:00 UTC")
        }

        @Test func anOrderNeedsATokenFromEveryLayersBucket() {
            var engine = F.engine(RiskLimits(orderRate: OrderRateLimit(capacity: 5, refillPerSecond: 1)),
                                  owner: RiskLimits(orderRate: OrderRateLimit(capacity: 2, refillPerSecond: 10)))
            func at(_ milliseconds: Int64) -> RiskSnapshot { F.account(now: F.time() + milliseconds * 1_000_000) }
            expectAccepted(engine.check(F.order(), at(0)))
            expectAccepted(engine.check(F.order(), at(0)))
            #expect(expectDenied(engine.check(F.order(), at(0)), .orderRate)?.message.contains("owner") == true)
            expectAccepted(engine.check(F.order(), at(100)))
            expectAccepted(engine.check(F.order(), at(200)))
            expectAccepted(engine.check(F.order(), at(300)))   // deployment: 5 − 5 + 0.3 refilled, before this take 1.3
            let reason = expectDenied(engine.check(F.order(), at(400)), .orderRate, limit: "capacity 5, refill 1 per 1s")
            #expect(reason?.message.contains("deployment") == true)
        }

        @Test func changingLimitsTakesEffectOnTheNextOrder() {
            var engine = F.engine()
            expectAccepted(engine.check(F.order(), F.account(openOrders: 5)))
            engine.limits.owner.maxOpenOrders = 5
            expectDenied(engine.check(F.order(), F.account(openOrders: 5)), .maxOpenOrders, limit: "5")
            engine.limits.owner.maxOpenOrders = nil
            expectAccepted(engine.check(F.order(), F.account(openOrders: 5)))
        }
    }
}
