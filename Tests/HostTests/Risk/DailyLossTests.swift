import Testing
@testable import Host

extension RiskTests {
    /// The daily loss limit, the halt it causes, and the UTC-day session.
    @Suite struct DailyLoss {
        typealias F = RiskFixture

        /// An engine with a 1,000 daily loss limit whose session started at
        /// Monday 00:00 with the account flat and P&L zero.
        static func startedEngine(board: KillSwitchBoard = KillSwitchBoard()) -> RiskEngine {
            var engine = F.engine(RiskLimits(dailyLossLimit: Money(1_000)), board: board)
            #expect(engine.evaluateLoss(account: F.account(now: F.time(hour: 0))) == nil)
            return engine
        }

        @Test func breachHaltsOnceAndLaterOrdersAreDenied() {
            var engine = Self.startedEngine()
            #expect(engine.evaluateLoss(account: F.account(hour: 1, unrealized: "-999.99999999")) == nil)
            #expect(engine.state == .active)
            let action = engine.evaluateLoss(account: F.account(hour: 2, unrealized: "-1000"))
            guard case .halt(let reason)? = action else {
                Issue.record("expected a halt, got \(String(describing: action))")
                return
            }
            #expect(reason.code == .dailyLoss)
            #expect(reason.limit == "1000.00000000")
            #expect(engine.state == .reducing)
            // Exactly once, even as the loss deepens or recovers.
            #expect(engine.evaluateLoss(account: F.account(hour: 3, unrealized: "-2000")) == nil)
            #expect(engine.evaluateLoss(account: F.account(hour: 4, unrealized: "0")) == nil)
            // Later orders that add exposure are denied for the rest of the session.
            expectDenied(engine.check(F.order(.buy, "1"), F.account(hour: 5)), .dailyLoss, limit: "1000.00000000")
            expectDenied(engine.check(F.order(.sell, "1"), F.account(hour: 23)), .dailyLoss)
        }

        @Test func breachNoticedByCheckIsStillReportedOnce() {
            var engine = Self.startedEngine()
            expectDenied(engine.check(F.order(), F.account(hour: 1, realized: "-1000")), .dailyLoss)
            #expect(engine.state == .reducing)
            #expect(engine.evaluateLoss(account: F.account(hour: 1, realized: "-1000"))?.isHalt == true)
            #expect(engine.evaluateLoss(account: F.account(hour: 1, realized: "-1000")) == nil)
        }

        @Test func exitsPassWhileLossHaltedButNotUnderTheKillSwitch() {
            let board = KillSwitchBoard()
            var engine = Self.startedEngine(board: board)
            #expect(engine.evaluateLoss(account: F.account(hour: 1, position: "2", unrealized: "-1500"))?.isHalt == true)
            let long = F.account(hour: 2, position: "2", openSell: "0.5", unrealized: "-1500")
            expectAccepted(engine.check(F.order(.sell, "1.5", .market), long))
            expectAccepted(engine.check(reduceOnly(F.order(.sell, "1")), long))
            // Would flip short once the open sell fills too.
            expectDenied(engine.check(F.order(.sell, "1.50000001"), long), .dailyLoss)
            expectDenied(engine.check(F.order(.buy, "0.1"), long), .dailyLoss)
            board.engage(.owner("alice"))
            expectDenied(engine.check(reduceOnly(F.order(.sell, "1")), long), .killSwitch)
            board.release(.owner("alice"))
            expectAccepted(engine.check(reduceOnly(F.order(.sell, "1")), long))
        }

        @Test func newUTCDayStartsANewSessionAndLiftsTheHalt() {
            var engine = Self.startedEngine()
            #expect(engine.evaluateLoss(account: F.account(hour: 23, realized: "-1200"))?.isHalt == true)
            expectDenied(engine.check(F.order(), F.account(now: F.time(hour: 23, minute: 59, second: 59, nanosecond: 999_999_999),
                                                          realized: "-1200")), .dailyLoss)
            // Tuesday 00:00: the baseline is the account as it is now (-1,200).
            let midnight = F.time(day: 1, hour: 0)
            #expect(engine.evaluateLoss(account: F.account(now: midnight, realized: "-1200")) == nil)
            #expect(engine.state == .active)
            #expect(engine.lossHalt == nil)
            #expect(engine.sessionStartNanoseconds == midnight)
            #expect(engine.sessionPnL(account: F.account(now: midnight, realized: "-1500")) == Money(-300))
            expectAccepted(engine.check(F.order(), F.account(now: midnight, realized: "-2199.99999999")))
            expectDenied(engine.check(F.order(), F.account(now: midnight + 1, realized: "-2200")), .dailyLoss)
            #expect(engine.evaluateLoss(account: F.account(now: midnight + 2, realized: "-2200"))?.isHalt == true)
        }

        @Test func sessionStartsWithTheFirstCheckOfTheDayToo() {
            var engine = F.engine(RiskLimits(dailyLossLimit: Money(1_000)))
            // First event on Wednesday: the account is already down 5,000 overall.
            expectAccepted(engine.check(F.order(), F.account(now: F.time(day: 2, hour: 9), realized: "-5000")))
            expectDenied(engine.check(F.order(), F.account(now: F.time(day: 2, hour: 10), realized: "-6000")), .dailyLoss)
        }

        @Test func operatorStatesAndTheLossHaltCombine() {
            var engine = Self.startedEngine()
            engine.state = .halted
            expectDenied(engine.check(F.order(.sell, "1"), F.account(position: "1")), .halted)
            engine.state = .reducing
            expectAccepted(engine.check(F.order(.sell, "1"), F.account(position: "1")))
            expectDenied(engine.check(F.order(.buy, "1"), F.account(position: "1")), .reducing)
            engine.state = .active
            _ = engine.evaluateLoss(account: F.account(hour: 13, realized: "-1000"))
            engine.state = .active   // cannot lift a loss halt
            #expect(engine.state == .reducing)
            engine.limits.deployment.dailyLossLimit = Money(5_000)
            engine.liftLossHalt()
            #expect(engine.state == .active)
            expectAccepted(engine.check(F.order(), F.account(hour: 14, realized: "-1000")))
            // A manual halt survives the new session; only the loss halt is lifted.
            engine.state = .halted
            expectDenied(engine.check(F.order(), F.account(now: F.time(day: 1))), .halted)
        }

        func reduceOnly(_ order: Order) -> Order {
            var order = order
            order.reduceOnly = true
            return order
        }
    }
}

extension RiskAction {
    var isHalt: Bool { if case .halt = self { true } else { false } }
}

extension RiskFixture {
    static func account(
        hour: Int64, position: String = "0", openSell: String = "0", realized: String = "0", unrealized: String = "0"
    ) -> RiskSnapshot {
        account(now: time(hour: hour), position: position, openSell: openSell, realized: realized, unrealized: unrealized)
    }
}
