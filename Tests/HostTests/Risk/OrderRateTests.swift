import Testing
@testable import Host

extension RiskTests {
    /// The order-rate token bucket runs on the caller's clock (a manual clock
    /// here), never the wall clock.
    @Suite struct OrderRate {
        typealias F = RiskFixture

        /// A manual clock: nanoseconds the test advances by hand.
        struct ManualClock {
            var now = RiskFixture.time()
            mutating func advance(seconds: Int64 = 0, nanoseconds: Int64 = 0) {
                now += seconds * RiskFixture.nanosecondsPerSecond + nanoseconds
            }
            var account: RiskSnapshot { RiskFixture.account(now: now) }
        }

        static let limitText = "capacity 3, refill 2 per 1s"

        @Test func refillsContinuouslyOnTheInjectedClock() {
            var engine = F.engine(RiskLimits(orderRate: OrderRateLimit(capacity: 3, refillPerSecond: 2)))
            var clock = ManualClock()
            for _ in 0..<3 { expectAccepted(engine.check(F.order(), clock.account)) }
            expectDenied(engine.check(F.order(), clock.account), .orderRate, limit: Self.limitText)
            // One token takes 0.5 s at 2 per second.
            clock.advance(nanoseconds: 499_999_999)
            expectDenied(engine.check(F.order(), clock.account), .orderRate, limit: Self.limitText)
            clock.advance(nanoseconds: 1)
            expectAccepted(engine.check(F.order(), clock.account))
            expectDenied(engine.check(F.order(), clock.account), .orderRate)
            // A long pause refills only up to the capacity.
            clock.advance(seconds: 3_600)
            for _ in 0..<3 { expectAccepted(engine.check(F.order(), clock.account)) }
            expectDenied(engine.check(F.order(), clock.account), .orderRate)
        }

        @Test func slowRatesAreExact() {
            // One order per 10 seconds, no burst.
            var engine = F.engine(RiskLimits(orderRate: OrderRateLimit(capacity: 1, refillTokens: 1, everySeconds: 10)))
            var clock = ManualClock()
            expectAccepted(engine.check(F.order(), clock.account))
            clock.advance(seconds: 9, nanoseconds: 999_999_999)
            expectDenied(engine.check(F.order(), clock.account), .orderRate, limit: "capacity 1, refill 1 per 10s")
            clock.advance(nanoseconds: 1)
            expectAccepted(engine.check(F.order(), clock.account))
        }

        @Test func deniedOrdersDoNotSpendTokens() {
            var engine = F.engine(RiskLimits(maxOpenOrders: 1, orderRate: OrderRateLimit(capacity: 1, refillPerSecond: 0)))
            let clock = ManualClock()
            for _ in 0..<5 {
                expectDenied(engine.check(F.order(), F.account(now: clock.now, openOrders: 1)), .maxOpenOrders)
            }
            expectAccepted(engine.check(F.order(), clock.account))
            expectDenied(engine.check(F.order(), clock.account), .orderRate)
        }

        @Test func aClockThatGoesBackNeitherRefillsNorDrains() {
            var engine = F.engine(RiskLimits(orderRate: OrderRateLimit(capacity: 2, refillPerSecond: 1)))
            var clock = ManualClock()
            expectAccepted(engine.check(F.order(), clock.account))
            // Five seconds earlier: the one token left is still there, and no more.
            clock.advance(seconds: -5)
            expectAccepted(engine.check(F.order(), clock.account))
            expectDenied(engine.check(F.order(), clock.account), .orderRate)
            // Refill counts from the latest time seen: one second after it, one token.
            clock.advance(seconds: 5)
            expectDenied(engine.check(F.order(), clock.account), .orderRate)
            clock.advance(seconds: 1)
            expectAccepted(engine.check(F.order(), clock.account))
            expectDenied(engine.check(F.order(), clock.account), .orderRate)
        }

        @Test func unchangedRateKeepsItsBucketWhenOtherLimitsChange() {
            var engine = F.engine(RiskLimits(orderRate: OrderRateLimit(capacity: 1, refillPerSecond: 0)))
            let clock = ManualClock()
            expectAccepted(engine.check(F.order(), clock.account))
            engine.limits.deployment.maxOpenOrders = 10
            expectDenied(engine.check(F.order(), clock.account), .orderRate)
            engine.limits.deployment.orderRate = OrderRateLimit(capacity: 2, refillPerSecond: 0)
            expectAccepted(engine.check(F.order(), clock.account))
        }
    }
}
