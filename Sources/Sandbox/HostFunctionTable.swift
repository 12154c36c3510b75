/// The host functions of one sandbox, by the index their Lua closures carry.
///
/// The bodies live in a buffer this table owns and frees, so a host call runs
/// its body in place: read out of an array, every call (several per event)
/// would retain and release the array's storage. Confined like its sandbox.
final class HostFunctionTable {
    private var bodies: UnsafeMutablePointer<HostFunctionBody>
    private var capacity: Int
    /// `module.function` per index, for error messages.
    private(set) var names: [String] = []

    init() {
        capacity = 32
        bodies = .allocate(capacity: capacity)
    }

    deinit {
        bodies.deinitialize(count: count)
        bodies.deallocate()
    }

    var count: Int { names.count }

    func append(name: String, body: @escaping HostFunctionBody) {
        if count == capacity {
            let grown = UnsafeMutablePointer<HostFunctionBody>.allocate(capacity: capacity * 2)
            grown.moveInitialize(from: bodies, count: count)
            bodies.deallocate()
            bodies = grown
            capacity *= 2
        }
        (bodies + count).initialize(to: body)
        names.append(name)
    }

    /// Forgets the last `number` functions (a registration that failed).
    func removeLast(_ number: Int) {
        (bodies + count - number).deinitialize(count: number)
        names.removeLast(number)
    }

    func removeAll() {
        bodies.deinitialize(count: count)
        names.removeAll()
    }

    /// Runs function `index` (which the caller checked is below `count`).
    @inline(__always)
    func call(_ index: Int, _ call: inout HostCall) throws(HostCallError) {
        try bodies[index](&call)
    }
}
