import Testing
@testable import Host

/// The frame codec on its own: every malformed, oversized or truncated input
/// is an error, never a frame.
@Suite struct FrameDecoderTests {
    static func decoder(limit: Int = 1 << 16) -> FrameDecoder {
        FrameDecoder(maximumLength: limit, expectsWorkerFrames: true)
    }

    static func header(length: UInt32, version: UInt8 = Frame.version, type: UInt8) -> [UInt8] {
        withUnsafeBytes(of: length.littleEndian, Array.init) + [version, type]
    }

    @Test func framesRoundTripWhateverTheChunking() throws {
        let frames = [Frame(type: .batchDone, payload: Array("{}".utf8)), Frame(type: .deployed),
                      Frame(type: .stopped, payload: Array(repeating: 7, count: 5_000))]
        let bytes = frames.flatMap { $0.encoded() }
        for chunk in [1, 3, 7, 4_096, bytes.count] {
            var decoder = Self.decoder()
            var decoded: [Frame] = []
            for start in stride(from: 0, to: bytes.count, by: chunk) {
                decoder.append(Array(bytes[start..<min(start + chunk, bytes.count)]))
                while let frame = try decoder.next() { decoded.append(frame) }
            }
            #expect(decoded == frames, "chunk \(chunk)")
            try decoder.finish()
        }
    }

    @Test func aLengthBelowTheHeaderIsRefused() {
        var decoder = Self.decoder()
        decoder.append(Self.header(length: 1, type: 65))
        #expect(throws: FrameError.lengthTooSmall(1)) { try decoder.next() }
    }

    @Test func anOversizedLengthIsRefusedBeforeItsBytesArrive() {
        var decoder = Self.decoder(limit: 1_000)
        decoder.append(Self.header(length: 1_001, type: 65))
        #expect(throws: FrameError.oversized(length: 1_001, limit: 1_000)) { try decoder.next() }
        var huge = Self.decoder()
        huge.append(Self.header(length: .max, type: 65).prefix(4).map { $0 })
        #expect(throws: FrameError.oversized(length: .max, limit: 1 << 16)) { try huge.next() }
    }

    @Test func anotherVersionIsRefused() {
        var decoder = Self.decoder()
        decoder.append(Self.header(length: 2, version: 9, type: 65))
        #expect(throws: FrameError.unsupportedVersion(9)) { try decoder.next() }
    }

    @Test func unknownTypesAndTypesGoingTheWrongWayAreRefused() {
        var unknown = Self.decoder()
        unknown.append(Self.header(length: 2, type: 200))
        #expect(throws: FrameError.unknownType(200)) { try unknown.next() }
        var wrongWay = Self.decoder()
        wrongWay.append(Frame(type: .deploy).encoded())
        #expect(throws: FrameError.wrongDirection(FrameType.deploy.rawValue)) { try wrongWay.next() }
    }

    @Test func aStreamEndingInsideAFrameIsTruncated() throws {
        var decoder = Self.decoder()
        let bytes = Frame(type: .batchDone, payload: [1, 2, 3, 4]).encoded()
        decoder.append(Array(bytes.dropLast()))
        #expect(try decoder.next() == nil)
        #expect(throws: FrameError.truncated(buffered: bytes.count - 1)) { try decoder.finish() }
    }

    @Test func eventBatchesRoundTrip() throws {
        let instrument = Instrument(symbol: "BTCUSD")
        let events: [MarketEvent] = [
            .bar(Bar(time: 60, open: instrument.price(10), high: instrument.price(12), low: instrument.price(9),
                     close: instrument.price(11), volume: instrument.quantity(3)), symbol: "BTCUSD", timeframe: 60),
            MarketEvent(time: 121, symbol: "ETHUSD", payload: .trade(Trade(time: 121, price: Price(ticks: 5), quantity: Quantity(lots: 2)))),
            MarketEvent(time: 122, symbol: "BTCUSD", payload: .book(BookSnapshot(
                time: 122, bids: [BookLevel(price: Price(ticks: 9), quantity: Quantity(lots: 1))],
                asks: [BookLevel(price: Price(ticks: 11), quantity: Quantity(lots: 4)),
                       BookLevel(price: Price(ticks: 12), quantity: Quantity(lots: 5))]))),
        ]
        let decoded = try WireMarketEvents.decode(WireMarketEvents.encode(sequence: 42, events))
        #expect(decoded.sequence == 42)
        #expect(decoded.events == events)
    }

    @Test func truncatedOrLyingEventPayloadsAreRefused() {
        let instrument = Instrument(symbol: "X")
        let bar = Bar(time: 0, open: instrument.price(1), high: instrument.price(1), low: instrument.price(1),
                      close: instrument.price(1), volume: instrument.quantity(1))
        let bytes = WireMarketEvents.encode(sequence: 1, [.bar(bar, symbol: "X", timeframe: 60)])
        for cut in [1, 9, 12, 20, bytes.count - 1] {
            #expect(throws: WireError.self) { try WireMarketEvents.decode(Array(bytes.prefix(cut))) }
        }
        var lyingCount = bytes
        lyingCount[8] = 0xff
        lyingCount[9] = 0xff
        #expect(throws: WireError.self) { try WireMarketEvents.decode(lyingCount) }
        var badKind = bytes
        badKind[12 + 8 + 2 + 1] = 9
        #expect(throws: WireError.self) { try WireMarketEvents.decode(badKind) }
        #expect(throws: WireError.self) { try WireMarketEvents.decode(bytes + [0]) }
    }
}
