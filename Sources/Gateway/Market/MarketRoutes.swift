import Host
import Hummingbird
import Platform

/// `/api/market`: instruments, last price, recent candles and the order
/// book as the feed last published them, in the API's units: prices and
/// quantities are decimal strings in the instrument's precision, times ISO-8601.
struct MarketRoutes {
    let gateway: Gateway

    struct InstrumentView: Codable, ResponseEncodableBody {
        var symbol: String
        var priceDecimals: Int
        var quantityDecimals: Int
        /// The smallest order quantity.
        var minimumQuantity: String
        var currency: String
    }
    struct PriceView: Codable, ResponseEncodableBody {
        var symbol: String
        /// Null before the first trade.
        var price: String?
        /// Market time of the last trade (null before the first).
        var time: Timestamp?
    }
    struct CandleView: Codable, Sendable {
        /// The bar's opening market time.
        var time: Timestamp
        var open, high, low, close, volume: String
    }
    struct CandlesView: Codable, ResponseEncodableBody {
        var symbol: String
        var timeframe: Int64
        var candles: [CandleView]
    }
    struct BookView: Codable, ResponseEncodableBody {
        struct Level: Codable { var price, quantity: String }
        var symbol: String
        var time: Timestamp?
        var bids: [Level]
        var asks: [Level]
    }

    func add(to group: APIRoutes) {
        let tape = gateway.tape
        group.get("market/instruments", "Instruments of the feed") { _, _ in
            tape.instruments.map {
                InstrumentView(symbol: $0.symbol, priceDecimals: $0.priceDecimals, quantityDecimals: $0.quantityDecimals,
                               minimumQuantity: APIUnits.quantity($0.minimumQuantity, $0), currency: APIUnits.currency)
            }
        }
        group.get("market/:symbol/price", "Last price") { _, context in
            let (instrument, state) = try Self.lookup(tape, context)
            return PriceView(symbol: instrument.symbol, price: state?.lastPrice.map { APIUnits.price($0, instrument) },
                             time: state?.lastPrice == nil ? nil : state.map { Timestamp($0.lastTime) })
        }
        group.get("market/:symbol/candles", "Recent candles (?limit=1..200)") { request, context in
            let (instrument, state) = try Self.lookup(tape, context)
            let limit = try request.limit(default: 100)
            let candles = (state?.bars.suffix(limit) ?? []).map { CandleView($0, instrument) }
            return CandlesView(symbol: instrument.symbol, timeframe: state?.timeframe ?? 0, candles: candles)
        }
        group.get("market/:symbol/book", "Order book snapshot") { _, context in
            let (instrument, state) = try Self.lookup(tape, context)
            return BookView(symbol: instrument.symbol, book: state?.book, instrument)
        }
    }

    static func lookup(_ tape: MarketTape, _ context: GatewayContext) throws -> (Instrument, MarketTape.SymbolState?) {
        guard let symbol = context.parameters.get("symbol"), let instrument = tape.instrument(symbol.uppercased()) else {
            throw APIError.notFound("symbol")
        }
        return (instrument, tape.snapshot(instrument.symbol))
    }
}

extension Array: @retroactive ResponseGenerator where Element: Encodable & Sendable {}
extension Array: @retroactive ResponseEncodable where Element: Encodable & Sendable {}

extension MarketRoutes.CandleView {
    init(_ bar: Bar, _ instrument: Instrument) {
        self.init(time: Timestamp(bar.time), open: APIUnits.price(bar.open, instrument), high: APIUnits.price(bar.high, instrument),
                  low: APIUnits.price(bar.low, instrument), close: APIUnits.price(bar.close, instrument),
                  volume: APIUnits.quantity(bar.volume, instrument))
    }
}

extension MarketRoutes.BookView {
    init(symbol: String, book: BookSnapshot?, _ instrument: Instrument) {
        let level = { (level: BookLevel) in Level(price: APIUnits.price(level.price, instrument), quantity: APIUnits.quantity(level.quantity, instrument)) }
        self.init(symbol: symbol, time: Timestamp(book?.time), bids: book?.bids.map(level) ?? [], asks: book?.asks.map(level) ?? [])
    }
}
