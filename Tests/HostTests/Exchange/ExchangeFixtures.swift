import Host
import Testing

/// The paper exchange suites and their fixtures. Everything lives inside this
/// namespace so `--filter ExchangeTests` runs them all and no helper name can
/// collide with another suite's in the HostTests target.
@Suite enum ExchangeTests {
    /// Shares with two decimals of price: notionals are exact, fees never round.
    static let acme = Instrument(symbol: "ACME", priceDecimals: 2, quantityDecimals: 0)
    /// Crypto with 10^-8 lots: notionals round at 10^-8 (pd + qd = 10).
    static let btc = Instrument(symbol: "BTCUSD", priceDecimals: 2, quantityDecimals: 8)

    /// 2024-01-01 00:00:00 UTC.
    static let dayStart: Int64 = 1_704_067_200
    static let hour: Int64 = 3_600

    /// "100.25" as ticks of two decimals.
    static func px(_ text: String) -> Price { acme.price(decimalText: text)! }
    static func lots(_ value: Int64) -> Quantity { Quantity(lots: value) }
    static func money(_ text: String) -> Money { Money(decimalText: text)! }

    /// An hourly bar `index` hours after `dayStart`.
    static func bar(_ index: Int64, _ open: String, _ high: String, _ low: String, _ close: String,
                    volume: Int64 = 1_000_000) -> Bar {
        Bar(time: dayStart + index * hour, open: px(open), high: px(high), low: px(low), close: px(close),
            volume: lots(volume))
    }

    /// The time of bar `index`.
    static func at(_ index: Int64) -> Int64 { dayStart + index * hour }

    static func order(_ id: OrderID, _ side: Side, _ type: OrderType, _ quantity: Int64, tif: TimeInForce = .gtc,
                      symbol: String = "ACME", createdAt: Int64 = dayStart) -> Order {
        Order(id: id, symbol: symbol, side: side, type: type, timeInForce: tif, sizing: .quantity(lots(quantity)),
              quantity: lots(quantity), createdAt: createdAt)
    }

    static func sized(_ id: OrderID, _ side: Side, _ type: OrderType, _ sizing: OrderSizing,
                      tif: TimeInForce = .gtc, symbol: String = "ACME", createdAt: Int64 = dayStart) -> Order {
        Order(id: id, symbol: symbol, side: side, type: type, timeInForce: tif, sizing: sizing, quantity: .zero,
              createdAt: createdAt)
    }

    static func fills(_ events: [ExchangeEvent]) -> [Fill] { events.compactMap(\.fill) }

    /// "#id lots@price" per fill, for compact expectations.
    static func summary(_ events: [ExchangeEvent]) -> [String] {
        fills(events).map { "#\($0.orderID) \($0.quantity.lots)@\(FixedPoint.format($0.price.ticks, decimals: 2))" }
    }

    /// The last state reported for `id`.
    static func last(_ id: OrderID, _ events: [ExchangeEvent]) -> Order? {
        events.last(where: { $0.order.id == id })?.order
    }

    /// An exchange trading ACME and BTCUSD, with helpers that collect events.
    struct Harness {
        var exchange: PaperExchange

        init(_ configuration: ExchangeConfiguration = ExchangeConfiguration()) {
            exchange = PaperExchange(configuration: configuration, instruments: [acme, btc])
        }

        /// Submits and checks the order was accepted unchanged.
        mutating func place(_ order: Order, now: Int64 = dayStart,
                            sourceLocation: SourceLocation = #_sourceLocation) {
            let events = exchange.submit(order, now: now)
            #expect(events == [.orderUpdated(order)], "order \(order.id) should be accepted",
                    sourceLocation: sourceLocation)
        }

        mutating func run(_ bar: Bar, symbol: String = "ACME",
                          sizer: some FillSizer = FixedEquitySizer(equity: .zero)) -> [ExchangeEvent] {
            var events: [ExchangeEvent] = []
            exchange.match(bar, symbol: symbol, sizer: sizer, into: &events)
            return events
        }

        mutating func run(_ trade: Trade, symbol: String = "ACME",
                          sizer: some FillSizer = FixedEquitySizer(equity: .zero)) -> [ExchangeEvent] {
            var events: [ExchangeEvent] = []
            exchange.match(trade, symbol: symbol, sizer: sizer, into: &events)
            return events
        }

        mutating func run(_ book: BookSnapshot, symbol: String = "ACME",
                          sizer: some FillSizer = FixedEquitySizer(equity: .zero)) -> [ExchangeEvent] {
            var events: [ExchangeEvent] = []
            exchange.match(book, symbol: symbol, sizer: sizer, into: &events)
            return events
        }
    }
}
