import CSandbox

/// Published results (`PublishedResult`): answers the host keeps in C memory
/// so hot host functions skip the trip into Swift. Each method is one C call
/// with no allocation, for use on the event path.
extension Sandbox {
    /// The host function `module.name` if it was registered with a publishing
    /// mode, else nil.
    public func publishedFunction(named name: String) -> PublishedFunction? {
        guard let index = hostFunctions.names.firstIndex(of: name), hostFunctions.publishes[index] else { return nil }
        return PublishedFunction(index: Int32(index))
    }

    /// The entry for `function` called with `arguments` in `scope` (ignored
    /// for unscoped functions), created with a nil answer when new
    /// (`created`). Nil when no more entries fit (`PublishedResult.limit`,
    /// or the memory quota: then the sandbox stops the script as for any
    /// allocation past its quota), or for a key that cannot be published
    /// (non-finite or too many arguments, a negative scope for a scoped
    /// function).
    public func publishedResult(
        _ function: PublishedFunction, scope: Int, arguments: some Collection<Double>
    ) -> (result: PublishedResult, created: Bool)? {
        guard arguments.count <= PublishedResult.maximumArguments, let scope = Int32(exactly: scope) else { return nil }
        var values: (Double, Double, Double) = (0, 0, 0)
        for (position, value) in arguments.enumerated() {
            switch position {
            case 0: values.0 = value
            case 1: values.1 = value
            default: values.2 = value
            }
        }
        var entry: Int32 = -1
        var created: Int32 = 0
        let status = withUnsafePointer(to: &values) { tuple in
            tuple.withMemoryRebound(to: Double.self, capacity: 3) { pointer in
                lsb_publish_entry(handle, function.index, scope, pointer, Int32(arguments.count), &entry, &created)
            }
        }
        guard status == Int32(LSB_OK.rawValue) else { return nil }
        return (PublishedResult(entry: entry, generation: lsb_generation(handle)), created != 0)
    }

    /// Publishes a single nil answer.
    @inline(__always)
    public func publishNil(_ result: PublishedResult) {
        lsb_publish_nil(handle, result.entry, result.generation)
    }

    /// Publishes a single integer answer.
    @inline(__always)
    public func publish(_ result: PublishedResult, integer: Int64) {
        lsb_publish_integer(handle, result.entry, result.generation, integer)
    }

    /// Publishes one, two or three numbers (`count`) as the answer.
    @inline(__always)
    public func publish(_ result: PublishedResult, numbers count: Int32, _ first: Double, _ second: Double = 0,
                        _ third: Double = 0) {
        lsb_publish_numbers(handle, result.entry, result.generation, count, first, second, third)
    }

    /// The scope of scoped calls that name none; nil: such calls run the body.
    @inline(__always)
    public func setPublishedScope(_ scope: Int?) {
        lsb_set_scope(handle, scope.flatMap { Int32(exactly: $0) } ?? -1)
    }

    /// Lets a trailing string argument `name` select `scope`. False when the
    /// name is empty or longer than `PublishedResult.scopeNameBytes`, or
    /// `PublishedResult.scopeNameLimit` names exist (such calls run the body).
    @discardableResult
    public func namePublishedScope(_ name: String, scope: Int) -> Bool {
        guard let scope = Int32(exactly: scope) else { return false }
        var name = name
        let status = name.withUTF8 { bytes in
            bytes.withMemoryRebound(to: CChar.self) { lsb_name_scope(handle, $0.baseAddress, $0.count, scope) }
        }
        return status == Int32(LSB_OK.rawValue)
    }

    /// The key `name` for table answers, registered once per sandbox. Nil
    /// when the name is empty, longer than `PublishedResult.tableKeyBytes`
    /// bytes or holds a NUL, past `PublishedResult.tableKeyLimit` keys, or
    /// when the memory quota refuses it.
    public func publishedKey(_ name: String) -> PublishedKey? {
        var name = name
        var key: Int32 = -1
        let status = name.withUTF8 { bytes in
            bytes.withMemoryRebound(to: CChar.self) { lsb_published_key(handle, $0.baseAddress, $0.count, &key) }
        }
        return status == Int32(LSB_OK.rawValue) ? PublishedKey(index: key) : nil
    }

    /// Starts a table answer with no fields; `publishField` appends them in
    /// the order the table is filled (the order a `LuaValue.table` is
    /// pushed in is its sorted keys: publish them in that order for an
    /// identical table).
    @inline(__always)
    public func publishTable(_ result: PublishedResult) {
        lsb_publish_table(handle, result.entry, result.generation)
    }

    /// Appends a number field to a table answer.
    @inline(__always)
    public func publishField(_ result: PublishedResult, _ key: PublishedKey, number: Double) {
        lsb_publish_field_number(handle, result.entry, result.generation, key.index, number)
    }

    /// Appends the string field to a table answer (one per table, at most
    /// `PublishedResult.tableTextBytes` bytes; otherwise the entry becomes
    /// unavailable until the next `publishTable`).
    public func publishField(_ result: PublishedResult, _ key: PublishedKey, string: String) {
        var string = string
        string.withUTF8 { bytes in
            bytes.withMemoryRebound(to: CChar.self) {
                lsb_publish_field_string(handle, result.entry, result.generation, key.index, $0.baseAddress, $0.count)
            }
        }
    }

    /// Withdraws an answer: calls for its key run the body until the next publish.
    @inline(__always)
    public func publishUnavailable(_ result: PublishedResult) {
        lsb_publish_unavailable(handle, result.entry, result.generation)
    }
}
