import Testing
@testable import Host

/// The pacer against a fake clock: deterministic, no real sleeping.
@Suite struct FeedPacerTests {
    final class FakeClock {
        var nanoseconds: UInt64 = 1_000_000_000
        var slept: [UInt64] = []
    }

    static func pacer(speed: Double, _ clock: FakeClock) -> FeedPacer {
        var pacer = FeedPacer(speed: speed)
        pacer.now = { clock.nanoseconds }
        pacer.sleep = { clock.slept.append($0); clock.nanoseconds += $0 }
        return pacer
    }

    @Test func timeSpentPublishingIsTakenFromTheSleepNotAddedToIt() {
        let clock = FakeClock()
        var pacer = Self.pacer(speed: 10, clock)
        pacer.wait(until: 100)                       // the schedule starts here
        for second in 101...110 {
            clock.nanoseconds += 30_000_000          // publishing one step costs 30 ms
            pacer.wait(until: Int64(second))
        }
        // Ten market seconds at 10× are one real second, publishing included.
        #expect(clock.nanoseconds == 2_000_000_000)
        #expect(clock.slept.allSatisfy { $0 == 70_000_000 })
    }

    @Test func aFeedFarBehindStartsANewScheduleInsteadOfFlooding() {
        let clock = FakeClock()
        var pacer = Self.pacer(speed: 1, clock)
        pacer.wait(until: 0)
        clock.nanoseconds += 5_000_000_000           // suspended for 5 s
        pacer.wait(until: 1)                         // 4 s late: no sleep, new origin
        #expect(clock.slept.isEmpty)
        pacer.wait(until: 2)                         // due 1 s after the new origin
        #expect(clock.slept == [1_000_000_000])
        pacer.wait(until: 2)                         // already due: no sleep
        #expect(clock.slept.count == 1)
    }
}
