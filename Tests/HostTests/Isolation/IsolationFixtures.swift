import Foundation
import Synchronization
@testable import Host
import TestSupport

/// Shared pieces of the worker-process tests: configurations, a market and
/// a recorder of what deployments report.
enum IsolationFixtures {
    /// Buys when flat, closes when long, counts bars in `ctx.state`.
    static let trader = """
    function on_bar(ctx, bar)
      ctx.state.bars = (ctx.state.bars or 0) + 1
      if ctx.position().quantity == 0 then ctx.buy { quantity = 0.01, tag = "b" .. ctx.state.bars } else ctx.close() end
    end
    """

    static func isolation(workers: Int = 2) -> IsolationConfiguration {
        IsolationConfiguration(executablePath: TestPaths.lunarExecutable, workers: workers, testHooks: true)
    }

    static func market() -> SyntheticMarket {
        SyntheticMarket(configuration: .init(barSeconds: 5, seed: 9))
    }

    /// Batches of events, one per timestamp, as `feed` would publish them.
    static func batches(_ count: Int) -> [[MarketEvent]] {
        var market = market()
        var batches: [[MarketEvent]] = []
        var current: [MarketEvent] = []
        while batches.count < count, let event = market.next() {
            if let last = current.last, event.time > last.time {
                batches.append(current)
                current = []
            }
            current.append(event)
        }
        return batches
    }

    static func deployment(_ id: String, source: String = trader) -> DeploymentConfiguration {
        DeploymentConfiguration(id: id, source: source, instruments: market().instruments, symbols: ["BTCUSD"])
    }
}

/// Records every order update and fill per deployment, from any thread.
final class NotificationRecorder: Sendable {
    private let lines = Mutex<[String: [String]]>([:])

    var observer: @Sendable (String, DeploymentNotification) -> Void {
        { [self] id, notification in
            let line: String? = switch notification {
            case .order(let order): "order \(order.id) \(order.status.rawValue) \(order.filledQuantity.lots) \(order.tag ?? "")"
            case .fill(let fill): "fill \(fill.orderID) \(fill.quantity.lots)@\(fill.price.ticks) t\(fill.time)"
            case .equity(let sample): "equity t\(sample.time) \(sample.equity.units) \(sample.cash.units) \(sample.realizedPnL.units) \(sample.fills)"
            case .log, .status: nil
            }
            if let line { lines.withLock { $0[id, default: []].append(line) } }
        }
    }

    func lines(_ id: String) -> [String] { lines.withLock { $0[id] ?? [] } }
}
