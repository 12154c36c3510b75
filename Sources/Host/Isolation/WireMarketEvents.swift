/// The binary layout of an event batch, the one frame sent per batch to
/// every worker (measured: JSON for the same batch was several times larger
/// and slower to decode, see docs/isolation.md).
///
///     sequence u64, count u32, then per event:
///     time i64, symbol (u16 length + UTF-8), kind u8 (0 bar, 1 trade, 2 book)
///     bar:   timeframe i64, open time i64, open, high, low, close i64 ticks, volume i64 lots
///     trade: time i64, price i64, quantity i64
///     book:  time i64, bid count u16, ask count u16, (price i64, quantity i64) per level
enum WireMarketEvents {
    /// A batch above this many events is refused (a worker never sends these;
    /// the limit bounds what a corrupt length can make the worker allocate).
    static let maximumEvents = 1 << 20

    static func encode(sequence: UInt64, _ events: [MarketEvent]) -> [UInt8] {
        var writer = WireWriter()
        writer.bytes.reserveCapacity(12 + events.count * 72)
        writer.integer(sequence)
        writer.integer(UInt32(events.count))
        for event in events {
            writer.integer(event.time)
            writer.string(event.symbol)
            switch event.payload {
            case .bar(let bar, let timeframe):
                writer.byte(0)
                writer.integer(timeframe)
                for value in [bar.time, bar.open.ticks, bar.high.ticks, bar.low.ticks, bar.close.ticks, bar.volume.lots] {
                    writer.integer(value)
                }
            case .trade(let trade):
                writer.byte(1)
                writer.integer(trade.time)
                writer.integer(trade.price.ticks)
                writer.integer(trade.quantity.lots)
            case .book(let book):
                writer.byte(2)
                writer.integer(book.time)
                writer.integer(UInt16(clamping: book.bids.count))
                writer.integer(UInt16(clamping: book.asks.count))
                for level in book.bids.prefix(Int(UInt16.max)) + book.asks.prefix(Int(UInt16.max)) {
                    writer.integer(level.price.ticks)
                    writer.integer(level.quantity.lots)
                }
            }
        }
        return writer.bytes
    }

    static func decode(_ bytes: [UInt8]) throws(WireError) -> (sequence: UInt64, events: [MarketEvent]) {
        var reader = WireReader(bytes)
        let sequence = try reader.integer(UInt64.self)
        let count = Int(try reader.integer(UInt32.self))
        // The smallest event is 8 + 2 + 1 + 24 bytes: a count the bytes cannot hold is a lie.
        guard count <= maximumEvents, count * 35 <= reader.remaining else { throw .invalid("event count \(count)") }
        var events: [MarketEvent] = []
        events.reserveCapacity(count)
        for _ in 0..<count {
            let time = try reader.integer(Int64.self)
            let symbol = try reader.string()
            switch try reader.byte() {
            case 0:
                let timeframe = try reader.integer(Int64.self)
                let bar = Bar(time: try reader.integer(), open: Price(ticks: try reader.integer()),
                              high: Price(ticks: try reader.integer()), low: Price(ticks: try reader.integer()),
                              close: Price(ticks: try reader.integer()), volume: Quantity(lots: try reader.integer()))
                events.append(MarketEvent(time: time, symbol: symbol, payload: .bar(bar, timeframe: timeframe)))
            case 1:
                let trade = Trade(time: try reader.integer(), price: Price(ticks: try reader.integer()),
                                  quantity: Quantity(lots: try reader.integer()))
                events.append(MarketEvent(time: time, symbol: symbol, payload: .trade(trade)))
            case 2:
                let bookTime = try reader.integer(Int64.self)
                let bidCount = Int(try reader.integer(UInt16.self))
                let askCount = Int(try reader.integer(UInt16.self))
                guard (bidCount + askCount) * 16 <= reader.remaining else { throw .truncated }
                var levels: [BookLevel] = []
                for _ in 0..<(bidCount + askCount) {
                    levels.append(BookLevel(price: Price(ticks: try reader.integer()), quantity: Quantity(lots: try reader.integer())))
                }
                let book = BookSnapshot(time: bookTime, bids: Array(levels[..<bidCount]), asks: Array(levels[bidCount...]))
                events.append(MarketEvent(time: time, symbol: symbol, payload: .book(book)))
            case let kind:
                throw .invalid("event kind \(kind)")
            }
        }
        try reader.expectEnd()
        return (sequence, events)
    }
}
