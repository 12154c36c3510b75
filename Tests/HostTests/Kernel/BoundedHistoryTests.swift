import Testing
@testable import Host

@Suite struct BoundedHistoryTests {
    @Test func keepsTheLatestItemsOldestFirst() {
        var history = BoundedHistory<Int>(limit: 3)
        #expect(history.elements.isEmpty)
        for value in 1...2 { history.append(value) }
        #expect(history.elements == [1, 2])
        for value in 3...7 { history.append(value) }
        #expect(history.elements == [5, 6, 7])
        #expect(history.count == 3)
    }

    @Test func aZeroLimitKeepsNothing() {
        var history = BoundedHistory<Int>(limit: 0)
        history.append(1)
        #expect(history.isEmpty)
    }

    /// The kernel's rejected-order list stays bounded and in order.
    @Test func theKernelKeepsTheLatestThousandRejections() throws {
        let kernel = try DeploymentKernel(configuration: DeploymentConfiguration(
            source: "function on_bar(ctx, bar) for i = 1, 600 do ctx.buy { quantity = 1e-12 } end end",
            instruments: [Instrument(symbol: "BTCUSD", priceDecimals: 2, quantityDecimals: 8)]))
        kernel.start(at: 0)
        for minute in 0..<3 {
            let bar = Bar(time: Int64(minute) * 60, open: Price(ticks: 100), high: Price(ticks: 100),
                          low: Price(ticks: 100), close: Price(ticks: 100), volume: Quantity(lots: 1))
            kernel.handle(.bar(bar, symbol: "BTCUSD", timeframe: 60))
        }
        let rejected = kernel.rejectedOrders
        #expect(rejected.count == 1_000)
        #expect(rejected.map(\.id) == Array(rejected.map(\.id).sorted()))
        #expect(rejected.last?.id == 1_800)
    }
}
