import Testing
@testable import Host
import Sandbox

/// The strategy's timers as a plain value, without a Lua state.
@Suite struct TimerScheduleTests {
    @Test func aOneShotTimerFiresOnceAtItsTime() throws {
        var schedule = TimerSchedule()
        try schedule.add(name: "once", seconds: 60, repeating: false, now: 1_000)
        let early = schedule.takeNext(dueBy: 1_059)
        #expect(early == nil, "not due yet")
        let onTime = schedule.takeNext(dueBy: 1_060)
        #expect(onTime?.due == 1_060)
        let later = schedule.takeNext(dueBy: 9_999)
        #expect(later == nil, "fired once")
        #expect(schedule.isEmpty)
    }

    @Test func secondsRoundUpAndAreRangeChecked() throws {
        var schedule = TimerSchedule()
        try schedule.add(name: "t", seconds: 1.2, repeating: false, now: 0)
        #expect(schedule.records.map(\.due) == [2])
        #expect(throws: HostCallError.self) { try schedule.add(name: "t", seconds: 0.5, repeating: false, now: 0) }
        #expect(throws: HostCallError.self) { try schedule.add(name: "t", seconds: .nan, repeating: false, now: 0) }
        #expect(throws: HostCallError.self) { try schedule.add(name: "t", seconds: 367 * 86_400, repeating: false, now: 0) }
    }

    @Test func dueTimersComeEarliestFirstThenByName() throws {
        var schedule = TimerSchedule()
        try schedule.add(name: "b", seconds: 10, repeating: false, now: 0)
        try schedule.add(name: "a", seconds: 10, repeating: false, now: 0)
        try schedule.add(name: "c", seconds: 5, repeating: false, now: 0)
        var fired: [String] = []
        while let timer = schedule.takeNext(dueBy: 100) { fired.append(timer.name) }
        #expect(fired == ["c", "a", "b"])
    }

    @Test func aRepeatingTimerFiresOncePerCallAndStaysOnItsGrid() throws {
        var schedule = TimerSchedule()
        try schedule.add(name: "tick", seconds: 10, repeating: true, now: 0)
        let first = schedule.takeNext(dueBy: 10)
        #expect(first?.due == 10)
        #expect(schedule.records.first?.due == 20)
        // A gap in the data: several periods missed, one firing, next on the grid after the gap.
        let afterGap = schedule.takeNext(dueBy: 45)
        #expect(afterGap?.due == 20)
        let again = schedule.takeNext(dueBy: 45)
        #expect(again == nil)
        #expect(schedule.records.first?.due == 50)
    }

    @Test func settingANameAgainReplacesIt() throws {
        var schedule = TimerSchedule()
        try schedule.add(name: "t", seconds: 10, repeating: false, now: 0)
        try schedule.add(name: "t", seconds: 30, repeating: true, now: 0)
        #expect(schedule.records == [TimerRecord(name: "t", due: 30, interval: 30)])
    }

    @Test func cancelRemovesOnlyTheNamedTimer() throws {
        var schedule = TimerSchedule()
        try schedule.add(name: "a", seconds: 10, repeating: false, now: 0)
        try schedule.add(name: "b", seconds: 10, repeating: false, now: 0)
        let canceled = schedule.cancel(name: "a")
        let canceledAgain = schedule.cancel(name: "a")
        #expect(canceled)
        #expect(!canceledAgain, "already gone")
        #expect(schedule.records.map(\.name) == ["b"])
    }

    @Test func atMostTheLimitOfTimers() throws {
        var schedule = TimerSchedule()
        for index in 0..<TimerSchedule.limit { try schedule.add(name: "t\(index)", seconds: 10, repeating: false, now: 0) }
        #expect(throws: HostCallError.self) { try schedule.add(name: "one more", seconds: 10, repeating: false, now: 0) }
        try schedule.add(name: "t0", seconds: 20, repeating: false, now: 0)  // replacing one is fine
    }

    @Test func theCheckpointFormRoundTripsInOrder() throws {
        var schedule = TimerSchedule()
        try schedule.add(name: "z", seconds: 10, repeating: true, now: 5)
        try schedule.add(name: "a", seconds: 20, repeating: false, now: 5)
        let restored = TimerSchedule(records: schedule.records)
        #expect(restored == schedule)
        #expect(restored.records == [TimerRecord(name: "z", due: 15, interval: 10), TimerRecord(name: "a", due: 25, interval: nil)])
    }
}
