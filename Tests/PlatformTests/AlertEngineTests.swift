import Foundation
import Host
import Marketplace
import Testing
@testable import Platform

/// The alert engine over a real store (docs/api.md, "Alerts"): a condition
/// raises one alert per breach and resolves when it clears; the system
/// alerts at 80 % of a limit; events raise one alert each; a restart does
/// not raise an active breach again.
@Suite struct AlertEngineTests {
    static func sample(_ time: Int64, equity: Int64) -> DeploymentNotification {
        .equity(EquitySample(time: time, equity: Money(equity), cash: Money(equity), grossExposure: .zero, netExposure: .zero,
                             realizedPnL: .zero, unrealizedPnL: .zero, fills: 0))
    }

    /// The alerts of the fixture's user by kind, oldest first.
    static func alerts(_ fixture: PlatformFixture) throws -> [String: [Alert]] {
        fixture.platform.alerts.settle()
        let all = try fixture.store.alerts(of: fixture.user.id, activeOnly: false, before: nil, limit: 1_000, by: fixture.user.id)
        return Dictionary(grouping: all.reversed(), by: \.draft.kind)
    }

    @Test func aConditionAlertsOncePerBreachAndResolvesWhenItClears() async throws {
        let fixture = try PlatformFixture()
        let user = fixture.user.id
        let deployment = try await fixture.platform.createDeployment(
            .template("dca"), parameters: ["every": .integer(1), "amount": .number(100), "boost_below_sma": .integer(0)],
            risk: RiskLimits(dailyLossLimit: Money(5_000)), symbols: nil, timeframe: nil, start: false, by: user)
        let id = deployment.id
        for (kind, threshold) in [(AlertRuleKind.equityBelow, Money(95_000).units), (.drawdownAbove, 5_000_000), (.dailyLossAbove, Money(3_000).units)] {
            _ = try await fixture.platform.createAlertRule(kind: kind, deploymentID: id, threshold: threshold, by: user)
        }
        let heard = Heard()
        fixture.platform.alerts.addListener { heard.add($0) }

        let day = fixture.start - fixture.start % 86_400 + 3_600
        let path: [Int64] = [100_000, 96_500, 94_000, 93_000, 99_000, 94_500]
        var counts: [[String: Int]] = []
        for (step, equity) in path.enumerated() {
            fixture.platform.alerts.receive(id, Self.sample(day + Int64(step) * 60, equity: equity))
            counts.append(try Self.alerts(fixture).mapValues(\.count))
        }
        // 96,500: lost 3,500 today (past 3,000), 70 % of the 5,000 limit.
        #expect(counts[1] == ["daily_loss_above": 1], "\(counts[1])")
        // 94,000: below 95,000, 6 % under the peak, 120 % of the loss limit; the daily loss breach is still the same one.
        #expect(counts[2] == ["daily_loss_above": 1, "equity_below": 1, "drawdown_above": 1, "limit_approaching": 1], "\(counts[2])")
        #expect(counts[3] == counts[2], "a breach that goes on raises nothing new")
        // 99,000 clears everything; 94,500 breaches everything again.
        let after = try Self.alerts(fixture)
        #expect(after.values.allSatisfy { $0.count == 2 }, "\(after.mapValues(\.count))")
        #expect(after.values.allSatisfy { $0[0].state == .resolved && $0[1].state == .active })
        let system = try #require(after["limit_approaching"]?.first)
        #expect(system.draft.limit == "daily_loss" && system.draft.ruleID == nil && system.draft.severity == .critical
                && system.draft.value == 120_000_000 && system.draft.threshold == 80_000_000, "\(system)")
        let drawdown = try #require(after["drawdown_above"]?.first)
        #expect(drawdown.draft.value == 6_000_000 && drawdown.draft.unit == .fraction, "\(drawdown)")
        #expect(drawdown.draft.message.contains("6.00 %") && drawdown.draft.marketTime == day + 120)
        // Listeners heard each raise and each resolution.
        #expect(heard.count == 8 + 4, "\(heard.count)")

        // A restart keeps the active breaches: a sample still in breach raises nothing.
        let reopened = try PlatformFixture.reopening(fixture)
        reopened.platform.alerts.receive(id, Self.sample(day + 400, equity: 94_000))
        #expect(try Self.alerts(reopened).mapValues(\.count) == after.mapValues(\.count))
    }

    @Test func eventsRaiseOneAlertEachForTheRulesThatCoverThem() async throws {
        let fixture = try PlatformFixture()
        let user = fixture.user.id
        let make = { () async throws -> DeploymentID in
            try await fixture.platform.createDeployment(
                .template("dca"), parameters: ["every": .integer(1), "amount": .number(100), "boost_below_sma": .integer(0)],
                risk: nil, symbols: nil, timeframe: nil, start: false, by: user).id
        }
        let first = try await make(), second = try await make()
        _ = try await fixture.platform.createAlertRule(kind: .fill, deploymentID: first, threshold: nil, by: user)
        for kind in [AlertRuleKind.riskDenial, .faulted, .killSwitch] {
            _ = try await fixture.platform.createAlertRule(kind: kind, deploymentID: nil, threshold: nil, by: user)
        }
        let fill = Fill(orderID: 1, symbol: "BTCUSD", side: .buy, quantity: Quantity(lots: 1_000_000), price: Price(ticks: 3_000_000),
                        fee: .zero, notional: Money(300), time: fixture.start)
        fixture.platform.alerts.receive(first, .fill(fill))
        fixture.platform.alerts.receive(second, .fill(fill))
        var refused = Order(id: 2, symbol: "BTCUSD", side: .buy, type: .market, sizing: .quantity(Quantity(lots: 1)), quantity: Quantity(lots: 1),
                            createdAt: fixture.start)
        refused.status = .rejected
        refused.reason = OrderReason(code: .maxPosition, message: "the position would be 2, past its limit 1")
        fixture.platform.alerts.receive(second, .order(refused))
        refused.reason = OrderReason(code: .unknownOrder, message: "not a risk denial")
        fixture.platform.alerts.receive(second, .order(refused))
        fixture.platform.alerts.receive(first, .status(.faulted(reason: "boom at line 3")))
        _ = try await fixture.platform.engageKillSwitch(.owner(user), level: .halt, reason: "going home", by: user)

        let alerts = try Self.alerts(fixture)
        #expect(alerts.mapValues(\.count) == ["fill": 1, "risk_denial": 1, "faulted": 1, "kill_switch": 1], "\(alerts.mapValues(\.count))")
        #expect(alerts["fill"]?.first?.draft.deploymentID == first && alerts["fill"]?.first?.state == .event)
        #expect(alerts["risk_denial"]?.first?.draft.message.contains("maxPosition") == true)
        #expect(alerts["kill_switch"]?.first?.draft.message.contains("going home") == true)

        // Deleting a rule stops its alerts.
        let rules = try fixture.store.alertRules(of: user, by: user)
        try await fixture.platform.deleteAlertRule(try #require(rules.first { $0.kind == .fill }).id, by: user)
        fixture.platform.alerts.receive(first, .fill(fill))
        #expect(try Self.alerts(fixture)["fill"]?.count == 1)
    }

    final class Heard: @unchecked Sendable {
        private let lock = NSLock()
        private var alerts: [Alert] = []
        func add(_ alert: Alert) { lock.withLock { alerts.append(alert) } }
        var count: Int { lock.withLock { alerts.count } }
    }
}
