import Foundation
import Host
import Testing
@testable import Marketplace

/// Users' datasets in the store: read and deleted by their owner only,
/// names unique per owner, the per-user count holding under concurrent
/// uploads; and a failed job keeps its fault and partial result.
@Suite struct DatasetStoreTests {
    static func dataset(_ name: String) -> BacktestDataset {
        BacktestDataset(name: name, symbol: "BTCUSD", bundled: false, rows: 2, firstTime: 0, lastTime: 3600, timeframe: 3600,
                        bytes: 10, hash: "h")
    }

    @Test func ownersAloneReadAndDeleteAndNamesAreUniquePerOwner() throws {
        let fixture = try StoreFixture()
        let alice = try fixture.user("alice").id
        let bob = try fixture.user("bob").id
        let stored = try fixture.store.createDataset(owner: alice, Self.dataset("bars"), csv: "csv", maximumPerUser: 5)
        #expect(stored.createdAt != nil && !stored.bundled)
        #expect(try fixture.store.dataset(named: "bars", owner: alice)?.csv == "csv")
        #expect(try fixture.store.dataset(named: "bars", owner: bob) == nil)
        #expect(try fixture.store.datasets(of: bob).isEmpty)
        #expect(throws: StoreError.duplicate(field: "name")) {
            try fixture.store.createDataset(owner: alice, Self.dataset("bars"), csv: "csv", maximumPerUser: 5)
        }
        _ = try fixture.store.createDataset(owner: bob, Self.dataset("bars"), csv: "other", maximumPerUser: 5)
        #expect(try fixture.store.deleteDataset(named: "bars", owner: bob))
        #expect(try fixture.store.dataset(named: "bars", owner: alice)?.csv == "csv", "bob deleted his own")
        #expect(try !fixture.store.deleteDataset(named: "bars", owner: bob))
    }

    @Test func theCountHoldsUnderConcurrentUploads() throws {
        let fixture = try StoreFixture()
        let alice = try fixture.user("alice").id
        let store = fixture.store
        DispatchQueue.concurrentPerform(iterations: 12) { index in
            _ = try? store.createDataset(owner: alice, Self.dataset("d\(index)"), csv: "csv", maximumPerUser: 5)
        }
        #expect(try store.datasets(of: alice).count == 5)
    }

    @Test func aFailedJobKeepsItsFaultAndPartialResult() throws {
        let fixture = try StoreFixture()
        let alice = try fixture.user("alice").id
        let settings = BacktestSettings(dataset: "sample", from: 10, to: 20, commission: 1_000, seed: 9)
        let job = try fixture.store.createBacktestJob(owner: alice, strategy: StrategyID(1), version: VersionID(1), parameters: [:],
                                                      settings: settings, maximumUnfinished: 3, keepFinished: 20)
        let fault = StrategyFault(kind: .runtime, message: "boom", line: 4, callback: "on_bar", time: 7_200)
        var partial = BacktestResult(metadata: BacktestMetadata(strategyName: "s", scriptHash: "", dataHash: "", parameters: [:], seed: 9,
                                                                initialCash: Money(100), commission: "", slippage: "", engineVersion: "",
                                                                symbols: []),
                                     metrics: BacktestMetrics(equityCurve: [], trades: [], barCount: 0, barsInMarket: 0), trades: [],
                                     equityCurve: [], finalPositions: [])
        partial.error = fault
        try fixture.store.finishBacktestJob(job.id, .failure(BacktestJobFailure("faulted", fault: fault, partial: partial)))
        let read = try #require(try fixture.store.backtestJob(job.id, owner: alice))
        #expect(read.status == .failed && read.fault == fault && read.result?.error == fault && read.settings == settings)
        #expect(try fixture.store.backtestJobs(of: alice).first?.fault == fault, "lists carry the fault too")
    }
}
