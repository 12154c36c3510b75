import Sandbox

// Binary forms of the small values reports are made of. Every read checks
// what it reads: an enum tag out of range, a count the bytes cannot hold or
// a value a precondition would trap on is a `WireError`, never a crash.

extension WireWriter {
    mutating func bool(_ value: Bool) { byte(value ? 1 : 0) }

    mutating func optional<T>(_ value: T?, _ write: (inout WireWriter, T) -> Void) {
        guard let value else { return byte(0) }
        byte(1)
        write(&self, value)
    }

    mutating func count(_ value: Int) { integer(UInt32(clamping: value)) }

    /// A string up to 4 GiB (log lines, state strings), unlike `string`'s 64 KiB.
    mutating func text(_ value: String) {
        var value = value
        value.withUTF8 { utf8 in
            count(utf8.count)
            bytes.append(contentsOf: UnsafeRawBufferPointer(utf8))
        }
    }

    mutating func lua(_ value: LuaValue) {
        switch value {
        case .nil: byte(0)
        case .boolean(let flag): byte(1); bool(flag)
        case .integer(let value): byte(2); integer(value)
        case .number(let number): byte(3); integer(number.bitPattern)
        case .string(let string): byte(4); text(string)
        case .array(let items):
            byte(5)
            count(items.count)
            for item in items { lua(item) }
        case .table(let fields):
            byte(6)
            count(fields.count)
            for key in fields.keys.sorted() {
                text(key)
                lua(fields[key]!)
            }
        }
    }
}

extension WireReader {
    mutating func bool() throws(WireError) -> Bool {
        switch try byte() {
        case 0: false
        case 1: true
        case let other: throw .invalid("boolean \(other)")
        }
    }

    mutating func optional<T>(_ read: (inout WireReader) throws(WireError) -> T) throws(WireError) -> T? {
        try bool() ? try read(&self) : nil
    }

    /// A count of items each at least `minimumBytes` long.
    mutating func count(minimumBytes: Int = 1) throws(WireError) -> Int {
        let value = Int(try integer(UInt32.self))
        guard value * max(minimumBytes, 1) <= remaining else { throw .invalid("count \(value) exceeds the payload") }
        return value
    }

    mutating func text() throws(WireError) -> String {
        let length = try count()
        return try utf8(length)
    }

    mutating func lua(depth: Int = 0) throws(WireError) -> LuaValue {
        guard depth < 64 else { throw .invalid("value nested deeper than 64") }
        switch try byte() {
        case 0: return .nil
        case 1: return .boolean(try bool())
        case 2: return .integer(try integer())
        case 3: return .number(Double(bitPattern: try integer()))
        case 4: return .string(try text())
        case 5:
            var items: [LuaValue] = []
            for _ in 0..<(try count()) { items.append(try lua(depth: depth + 1)) }
            return .array(items)
        case 6:
            var fields: [String: LuaValue] = [:]
            for _ in 0..<(try count(minimumBytes: 5)) {
                let key = try text()
                fields[key] = try lua(depth: depth + 1)
            }
            return .table(fields)
        case let tag: throw .invalid("value tag \(tag)")
        }
    }

    mutating func side() throws(WireError) -> Side {
        try bool() ? .sell : .buy
    }

    mutating func instrument() throws(WireError) -> Instrument {
        let symbol = try string()
        let priceDecimals = Int(try byte())
        let quantityDecimals = Int(try byte())
        let minimum = Quantity(lots: try integer())
        guard priceDecimals <= 8, quantityDecimals <= 8 else { throw .invalid("instrument decimals") }
        return Instrument(symbol: symbol, priceDecimals: priceDecimals, quantityDecimals: quantityDecimals,
                          minimumQuantity: minimum)
    }
}

extension WireWriter {
    mutating func side(_ value: Side) { bool(value == .sell) }

    mutating func instrument(_ value: Instrument) {
        string(value.symbol)
        byte(UInt8(value.priceDecimals))
        byte(UInt8(value.quantityDecimals))
        integer(value.minimumQuantity.lots)
    }
}
