/// Test hooks: frames a worker honours only when the supervisor enabled
/// `IsolationConfiguration.testHooks` (it then sets the worker's
/// environment). Internal: reachable from tests (`@testable`), never from a
/// strategy, which cannot send frames.
extension SupervisedHost {
    /// The worker of shard `index` raises SIGSEGV when it reads this.
    func testCrashWorker(_ index: Int) {
        let shard = core.shards[index]
        core.send(to: shard) { _ in Frame(type: .testCrash).encoded() }
    }

    /// The next callback of deployment `id` never returns (its worker sleeps
    /// inside it, using no CPU).
    func testStall(_ id: String) {
        guard let shardIndex = core.lock.withLock({ core.records[id]?.shard }) else { return }
        core.send(to: core.shards[shardIndex]) { shard in
            guard let slot = core.records[id]?.slot else { return nil }
            return Frame(type: .testStall, payload: WireJSON.encode(TestHookRequest(slot: slot))).encoded()
        }
    }

    /// The worker of shard `index` writes `bytes` to its socket as they are.
    func testSendGarbage(_ index: Int, _ bytes: [UInt8], exitAfter: Bool) {
        let request = TestGarbageRequest(bytes: bytes, exitAfter: exitAfter)
        core.send(to: core.shards[index]) { _ in Frame(type: .testGarbage, payload: WireJSON.encode(request)).encoded() }
    }

    /// Which shard runs deployment `id`.
    func testShard(of id: String) -> Int? { core.lock.withLock { core.records[id]?.shard } }
}
