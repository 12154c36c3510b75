import Foundation
import Testing
@testable import Host

extension RiskTests {
    /// The plain values around the engine: exact quantities, configuration
    /// coding, the denial history.
    @Suite struct Values {
        typealias F = RiskFixture

        @Test func decimalQuantityParsesExactly() throws {
            let half = try #require(DecimalQuantity(decimalText: "0.50"))
            #expect(half == DecimalQuantity(significand: 5, decimals: 1))
            #expect(half.description == "0.5")
            #expect(half.lots(quantityDecimals: 8) == 50_000_000)
            #expect(half.lots(quantityDecimals: 0) == 0)
            #expect(DecimalQuantity(decimalText: "100")?.lots(quantityDecimals: 2) == 10_000)
            #expect(DecimalQuantity(decimalText: "0.000000000000000001")?.lots(quantityDecimals: 8) == 0)
            #expect(DecimalQuantity(F.quantity("1.25"), of: F.btc).description == "1.25")
            for bad in ["-1", "1e3", "", ".", "abc", "0.0000000000000000001"] {
                #expect(DecimalQuantity(decimalText: bad) == nil, "\(bad)")
            }
        }

        @Test func limitsRoundTripThroughJSONWithReadableText() throws {
            let limits = LayeredRiskLimits(
                deployment: RiskLimits(
                    maxOrderQuantity: QuantityLimit(allSymbols: "1.5", bySymbol: ["ETHUSD": "20"]),
                    maxOrderNotional: F.money("10000.5"), priceCollarBasisPoints: 300,
                    maxPositionQuantity: .all("3"), maxGrossExposure: Money(250_000), maxOpenOrders: 20,
                    orderRate: OrderRateLimit(capacity: 10, refillTokens: 1, everySeconds: 60),
                    dailyLossLimit: Money(2_000),
                    tradingWindow: TradingWindow(weekdays: [.monday, .friday], startMinute: 570, endMinute: 960)),
                global: RiskLimits(maxOpenOrders: 100))
            let data = try JSONEncoder().encode(limits)
            let text = try #require(String(data: data, encoding: .utf8))
            #expect(text.contains("\"1.5\""))
            #expect(text.contains("[\"Mon\",\"Fri\"]"))
            #expect(try JSONDecoder().decode(LayeredRiskLimits.self, from: data) == limits)
            let bad = Data(#"{"deployment":{"maxOrderQuantity":{"allSymbols":"-1","bySymbol":{}}},"owner":{},"global":{}}"#.utf8)
            #expect(throws: DecodingError.self) { try JSONDecoder().decode(LayeredRiskLimits.self, from: bad) }
        }

        @Test func denialsAreKeptInABoundedRingOldestFirst() {
            var engine = F.engine(RiskLimits(maxOpenOrders: 0), denialHistoryLimit: 3)
            for id in 1...5 {
                expectDenied(engine.check(F.order(id: OrderID(id)), F.account(now: F.time() + Int64(id))), .maxOpenOrders)
            }
            #expect(engine.denialCount == 5)
            #expect(engine.denials.map(\.orderID) == [3, 4, 5])
            #expect(engine.denials.map(\.timeNanoseconds) == [F.time() + 3, F.time() + 4, F.time() + 5])
            #expect(engine.denials.allSatisfy { $0.reason.code == .maxOpenOrders && $0.symbol == "BTCUSD" })
        }

        @Test func acceptedOrdersAreNotRecorded() {
            var engine = F.engine()
            for _ in 0..<10 { expectAccepted(engine.check(F.order(), F.account())) }
            #expect(engine.denials.isEmpty)
            #expect(engine.denialCount == 0)
        }

        @Test func everyDenialCodeIsDistinct() {
            let codes = OrderReasonCode.allCases.map(\.rawValue)
            #expect(Set(codes).count == codes.count)
            #expect(codes.contains("killSwitch") && codes.contains("dailyLoss") && codes.contains("noReferencePrice"))
        }
    }
}
