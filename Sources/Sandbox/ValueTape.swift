import CSandbox

/// Swift's side of the tapes that carry values across the C boundary (see
/// csandbox.h): encoding arguments for a call, decoding results and
/// host-function arguments. Reused between calls to avoid allocation.
struct ArgumentTape {
    private(set) var values: [lsb_value] = []
    private(set) var arena: [UInt8] = []
    private(set) var topLevelCount: Int32 = 0
    /// The sandbox generation the tape's references and records belong to
    /// (nil: none used). A stale one is refused before reaching C.
    private(set) var pinnedGeneration: UInt64?

    mutating func reset() {
        values.removeAll(keepingCapacity: true)
        arena.removeAll(keepingCapacity: true)
        topLevelCount = 0
        pinnedGeneration = nil
    }

    mutating func pin(_ generation: UInt64) {
        if let pinned = pinnedGeneration, pinned != generation {
            pinnedGeneration = .max  // mixed sandboxes: never valid
        } else {
            pinnedGeneration = generation
        }
    }

    mutating func append(arguments: [LuaValue]) throws(SandboxError) {
        for argument in arguments { try appendTopLevel(argument) }
    }

    mutating func appendTopLevel(_ value: LuaValue) throws(SandboxError) {
        try append(value, depth: 0)
        topLevelCount += 1
    }

    mutating func appendReference(_ reference: Int32) {
        var entry = lsb_value()
        entry.kind = Int32(LSB_REFERENCE.rawValue)
        entry.integer = Int64(reference)
        values.append(entry)
        topLevelCount += 1
    }

    /// Appends a record header; its `count` values follow (`withNewSlots`).
    mutating func appendRecordHeader(layout: Int32, count: Int) {
        var entry = lsb_value()
        entry.kind = Int32(LSB_RECORD.rawValue)
        entry.integer = Int64(layout)
        entry.count = Int32(count)
        values.append(entry)
        topLevelCount += 1
    }

    /// Adds `count` zeroed values (nil) and lends `body` a pointer to the
    /// first; `body` must not append values (which could move them).
    mutating func withNewSlots<Result>(_ count: Int, _ body: (UnsafeMutablePointer<lsb_value>) -> Result) -> Result {
        let start = values.count
        values.append(contentsOf: repeatElement(lsb_value(), count: count))
        return values.withUnsafeMutableBufferPointer { body($0.baseAddress! + start) }
    }

    /// Fills `slot` (a value of this tape) with `text`, copied into the arena.
    mutating func writeString(_ text: String, into slot: UnsafeMutablePointer<lsb_value>) {
        var entry = lsb_value()
        appendString(text, into: &entry)
        slot.pointee = entry
    }

    private mutating func append(_ value: LuaValue, depth: Int) throws(SandboxError) {
        guard depth <= 32 else { throw .conversion("values nested more than 32 deep") }
        var entry = lsb_value()
        switch value {
        case .nil:
            entry.kind = Int32(LSB_NIL.rawValue)
        case .boolean(let flag):
            entry.kind = Int32(LSB_BOOLEAN.rawValue)
            entry.integer = flag ? 1 : 0
        case .integer(let number):
            entry.kind = Int32(LSB_INTEGER.rawValue)
            entry.integer = number
        case .number(let number):
            guard number.isFinite else { throw .conversion("number must be finite, got \(number)") }
            entry.kind = Int32(LSB_NUMBER.rawValue)
            entry.number = number
        case .string(let text):
            appendString(text, into: &entry)
        case .array(let elements):
            entry.kind = Int32(LSB_ARRAY.rawValue)
            entry.count = Int32(elements.count)
            values.append(entry)
            for element in elements { try append(element, depth: depth + 1) }
            return
        case .table(let fields):
            entry.kind = Int32(LSB_MAP.rawValue)
            entry.count = Int32(fields.count)
            values.append(entry)
            // Sorted so the Lua table is built the same way on every run.
            for key in fields.keys.sorted() {
                var keyEntry = lsb_value()
                appendString(key, into: &keyEntry)
                values.append(keyEntry)
                try append(fields[key]!, depth: depth + 1)
            }
            return
        }
        values.append(entry)
    }

    private mutating func appendString(_ text: String, into entry: inout lsb_value) {
        entry.kind = Int32(LSB_STRING.rawValue)
        entry.integer = Int64(arena.count)
        var text = text
        text.withUTF8 { arena.append(contentsOf: $0) }
        entry.length = arena.count - Int(entry.integer)
    }

    var isEmpty: Bool { values.isEmpty }
}

/// Decodes values from a tape C wrote. Strings are copied out, so the result
/// outlives the tape.
struct TapeReader {
    let values: UnsafePointer<lsb_value>?
    let count: Int

    /// The index of each top-level value.
    func topLevelIndices(limit: Int = .max) -> [Int] {
        var indices: [Int] = []
        var index = 0
        while index < count && indices.count < limit {
            indices.append(index)
            index = Int(values![index].end)
        }
        return indices
    }

    func decodeAll() throws(SandboxError) -> [LuaValue] {
        var result: [LuaValue] = []
        var index = 0
        while index < count {
            var cursor = index
            result.append(try decode(at: &cursor))
            index = Int(values![index].end)
        }
        return result
    }

    func decode(at index: inout Int) throws(SandboxError) -> LuaValue {
        guard index < count, let values else { throw .conversion("malformed value tape") }
        let entry = values[index]
        index += 1
        switch entry.kind {
        case Int32(LSB_NIL.rawValue): return .nil
        case Int32(LSB_BOOLEAN.rawValue): return .boolean(entry.integer != 0)
        case Int32(LSB_INTEGER.rawValue): return .integer(entry.integer)
        case Int32(LSB_NUMBER.rawValue):
            guard entry.number.isFinite else {
                throw .conversion("number must be finite, got \(entry.number)")
            }
            return .number(entry.number)
        case Int32(LSB_STRING.rawValue): return .string(Self.string(entry))
        case Int32(LSB_ARRAY.rawValue):
            var elements: [LuaValue] = []
            elements.reserveCapacity(Int(entry.count))
            for _ in 0..<entry.count { elements.append(try decode(at: &index)) }
            return .array(elements)
        case Int32(LSB_MAP.rawValue):
            var fields: [String: LuaValue] = [:]
            fields.reserveCapacity(Int(entry.count))
            for _ in 0..<entry.count {
                let key = try decode(at: &index)
                guard case .string(let name) = key else { throw .conversion("map key is not a string") }
                fields[name] = try decode(at: &index)
            }
            return .table(fields)
        default:
            throw .conversion("malformed value tape")
        }
    }

    /// The bytes of a C-written string entry, decoded as UTF-8 (invalid
    /// sequences become U+FFFD; the length is exact, so NUL bytes survive).
    static func string(_ entry: lsb_value) -> String {
        guard let base = entry.string, entry.length > 0 else { return "" }
        let bytes = UnsafeRawBufferPointer(start: base, count: entry.length)
        return String(decoding: bytes, as: UTF8.self)
    }
}
