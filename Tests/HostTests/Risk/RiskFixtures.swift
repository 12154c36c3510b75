import Testing
@testable import Host

/// Every risk suite nests in this namespace so `--filter RiskTests` runs them all.
enum RiskTests {}

/// Shared values for the risk tests: one instrument with 2 price and 8
/// quantity decimals, a clock at Monday 2024-01-01 00:00 UTC, and builders.
enum RiskFixture {
    static let btc = Instrument(symbol: "BTCUSD", priceDecimals: 2, quantityDecimals: 8)
    static let eth = Instrument(symbol: "ETHUSD", priceDecimals: 2, quantityDecimals: 8)
    /// 2024-01-01 00:00:00 UTC, a Monday, in seconds.
    static let mondaySeconds: Int64 = 1_704_067_200
    static let nanosecondsPerSecond: Int64 = 1_000_000_000

    /// Monday + days, hours, minutes, seconds, nanoseconds, as nanoseconds since the epoch.
    static func time(day: Int64 = 0, hour: Int64 = 12, minute: Int64 = 0, second: Int64 = 0, nanosecond: Int64 = 0) -> Int64 {
        (mondaySeconds + day * 86_400 + hour * 3_600 + minute * 60 + second) * nanosecondsPerSecond + nanosecond
    }

    static func price(_ text: String) -> Price { btc.price(decimalText: text)! }

    static func quantity(_ text: String) -> Quantity {
        Quantity(lots: FixedPoint.parse(text, decimals: btc.quantityDecimals)!)
    }

    static func money(_ text: String) -> Money { Money(decimalText: text)! }

    static func order(
        _ side: Side = .buy, _ quantityText: String = "1", _ type: OrderType = .limit(price("100.00")),
        symbol: String = "BTCUSD", id: OrderID = 1
    ) -> Order {
        let quantity = quantity(quantityText)
        return Order(id: id, symbol: symbol, side: side, type: type, sizing: .quantity(quantity),
                     quantity: quantity, createdAt: mondaySeconds)
    }

    /// An account at `now` with a last price of 100.00 and nothing else.
    static func account(
        now: Int64 = time(), last: String? = "100.00", position: String = "0",
        openBuy: String = "0", openSell: String = "0", openOrders: Int = 0,
        gross: String = "0", realized: String = "0", unrealized: String = "0"
    ) -> RiskSnapshot {
        RiskSnapshot(
            nowNanoseconds: now, positions: ["BTCUSD": quantity(position)],
            openBuyQuantity: ["BTCUSD": quantity(openBuy)], openSellQuantity: ["BTCUSD": quantity(openSell)],
            openOrderCount: openOrders, lastPrices: last.map { ["BTCUSD": price($0)] } ?? [:],
            grossExposure: money(gross), realizedPnL: money(realized), unrealizedPnL: money(unrealized))
    }

    static func engine(
        _ deployment: RiskLimits = .none, owner: RiskLimits = .none, global: RiskLimits = .none,
        board: KillSwitchBoard = KillSwitchBoard(), denialHistoryLimit: Int = 1_000
    ) -> RiskEngine {
        RiskEngine(deploymentID: "dep-1", ownerID: "alice",
                   limits: LayeredRiskLimits(deployment: deployment, owner: owner, global: global),
                   killSwitches: board, denialHistoryLimit: denialHistoryLimit)
    }
}

extension RiskEngine {
    /// Checks an order on BTCUSD (the fixture instrument).
    mutating func check(_ order: Order, _ account: RiskSnapshot) -> RiskDecision {
        check(order, instrument: RiskFixture.btc, account: account)
    }
}

/// Asserts a denial's code and limit text; returns the reason for more checks.
@discardableResult
func expectDenied(
    _ decision: RiskDecision, _ code: OrderReasonCode, limit: String? = nil,
    sourceLocation: SourceLocation = #_sourceLocation
) -> OrderReason? {
    guard let reason = decision.reason else {
        Issue.record("expected a \(code.rawValue) denial, got accept", sourceLocation: sourceLocation)
        return nil
    }
    #expect(reason.code == code, "\(reason)", sourceLocation: sourceLocation)
    if let limit {
        #expect(reason.limit == limit, "\(reason)", sourceLocation: sourceLocation)
    }
    return reason
}

func expectAccepted(_ decision: RiskDecision, sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(decision == .accept, "\(decision.reason?.description ?? "")", sourceLocation: sourceLocation)
}
