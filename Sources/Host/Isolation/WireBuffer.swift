/// Appends little-endian integers and length-prefixed strings to a byte
/// array: the binary payload of the hot frames (event batches).
struct WireWriter {
    var bytes: [UInt8] = []

    mutating func integer<T: FixedWidthInteger>(_ value: T) {
        withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
    }

    mutating func byte(_ value: UInt8) { bytes.append(value) }

    mutating func string(_ value: String) {
        var value = value
        value.withUTF8 { utf8 in
            integer(UInt16(clamping: utf8.count))
            bytes.append(contentsOf: UnsafeRawBufferPointer(utf8).prefix(Int(UInt16.max)))
        }
    }
}

/// Reads what `WireWriter` wrote, throwing on every short or impossible
/// field: the bytes may come from a compromised worker.
struct WireReader {
    private let bytes: [UInt8]
    private var position = 0

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    var isAtEnd: Bool { position == bytes.count }
    var remaining: Int { bytes.count - position }

    mutating func integer<T: FixedWidthInteger>(_: T.Type = T.self) throws(WireError) -> T {
        let size = MemoryLayout<T>.size
        guard remaining >= size else { throw .truncated }
        var value: T = 0
        for offset in 0..<size { value |= T(truncatingIfNeeded: bytes[position + offset]) << (offset * 8) }
        position += size
        return value
    }

    mutating func byte() throws(WireError) -> UInt8 {
        guard remaining >= 1 else { throw .truncated }
        defer { position += 1 }
        return bytes[position]
    }

    mutating func string() throws(WireError) -> String {
        try utf8(Int(try integer(UInt16.self)))
    }

    /// The next `count` bytes as UTF-8 text.
    mutating func utf8(_ count: Int) throws(WireError) -> String {
        guard remaining >= count else { throw .truncated }
        defer { position += count }
        guard let text = String(validating: bytes[position..<(position + count)], as: UTF8.self) else {
            throw .invalid("string is not UTF-8")
        }
        return text
    }

    func expectEnd() throws(WireError) {
        if !isAtEnd { throw .invalid("\(remaining) trailing bytes") }
    }
}

/// A binary payload that does not parse.
enum WireError: Error, Equatable {
    case truncated
    case invalid(String)

    var reason: String {
        switch self {
        case .truncated: "payload ends early"
        case .invalid(let reason): reason
        }
    }
}
