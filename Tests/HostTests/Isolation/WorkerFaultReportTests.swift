import Foundation
import Testing
@testable import Host
import TestSupport

/// A strategy fault says where in every host: the status reason names the
/// callback and the line, and the log carries the traceback at the event's
/// time, in process and in a worker process alike.
@Suite struct WorkerFaultReportTests {
    static let failing = """
    local function inner() error("boom") end
    local function outer() inner() end
    function on_bar(ctx, bar) outer() end
    """

    @Test(arguments: [false, true])
    func faultReasonAndTracebackReachTheHost(isolated: Bool) throws {
        let host: any DeploymentHost = isolated
            ? try SupervisedHost(configuration: IsolationFixtures.isolation(workers: 1))
            : LiveHost(configuration: .init(workers: 1))
        try host.deploy(IsolationFixtures.deployment("f", source: Self.failing), startAt: 1_700_000_000)
        for batch in IsolationFixtures.batches(20) { host.publish(batch) }
        host.drain()
        let snapshot = try #require(host.snapshot("f"))
        guard case .faulted(let reason) = snapshot.status else {
            Issue.record("expected a fault, got \(snapshot.status)")
            return
        }
        #expect(reason.contains("boom") && reason.contains("in on_bar"), "\(reason)")
        let traceback = try #require(snapshot.recentLog.first { $0.message.hasPrefix("traceback: ") })
        #expect(traceback.message.contains(":1:") && traceback.message.contains(":2:") && traceback.message.contains(":3:"),
                "\(traceback.message)")
        #expect(traceback.time > 1_700_000_000, "stamped with the event's time")
        _ = host.stop("f")
    }
}
