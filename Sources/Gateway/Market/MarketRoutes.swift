import Host
import Hummingbird
import Platform

/// `/api/market`: instruments, last price, recent candles and the order
/// book as the feed last published them. Prices are decimals in the
/// instrument's precision (display data; the exact values stay in the Host).
struct MarketRoutes {
    let gateway: Gateway

    struct InstrumentView: Codable, ResponseEncodableBody {
        var symbol: String
        var priceDecimals: Int
        var quantityDecimals: Int
    }
    struct PriceView: Codable, ResponseEncodableBody {
        var symbol: String
        var price: Double?
        var time: Int64
    }
    struct CandleView: Codable, ResponseEncodableBody {
        var time: Int64
        var open, high, low, close, volume: Double
    }
    struct CandlesView: Codable, ResponseEncodableBody {
        var symbol: String
        var timeframe: Int64
        var candles: [CandleView]
    }
    struct BookView: Codable, ResponseEncodableBody {
        struct Level: Codable { var price, quantity: Double }
        var symbol: String
        var time: Int64?
        var bids: [Level]
        var asks: [Level]
    }

    func add(to group: RouterGroup<GatewayContext>) {
        let tape = gateway.tape
        group.get("market/instruments") { _, _ in
            tape.instruments.map { InstrumentView(symbol: $0.symbol, priceDecimals: $0.priceDecimals, quantityDecimals: $0.quantityDecimals) }
        }
        group.get("market/:symbol/price") { _, context in
            let (instrument, state) = try Self.lookup(tape, context)
            return PriceView(symbol: instrument.symbol, price: state?.lastPrice.map(instrument.double), time: state?.lastTime ?? 0)
        }
        group.get("market/:symbol/candles") { request, context in
            let (instrument, state) = try Self.lookup(tape, context)
            let limit = try request.limit(default: 100)
            let candles = (state?.bars.suffix(limit) ?? []).map { CandleView($0, instrument) }
            return CandlesView(symbol: instrument.symbol, timeframe: state?.timeframe ?? 0, candles: candles)
        }
        group.get("market/:symbol/book") { _, context in
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
        self.init(time: bar.time, open: instrument.double(bar.open), high: instrument.double(bar.high), low: instrument.double(bar.low),
                  close: instrument.double(bar.close), volume: instrument.double(bar.volume))
    }
}

extension MarketRoutes.BookView {
    init(symbol: String, book: BookSnapshot?, _ instrument: Instrument) {
        let level = { (level: BookLevel) in Level(price: instrument.double(level.price), quantity: instrument.double(level.quantity)) }
        self.init(symbol: symbol, time: book?.time, bids: book?.bids.map(level) ?? [], asks: book?.asks.map(level) ?? [])
    }
}
