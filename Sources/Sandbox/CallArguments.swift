import CSandbox

/// A value pinned in one sandbox (a host module, for instance) that calls
/// can pass without looking it up or converting it again.
public struct LuaReference: Sendable, Hashable {
    let reference: Int32
    let generation: UInt64
}

/// The keys of a table the host passes on every call (an event), interned in
/// the sandbox once so passing one costs no string hashing and no key copies.
///
/// Plain integers only (the keys live in the sandbox), so passing a layout on
/// every event copies no reference-counted storage.
public struct RecordLayout: Sendable, Hashable {
    /// How many keys (values per record).
    public let keyCount: Int
    let reference: Int32
    let generation: UInt64
}

/// Arguments for a call, built by the caller and reusable between calls to
/// avoid allocating on the event path.
public struct CallArguments {
    var tape = ArgumentTape()

    public init() {}

    /// Builds arguments from plain values.
    public init(_ values: [LuaValue]) throws(SandboxError) {
        try tape.append(arguments: values)
    }

    public mutating func removeAll() {
        tape.reset()
    }

    public mutating func append(_ value: LuaValue) throws(SandboxError) {
        try tape.appendTopLevel(value)
    }

    public mutating func append(_ reference: LuaReference) {
        tape.pin(reference.generation)
        tape.appendReference(reference.reference)
    }

    /// Appends a table with the layout's keys; `write` must write exactly one
    /// value per key, in the layout's order.
    public mutating func appendRecord(_ layout: RecordLayout, _ write: (inout RecordWriter) -> Void) {
        tape.pin(layout.generation)
        tape.appendRecordHeader(layout: layout.reference, count: layout.keyCount)
        // The writer appends to this tape in place (moving the tape into a
        // writer and back copied and released its arrays on every event).
        let written = withUnsafeMutablePointer(to: &tape) { pointer in
            var writer = RecordWriter(tape: pointer)
            write(&writer)
            return writer.written
        }
        precondition(written == layout.keyCount, "a record must have exactly one value per key")
    }
}

/// Writes the values of one record, in its layout's key order. Valid only
/// inside the `appendRecord` closure that hands it out.
public struct RecordWriter {
    let tape: UnsafeMutablePointer<ArgumentTape>
    var written = 0

    public mutating func integer(_ value: Int64) { tape.pointee.appendInteger(value); written += 1 }
    /// Non-finite numbers are written as 0: events never carry them.
    public mutating func number(_ value: Double) { tape.pointee.appendNumber(value); written += 1 }
    public mutating func string(_ value: String) { tape.pointee.appendStringValue(value); written += 1 }
    public mutating func boolean(_ value: Bool) { tape.pointee.appendBoolean(value); written += 1 }
    /// The field is nil in this record.
    public mutating func absent() { tape.pointee.appendNil(); written += 1 }
    /// A string, or nil when absent.
    public mutating func string(_ value: String?) {
        if let value { string(value) } else { absent() }
    }
    /// A number, or nil when absent.
    public mutating func number(_ value: Double?) {
        if let value { number(value) } else { absent() }
    }
}
