import Foundation
import Testing
@testable import Host
import Sandbox
import TestSupport

/// Both host modes refuse a bad deployment with the same value: what the
/// script got wrong, as `DeploymentHostError.refused`, line and all.
@Suite struct HostErrorParityTests {
    static let refusals: [(String, DeploymentConfiguration)] = [
        ("syntax", IsolationFixtures.deployment("bad-syntax", source: "function on_bar(ctx, bar)\n  if then end\nend")),
        ("runtime in the main chunk", IsolationFixtures.deployment("bad-main", source: "local x = nil\nx.y = 1\nfunction on_bar() end")),
        ("schema", IsolationFixtures.deployment("bad-schema", source: "strategy = { params = { n = { type = 'integer', default = 'x' } } }\nfunction on_bar() end")),
        ("unknown symbol", DeploymentConfiguration(id: "bad-symbol", source: IsolationFixtures.trader,
                                                   instruments: IsolationFixtures.market().instruments, symbols: ["DOGEUSD"])),
    ]

    @Test func bothModesRefuseWithTheSameError() throws {
        let live = LiveHost(configuration: .init(workers: 1))
        let supervised = try SupervisedHost(configuration: IsolationFixtures.isolation(workers: 1))
        for (name, configuration) in Self.refusals {
            let inProcess = Self.refusal { () throws(DeploymentHostError) in try live.deploy(configuration, startAt: 1_700_000_000) }
            let isolated = Self.refusal { () throws(DeploymentHostError) in try supervised.deploy(configuration, startAt: 1_700_000_000) }
            guard case .refused = inProcess else {
                Issue.record("\(name): in-process threw \(String(describing: inProcess))")
                continue
            }
            #expect(inProcess == isolated, "\(name): in-process \(String(describing: inProcess)), isolated \(String(describing: isolated))")
        }
        #expect(live.deploymentCount == 0 && supervised.deploymentCount == 0)
    }

    static func refusal(_ body: () throws(DeploymentHostError) -> Void) -> DeploymentHostError? {
        do { try body() } catch { return error }
        return nil
    }
}
