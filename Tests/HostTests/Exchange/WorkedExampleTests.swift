import Host
import Testing

extension ExchangeTests {
    /// The worked example of docs/fills.md, with every number computed by
    /// hand there. If this test changes, the document changes with it.
    @Suite("docs/fills.md worked example")
    struct WorkedExample {
        static let configuration = ExchangeConfiguration(
            commission: CommissionModel(hundredthsOfBasisPoint: 1_000, fixedPerOrder: Money(1)),  // 10 bps + 1.00
            slippage: SlippageModel(hundredthsOfBasisPoint: 500))                                   // 5 bps

        static func btcBar(_ index: Int64, _ open: String, _ high: String, _ low: String, _ close: String) -> Bar {
            Bar(time: at(index), open: btc.price(decimalText: open)!, high: btc.price(decimalText: high)!,
                low: btc.price(decimalText: low)!, close: btc.price(decimalText: close)!,
                volume: Quantity(lots: 1_250_000_000))
        }

        @Test func allInBuyThenGappedStop() {
            var venue = Harness(Self.configuration)
            let sizer = FixedEquitySizer(equity: Money(10_000), commission: Self.configuration.commission)

            // Step 1: on bar 0 (close 30,100.00) the strategy goes all in with a market buy.
            let bar0 = Self.btcBar(0, "30000.00", "30200.00", "29900.00", "30100.00")
            #expect(venue.run(bar0, symbol: "BTCUSD", sizer: sizer).isEmpty)
            // It decides when bar 0 closes, at bar 1's opening time.
            venue.place(sized(1, .buy, .market, .equityFraction(1), symbol: "BTCUSD", createdAt: at(1)), now: at(1))

            // Step 2: it fills at bar 1's open 30,123.45 plus 5 bps (1,506.1725 ticks → 1,507).
            let bar1 = Self.btcBar(1, "30123.45", "30300.00", "29800.00", "29900.00")
            let buyEvents = venue.run(bar1, symbol: "BTCUSD", sizer: sizer)
            #expect(buyEvents.count == 1)
            let buy = fills(buyEvents)[0]
            #expect(buy.price == btc.price(decimalText: "30138.52"))
            #expect(buy.quantity == Quantity(lots: 33_143_667))             // 0.33143667 BTC
            #expect(buy.notional == money("9989.01070753"))
            #expect(buy.fee == money("10.98901071"))                        // 9.98901071 + 1.00
            #expect(buy.notional + buy.fee == money("9999.99971824"))        // within 10,000.00
            #expect(buy.time == at(1))

            // Step 3: at bar 1's close it protects the position with a sell stop at 29,500.00.
            venue.place(order(2, .sell, .stop(trigger: btc.price(decimalText: "29500.00")!), 33_143_667,
                              symbol: "BTCUSD", createdAt: at(2)), now: at(2))

            // Step 4: bar 2 gaps down to 29,400.00: filled at the open less 5 bps (1,470 ticks).
            let bar2 = Self.btcBar(2, "29400.00", "29600.00", "29000.00", "29100.00")
            let sellEvents = venue.run(bar2, symbol: "BTCUSD", sizer: sizer)
            let sell = fills(sellEvents)[0]
            #expect(sell.price == btc.price(decimalText: "29385.30"))
            #expect(sell.notional == money("9739.36597895"))
            #expect(sell.fee == money("10.73936598"))
            #expect(last(2, sellEvents)?.status == .filled)

            // Net: −271.37310527.
            let net = (sell.notional - sell.fee) - (buy.notional + buy.fee)
            #expect(net == money("-271.37310527"))
        }
    }
}
