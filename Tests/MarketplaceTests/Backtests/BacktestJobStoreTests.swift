import Foundation
import Host
import Testing
@testable import Marketplace

/// The stored backtest jobs: the per-user limit holds under concurrent
/// submissions, old finished jobs are pruned, ids never repeat, and a
/// restart fails what was left unfinished.
@Suite struct BacktestJobStoreTests {
    @Test func theLimitHoldsUnderTwentyConcurrentSubmissions() throws {
        let fixture = try StoreFixture()
        let alice = try fixture.user("alice").id
        let store = fixture.store
        let accepted = Counter(0)
        let refused = Counter(0)
        DispatchQueue.concurrentPerform(iterations: 20) { _ in
            do {
                _ = try store.createBacktestJob(owner: alice, strategy: StrategyID(1), version: VersionID(1), parameters: [:],
                                                maximumUnfinished: 3, keepFinished: 20)
                accepted.add(1)
            } catch StoreError.quotaExceeded(_, let limit) where limit == 3 {
                refused.add(1)
            } catch {
                Issue.record("unexpected: \(error)")
            }
        }
        #expect(accepted.value == 3 && refused.value == 17)
        #expect(try store.backtestJobs(of: alice).count == 3)
    }

    @Test func finishedJobsArePrunedAndIdsNeverRepeat() throws {
        let fixture = try StoreFixture()
        let alice = try fixture.user("alice").id
        var ids: [Int64] = []
        for _ in 0..<6 {
            let job = try fixture.store.createBacktestJob(owner: alice, strategy: StrategyID(1), version: VersionID(1),
                                                          parameters: ["fast": .integer(5)], maximumUnfinished: 3, keepFinished: 2)
            try fixture.store.startBacktestJob(job.id)
            try fixture.store.finishBacktestJob(job.id, .failure(BacktestJobFailure("boom")))
            ids.append(job.id)
        }
        // Each insert keeps the 2 newest finished ones; the new one joins them.
        let kept = try fixture.store.backtestJobs(of: alice)
        #expect(kept.map(\.id) == Array(ids.suffix(3).reversed()))
        #expect(kept.allSatisfy { $0.status == .failed && $0.error == "boom" && $0.parameters["fast"] == .integer(5) })
        try fixture.reopen()
        let next = try fixture.store.createBacktestJob(owner: alice, strategy: StrategyID(1), version: VersionID(1), parameters: [:],
                                                       maximumUnfinished: 3, keepFinished: 2)
        #expect(next.id > ids.max()!, "AUTOINCREMENT: deleted ids are not reused")
    }

    @Test func aRestartFailsUnfinishedJobs() throws {
        let fixture = try StoreFixture()
        let alice = try fixture.user("alice").id
        let queued = try fixture.store.createBacktestJob(owner: alice, strategy: StrategyID(1), version: VersionID(1), parameters: [:],
                                                         maximumUnfinished: 3, keepFinished: 20)
        let running = try fixture.store.createBacktestJob(owner: alice, strategy: StrategyID(1), version: VersionID(1), parameters: [:],
                                                          maximumUnfinished: 3, keepFinished: 20)
        try fixture.store.startBacktestJob(running.id)
        try fixture.store.recordBacktestProgress(running.id, 0.4)
        try fixture.reopen()
        #expect(try fixture.store.backtestJob(running.id, owner: alice)?.progress == 0.4)
        #expect(try fixture.store.failInterruptedBacktestJobs() == 2)
        for id in [queued.id, running.id] {
            let job = try #require(try fixture.store.backtestJob(id, owner: alice))
            #expect(job.status == .failed && job.error == BacktestJob.interruptedReason && job.finishedAt != nil)
        }
        #expect(try fixture.store.backtestJob(queued.id, owner: try fixture.user("bob").id) == nil, "another owner's job is not found")
    }
}

/// A counter shared by the concurrent submissions.
private final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var count: Int
    init(_ start: Int) { count = start }
    func add(_ delta: Int) { lock.withLock { count += delta } }
    var value: Int { lock.withLock { count } }
}
