import Testing
@testable import Host

/// The order router driven directly, with no Lua state: grid placement, the
/// risk gate, and what reaches the exchange.
@Suite struct OrderRouterTests {
    static let btc = Instrument(symbol: "BTCUSD", priceDecimals: 2, quantityDecimals: 4)
    static let eth = Instrument(symbol: "ETHUSD", priceDecimals: 2, quantityDecimals: 4)
    /// 2024-01-01 12:00 UTC, in seconds.
    static let now: Int64 = 1_704_110_400

    /// A router trading BTCUSD only (ETHUSD is an instrument of the account
    /// but not one of the deployment's symbols), and a portfolio of 10,000
    /// marked at 100.00.
    struct Desk {
        var router: OrderRouter
        var portfolio: Portfolio
        var events: [ExchangeEvent] = []
        let board = KillSwitchBoard()

        init() {
            let instruments = [OrderRouterTests.btc, OrderRouterTests.eth]
            router = OrderRouter(instruments: instruments, symbols: ["BTCUSD"],
                                 exchange: PaperExchange(instruments: instruments),
                                 risk: RiskEngine(deploymentID: "dep-1", ownerID: "alice", killSwitches: board))
            portfolio = Portfolio(cash: Money(10_000), instruments: instruments)
            portfolio.mark(symbol: "BTCUSD", price: OrderRouterTests.btc.price(decimalText: "100.00")!)
        }

        mutating func submit(_ request: OrderRequest) -> OrderSubmission {
            router.submit(request, portfolio: portfolio, now: OrderRouterTests.now, events: &events)
        }

        mutating func bracket(_ request: BracketRequest) -> [OrderSubmission] {
            router.submitBracket(request, portfolio: portfolio, now: OrderRouterTests.now, events: &events)
        }

        mutating func replace(_ id: OrderID, quantity: Double? = nil, price: Double? = nil,
                              trigger: Double? = nil) -> OrderReason? {
            router.replace(id, quantity: quantity, price: price, trigger: trigger, portfolio: portfolio,
                           now: OrderRouterTests.now, events: &events)
        }

        mutating func close(_ symbol: String) -> OrderSubmission? {
            router.close(symbol: symbol, portfolio: portfolio, now: OrderRouterTests.now, events: &events)
        }
    }

    static func buy(_ quantity: Double, symbol: String = "BTCUSD", limit: Double = 100) -> OrderRequest {
        OrderRequest(symbol: symbol, side: .buy, kind: .limit, size: .quantity(quantity), price: limit)
    }

    @Test func anAcceptedOrderReachesTheExchange() {
        var desk = Desk()
        let submission = desk.submit(Self.buy(1))
        #expect(submission == OrderSubmission(id: 1, rejection: nil))
        #expect(desk.router.exchange.openOrders(symbol: "BTCUSD").map(\.id) == [1])
        #expect(desk.events.map(\.order.status) == [.accepted])
        #expect(desk.router.rejectedHistory.elements.isEmpty)
        #expect(desk.router.nextOrderID == 2)
    }

    @Test func anOrderThatRoundsToZeroLotsIsRefusedOnTheGrid() {
        var desk = Desk()
        let submission = desk.submit(Self.buy(0.00001))  // below one lot of 0.0001
        #expect(submission.rejection?.code == .quantityTooSmall)
        #expect(!desk.router.exchange.hasWorkingOrders)
        #expect(desk.events.map(\.order.status) == [.rejected])
        #expect(desk.router.rejectedHistory.elements.map(\.id) == [1])
    }

    @Test func anUnknownSymbolIsRefused() {
        var desk = Desk()
        let unknown = desk.submit(Self.buy(1, symbol: "NOPE"))
        #expect(unknown.rejection?.code == .unknownSymbol)
        // An instrument of the account that the deployment does not trade.
        let untraded = desk.submit(Self.buy(1, symbol: "ETHUSD"))
        #expect(untraded.rejection?.code == .unknownSymbol)
        #expect(!desk.router.exchange.hasWorkingOrders)
        #expect(desk.router.nextOrderID == 3, "a refused order still takes its id")
    }

    @Test func anOutOfRangePriceIsRefusedBeforeTheGate() {
        var desk = Desk()
        let infinite = desk.submit(Self.buy(1, limit: .infinity))
        #expect(infinite.rejection?.code == .priceOutOfRange)
        let belowATick = desk.submit(Self.buy(1, limit: 0.001))
        #expect(belowATick.rejection?.code == .invalidPrice)
        #expect(desk.router.risk.denials.isEmpty, "the risk gate never saw them")
    }

    @Test func aRiskDenialNeverReachesTheExchange() {
        var desk = Desk()
        desk.board.engage(.deployment("dep-1"))
        let submission = desk.submit(Self.buy(1))
        #expect(submission.rejection?.code == .killSwitch)
        #expect(!desk.router.exchange.hasWorkingOrders)
        #expect(desk.router.risk.denials.map(\.orderID) == [1])
        #expect(desk.events.map(\.order.status) == [.rejected])
        #expect(desk.events.first?.order.reason?.code == .killSwitch)
    }

    @Test func aBracketSendsItsLegsOnlyWithItsEntry() {
        var desk = Desk()
        let request = BracketRequest(entry: Self.buy(1), takeProfit: 110, stopLoss: 90)
        let sent = desk.bracket(request)
        #expect(sent.map(\.id) == [1, 2, 3] && sent.allSatisfy { $0.rejection == nil })
        desk.board.engage(.deployment("dep-1"))
        let refused = desk.bracket(request)
        #expect(refused.map(\.rejection?.code) == [.killSwitch])
        #expect(desk.router.exchange.openOrders(symbol: nil).count == 3, "only the first bracket rests")
    }

    @Test func aReplaceIsCheckedLikeANewOrder() {
        var desk = Desk()
        _ = desk.submit(Self.buy(1))
        let unknown = desk.replace(9, price: 99)
        let trigger = desk.replace(1, trigger: 99)
        let tooSmall = desk.replace(1, quantity: 0.00001)
        let repriced = desk.replace(1, price: 99)
        #expect(unknown?.code == .unknownOrder)
        #expect(trigger?.code == .invalidReplace, "a limit order has no trigger")
        #expect(tooSmall?.code == .quantityTooSmall)
        #expect(repriced == nil)
        desk.board.engage(.deployment("dep-1"))
        let denied = desk.replace(1, price: 98)
        #expect(denied?.code == .killSwitch)
        #expect(desk.router.exchange.order(1)?.type == .limit(Self.btc.price(decimalText: "99.00")!))
    }

    @Test func closeWithoutAPositionSendsNothing() {
        var desk = Desk()
        let closed = desk.close("BTCUSD")
        #expect(closed == nil)
        #expect(desk.events.isEmpty && desk.router.nextOrderID == 1)
    }

    @Test func aBulkRefusalNamesItsLegAndTakesNoID() {
        let desk = Desk()
        let legs = [Self.buy(1), Self.buy(1, symbol: "NOPE")]
        let refusal = desk.router.firstRefusal(amongLegs: legs, portfolio: desk.portfolio, now: Self.now)
        #expect(refusal?.leg == 1 && refusal?.reason.code == .unknownSymbol)
        #expect(desk.router.firstRefusal(amongLegs: [Self.buy(1)], portfolio: desk.portfolio, now: Self.now) == nil)
        #expect(desk.router.nextOrderID == 1 && !desk.router.exchange.hasWorkingOrders)
    }
}
