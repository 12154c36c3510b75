import Foundation
import Testing
@testable import Host
import TestSupport

/// The case that made the emergency stop reduce-only: the bundled RSI
/// strategy exits by canceling its bracket's stop-loss and then closing. A
/// halt refused the close and left the position unprotected; a reduce-only
/// switch lets the strategy get out and keeps it out.
@Suite struct KillSwitchExitTests {
    static func position(_ host: LiveHost) -> Int64 {
        host.snapshot("rsi")?.positions.first { $0.symbol == "BTCUSD" }?.quantity.lots ?? 0
    }

    @Test func theRSIStrategyClosesUnderAReduceOnlySwitchAndOpensNothingNew() throws {
        let host = LiveHost(configuration: .init(workers: 1))
        var market = SyntheticMarket(configuration: .init(barSeconds: 60, seed: 11))
        let source = try TestPaths.read(TestPaths.strategy("rsi_mean_reversion.lua"))
        try host.deploy(DeploymentConfiguration(id: "rsi", ownerID: "alice", source: source, instruments: market.instruments,
                                                symbols: ["BTCUSD"]), startAt: 1_700_000_000)
        var fed = 0
        while Self.position(host) == 0, fed < 60_000 {
            fed += host.feed(from: &market, speed: 0, limit: 100)
            host.drain()
        }
        try #require(Self.position(host) > 0, "the strategy entered within \(fed) events")
        #expect(try #require(host.snapshot("rsi")).openOrders.count == 1, "the bracket's stop-loss works")

        host.engageKillSwitch(.owner("alice"), level: .reduceOnly, reason: "drill")
        var afterSwitch = 0
        while Self.position(host) != 0, afterSwitch < 60_000 {
            afterSwitch += host.feed(from: &market, speed: 0, limit: 100)
            host.drain()
        }
        #expect(Self.position(host) == 0, "the strategy got out under the switch")
        // It keeps trying to enter on oversold bars; every entry is refused.
        host.feed(from: &market, speed: 0, limit: 20_000)
        host.drain()
        let final = try #require(host.snapshot("rsi"))
        #expect(Self.position(host) == 0 && final.openOrders.isEmpty && final.status == .running, "\(final.recentLog)")
    }
}
