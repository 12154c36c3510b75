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
        // The record's slots are added at once and the writer stores into
        // them in place (the event path: one array growth check per record,
        // not one append with its uniqueness check per field). Strings go to
        // the arena, which the slots do not move.
        let written = withUnsafeMutablePointer(to: &tape) { pointer in
            pointer.pointee.withNewSlots(layout.keyCount) { slots in
                var writer = RecordWriter(tape: pointer, slots: slots, capacity: layout.keyCount)
                write(&writer)
                return writer.written
            }
        }
        precondition(written == layout.keyCount, "a record must have exactly one value per key")
    }
}

/// Writes the values of one record, in its layout's key order. Valid only
/// inside the `appendRecord` closure that hands it out.
public struct RecordWriter {
    let tape: UnsafeMutablePointer<ArgumentTape>
    @usableFromInline let slots: UnsafeMutablePointer<lsb_value>
    @usableFromInline let capacity: Int
    @usableFromInline var written = 0

    init(tape: UnsafeMutablePointer<ArgumentTape>, slots: UnsafeMutablePointer<lsb_value>, capacity: Int) {
        self.tape = tape
        self.slots = slots
        self.capacity = capacity
    }

    /// The next slot, which the caller fills; one past the record is refused.
    @inlinable @inline(__always)
    mutating func next(_ kind: lsb_kind) -> UnsafeMutablePointer<lsb_value> {
        precondition(written < capacity, "a record must have exactly one value per key")
        let slot = slots + written
        written += 1
        slot.pointee.kind = Int32(kind.rawValue)
        return slot
    }

    @inlinable public mutating func integer(_ value: Int64) { next(LSB_INTEGER).pointee.integer = value }
    /// Non-finite numbers are written as 0: events never carry them.
    @inlinable public mutating func number(_ value: Double) { next(LSB_NUMBER).pointee.number = value.isFinite ? value : 0 }
    public mutating func string(_ value: String) {
        let slot = next(LSB_STRING)
        tape.pointee.writeString(value, into: slot)
    }
    @inlinable public mutating func boolean(_ value: Bool) { next(LSB_BOOLEAN).pointee.integer = value ? 1 : 0 }
    /// A string (or any value) pinned in the same sandbox with
    /// `Sandbox.reference(string:)`: no copy, no hashing.
    public mutating func reference(_ value: LuaReference) {
        tape.pointee.pin(value.generation)
        next(LSB_REFERENCE).pointee.integer = Int64(value.reference)
    }
    /// `value`, as `pinned` when the caller has it pinned in this sandbox
    /// (`reference`), else copied (`string`).
    public mutating func string(_ value: String, pinned: LuaReference?) {
        if let pinned { reference(pinned) } else { string(value) }
    }
    /// The field is nil in this record.
    @inlinable public mutating func absent() { _ = next(LSB_NIL) }
    /// A string, or nil when absent.
    public mutating func string(_ value: String?) {
        if let value { string(value) } else { absent() }
    }
    /// A number, or nil when absent.
    @inlinable public mutating func number(_ value: Double?) {
        if let value { number(value) } else { absent() }
    }
}
