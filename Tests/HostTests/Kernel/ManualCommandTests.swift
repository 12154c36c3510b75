import Foundation
import Glibc
import Testing
@testable import Host
import TestSupport

/// Manual commands from a deployment's owner, on both hosts: in process
/// (`LiveHost`) and in worker processes (`SupervisedHost`), which must agree.
@Suite struct ManualCommandTests {
    /// Trades nothing itself; remembers the tags of the orders it was told
    /// about, so tests see that the strategy hears manual orders.
    static let observer = """
    function on_order(ctx, order)
      ctx.state.seen = (ctx.state.seen or "") .. order.tag .. ":" .. order.status .. ";"
    end
    function on_bar(ctx, bar) end
    """

    enum Mode: String, CaseIterable, CustomTestStringConvertible {
        case inProcess, isolated
        var testDescription: String { rawValue }
    }

    final class Harness {
        let host: any DeploymentHost
        var batches = IsolationFixtures.batches(40)[...]

        init(_ mode: Mode, risk: RiskLimits = .none, source: String = ManualCommandTests.observer,
             symbols: [String] = ["BTCUSD"]) throws {
            host = switch mode {
            case .inProcess: LiveHost(configuration: .init(workers: 1))
            case .isolated: try SupervisedHost(configuration: IsolationFixtures.isolation(workers: 1))
            }
            var configuration = IsolationFixtures.deployment("d", source: source)
            configuration.symbols = symbols
            configuration.risk = LayeredRiskLimits(deployment: risk)
            try host.deploy(configuration, startAt: 1_700_000_000)
            advance(3)
        }

        /// Publishes the next `count` batches and waits for them.
        func advance(_ count: Int = 1) {
            for _ in 0..<count { host.publish(batches.removeFirst()) }
            host.drain()
        }

        func run(_ command: ManualCommand) throws(ManualCommandError) -> ManualCommandOutcome { try host.execute(command, on: "d") }

        var snapshot: DeploymentSnapshot { get throws { try #require(host.snapshot("d")) } }
    }

    static func buy(_ quantity: Double, type: OrderRequest.Kind = .market, price: Double? = nil) -> ManualOrder {
        ManualOrder(symbol: "BTCUSD", side: .buy, type: type, quantity: quantity, price: price)
    }

    /// 1,000 BTC (about 30 M) on a 100 k account: refused by the buying-power
    /// check on both hosts, naming what it needs; a hostile size is refused
    /// with a code instead of crashing the worker, which keeps serving.
    @Test(arguments: Mode.allCases) func buyingPowerAndRangesGuardManualOrders(mode: Mode) throws {
        let harness = try Harness(mode)
        let huge = try harness.run(.place(Self.buy(1_000)))
        #expect(huge.rejection?.code == .insufficientBuyingPower, "\(String(describing: huge.rejection))")
        #expect(huge.rejection?.message.contains("is available") == true)
        let hostile = try harness.run(.place(Self.buy(1e12, type: .limit, price: 1e12)))
        #expect(hostile.rejection?.code == .priceOutOfRange, "\(String(describing: hostile.rejection))")
        let hostileSize = try harness.run(.place(Self.buy(9.3e18)))
        #expect(hostileSize.rejection?.code == .quantityOutOfRange, "\(String(describing: hostileSize.rejection))")
        let otherSymbol = try harness.run(.place(ManualOrder(symbol: "ETHUSD", side: .buy, quantity: 1)))
        #expect(otherSymbol.rejection?.code == .unknownSymbol)
        let fits = try harness.run(.place(Self.buy(0.5)))
        #expect(fits.rejection == nil)
        harness.advance()
        let snapshot = try harness.snapshot
        #expect(snapshot.fillCount == 1 && snapshot.cash > .zero)
    }

    @Test(arguments: Mode.allCases) func aMarketOrderFillsOnTheNextEventAndTheStrategyHearsIt(mode: Mode) throws {
        let harness = try Harness(mode)
        let outcome = try harness.run(.place(Self.buy(0.5)))
        #expect(outcome.rejection == nil)
        #expect(outcome.orders.count == 1)
        #expect(outcome.orders.first?.tag == "manual")
        #expect(outcome.orders.first?.status == .accepted)
        harness.advance()
        let snapshot = try harness.snapshot
        let position = try #require(snapshot.positions.first)
        #expect(position.symbol == "BTCUSD")
        #expect(position.quantity.lots == 500_000, "0.5 BTC at 8 decimals")
        #expect(snapshot.fillCount == 1)
        if let checkpoint = (harness.host as? SupervisedHost)?.checkpoint("d") {
            #expect(checkpoint.portfolio.position("BTCUSD")?.quantity.lots == 500_000)
        }
        #expect(snapshot.recentLog.contains { $0.message.hasPrefix("manual order: 1 order(s)") })
    }

    @Test(arguments: Mode.allCases) func aBracketPlacesTheEntryAndBothExits(mode: Mode) throws {
        let harness = try Harness(mode)
        var entry = Self.buy(0.2)
        entry.takeProfit = 1_000_000
        entry.stopLoss = 1
        let outcome = try harness.run(.place(entry))
        #expect(outcome.rejection == nil)
        #expect(outcome.orders.count == 3)
        #expect(outcome.orders.dropFirst().allSatisfy { $0.reduceOnly && $0.parentID == outcome.orders[0].id })
        harness.advance()
        let snapshot = try harness.snapshot
        #expect(snapshot.positions.first?.quantity.lots == 200_000)
        #expect(Set(snapshot.openOrders.map(\.id)) == Set(outcome.orders.dropFirst().map(\.id)), "both exits work once the entry filled")
    }

    /// A bracketed position under a reduce-only kill switch: the close goes
    /// out and takes the bracket's exits with it (they would only flip the
    /// position). Under a halt the close is refused and the exits stay.
    @Test(arguments: Mode.allCases) func closeUnderAReduceOnlySwitchReplacesTheExits(mode: Mode) throws {
        let harness = try Harness(mode)
        var entry = Self.buy(0.2)
        entry.takeProfit = 1_000_000
        entry.stopLoss = 1
        _ = try harness.run(.place(entry))
        harness.advance()
        #expect(try harness.snapshot.openOrders.count == 2)

        harness.host.engageKillSwitch(.deployment("d"), level: .halt, reason: "test")
        let refused = try harness.run(.close(symbol: "BTCUSD"))
        #expect(refused.rejection?.code == .killSwitch)
        #expect(try harness.snapshot.openOrders.count == 2, "a refused close keeps the exits")

        harness.host.engageKillSwitch(.deployment("d"), level: .reduceOnly, reason: "test")
        let closed = try harness.run(.close(symbol: "BTCUSD"))
        #expect(closed.rejection == nil, "\(String(describing: closed.rejection))")
        #expect(closed.orders.filter { $0.reason?.code == .closedPosition }.count == 2)
        harness.advance()
        let snapshot = try harness.snapshot
        #expect(snapshot.positions.isEmpty && snapshot.openOrders.isEmpty)
    }

    @Test(arguments: Mode.allCases) func modifyAndCancelAWorkingOrder(mode: Mode) throws {
        let harness = try Harness(mode)
        let placed = try harness.run(.place(Self.buy(0.1, type: .limit, price: 10)))
        let id = try #require(placed.orders.first?.id)
        let modified = try harness.run(.modify(id: id, quantity: 0.3, price: 11, trigger: nil))
        #expect(modified.rejection == nil)
        let working = try #require(harness.snapshot.openOrders.first { $0.id == id })
        #expect(working.quantity.lots == 300_000)
        #expect(working.type == .limit(Price(ticks: 1_100)))
        let canceled = try harness.run(.cancel(id: id))
        #expect(canceled.orders.first?.status == .canceled)
        #expect(canceled.orders.first?.reason?.code == .canceledByOwner)
        #expect(try harness.snapshot.openOrders.isEmpty)
        let again = try harness.run(.cancel(id: id))
        #expect(again.rejection?.code == .unknownOrder)
        let invalid = try harness.run(.modify(id: 9_999, quantity: 1, price: nil, trigger: nil))
        #expect(invalid.rejection?.code == .unknownOrder)
    }

    @Test(arguments: Mode.allCases) func aSingleOrderPastARiskLimitIsRejectedWithTheReason(mode: Mode) throws {
        let harness = try Harness(mode, risk: RiskLimits(maxOrderQuantity: .all("1")))
        let outcome = try harness.run(.place(Self.buy(2)))
        #expect(outcome.rejection?.code == .maxOrderQuantity)
        #expect(outcome.orders.first?.status == .rejected)
        harness.advance()
        #expect(try harness.snapshot.positions.isEmpty)
    }

    @Test(arguments: Mode.allCases) func aBulkOrderIsJudgedAsAWholeBeforeAnyLegIsSent(mode: Mode) throws {
        // Each leg alone is within the position limit; the three together are not.
        let harness = try Harness(mode, risk: RiskLimits(maxPositionQuantity: .all("1")))
        let legs = [Self.buy(0.4, type: .limit, price: 10), Self.buy(0.4, type: .limit, price: 10), Self.buy(0.4)]
        let refused = try harness.run(.bulk(legs))
        let reason = try #require(refused.rejection)
        #expect(reason.code == .maxPosition)
        #expect(reason.message.hasPrefix("leg 3 (buy BTCUSD)"), "\(reason.message)")
        #expect(refused.orders.isEmpty, "no leg was sent")
        #expect(try harness.snapshot.openOrders.isEmpty)

        let accepted = try harness.run(.bulk(Array(legs.prefix(2))))
        #expect(accepted.rejection == nil)
        #expect(accepted.orders.map(\.status) == [.accepted, .accepted])
        #expect(try harness.snapshot.openOrders.count == 2)

        let badLeg = try harness.run(.bulk([Self.buy(0.1), ManualOrder(symbol: "NOPE", side: .buy, quantity: 1)]))
        #expect(badLeg.rejection?.code == .unknownSymbol)
        #expect(badLeg.rejection?.message.hasPrefix("leg 2") == true)
        #expect(try harness.snapshot.openOrders.count == 2, "the first leg of the refused bulk was not sent")
    }

    @Test(arguments: Mode.allCases) func closeAndSquareOffFlattenTheAccount(mode: Mode) throws {
        let harness = try Harness(mode, symbols: ["BTCUSD", "ETHUSD"])
        _ = try harness.run(.bulk([Self.buy(0.5), ManualOrder(symbol: "ETHUSD", side: .sell, quantity: 2)]))
        _ = try harness.run(.place(Self.buy(0.1, type: .limit, price: 10)))
        harness.advance()
        #expect(try harness.snapshot.positions.count == 2)

        let closed = try harness.run(.close(symbol: "BTCUSD"))
        #expect(closed.rejection == nil)
        #expect(closed.orders.first?.side == .sell)
        #expect(closed.orders.first?.reduceOnly == true)
        harness.advance()
        #expect(try harness.snapshot.positions.map(\.symbol) == ["ETHUSD"])
        #expect(try harness.run(.close(symbol: "BTCUSD")).rejection?.code == .noPosition)

        let squared = try harness.run(.squareOff)
        #expect(squared.rejection == nil)
        #expect(squared.orders.contains { $0.status == .canceled && $0.reason?.code == .squareOff })
        #expect(squared.orders.contains { $0.symbol == "ETHUSD" && $0.side == .buy && $0.reduceOnly })
        harness.advance()
        let snapshot = try harness.snapshot
        #expect(snapshot.positions.isEmpty)
        #expect(snapshot.openOrders.isEmpty)
    }

    @Test(arguments: Mode.allCases) func commandsNeedATradingDeployment(mode: Mode) throws {
        let harness = try Harness(mode, source: "function on_bar(ctx, bar) error('broken') end")
        harness.advance(10)
        #expect(throws: ManualCommandError.self) { try harness.run(.squareOff) }
        do {
            _ = try harness.run(.squareOff)
        } catch {
            guard case .notTrading(_, let status) = error else { Issue.record("\(error)"); return }
            #expect(status.contains("broken"), "\(status)")
        }
        harness.host.stop("d")
        #expect(throws: ManualCommandError.unknownDeployment("d")) { try harness.run(.squareOff) }
    }

    /// Read from the worker's checkpoint, which carries `ctx.state`.
    @Test func theStrategyHearsManualOrdersInOnOrder() throws {
        let harness = try Harness(.isolated)
        _ = try harness.run(.place(Self.buy(0.1)))
        harness.advance()
        let checkpoint = try #require((harness.host as? SupervisedHost)?.checkpoint("d"))
        #expect(checkpoint.state == .table(["seen": .string("manual:ACCEPTED;manual:FILLED;")]))
    }

    @Test func anIsolatedWorkerKilledAfterAManualOrderResumesWithIt() throws {
        let harness = try Harness(.isolated)
        let host = try #require(harness.host as? SupervisedHost)
        let placed = try harness.run(.place(Self.buy(0.1, type: .limit, price: 10)))
        let id = try #require(placed.orders.first?.id)
        kill(host.workerProcessIDs[0], SIGKILL)
        harness.advance(2)
        #expect(host.replacedWorkers == 1)
        #expect(try harness.snapshot.openOrders.map(\.id) == [id], "the supervisor's copy held the manual order")
        let next = try harness.run(.place(Self.buy(0.1, type: .limit, price: 10)))
        #expect(next.orders.first?.id == id + 1, "order ids continue")
    }
}
