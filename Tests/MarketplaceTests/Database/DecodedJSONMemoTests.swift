import Testing
@testable import Marketplace
import Host

@Suite struct DecodedJSONMemoTests {
    @Test func eachDistinctTextDecodesToItsOwnValue() throws {
        let memo = DecodedJSONMemo<RiskLimits>(capacity: 2)
        #expect(try memo.decode(#"{"maxOpenOrders":3}"#).maxOpenOrders == 3)
        #expect(try memo.decode(#"{"maxOpenOrders":3}"#).maxOpenOrders == 3)
        #expect(try memo.decode(#"{"maxOpenOrders":4}"#).maxOpenOrders == 4)
        #expect(try memo.decode(#"{}"#).maxOpenOrders == nil, "past capacity it starts over")
        #expect(try memo.decode(#"{"maxOpenOrders":3}"#).maxOpenOrders == 3)
        #expect(throws: StoreError.self) { try memo.decode("{not json") }
    }
}
