/// The host functions of one sandbox, by the index their Lua closures carry.
///
/// Each body sits in a box this table keeps alive; calls go through unmanaged
/// references to the boxes, kept in a buffer of plain pointers the table owns
/// and frees, so a host call (several per event) reaches its body without
/// retaining and releasing an array's storage or the closure's context.
/// Confined like its sandbox.
final class HostFunctionTable {
    private final class Box {
        let body: HostFunctionBody
        init(_ body: @escaping HostFunctionBody) { self.body = body }
    }

    /// The owners of the boxes `references` points at.
    private var boxes: [Box] = []
    private var references: UnsafeMutablePointer<Unmanaged<Box>>
    private var capacity: Int
    /// `module.function` per index, for error messages.
    private(set) var names: [String] = []
    /// Whether each function may have published results.
    private(set) var publishes: [Bool] = []

    init() {
        capacity = 32
        references = .allocate(capacity: capacity)
    }

    deinit {
        references.deallocate()
    }

    var count: Int { boxes.count }

    func append(name: String, publishes: Bool, body: @escaping HostFunctionBody) {
        if count == capacity {
            let grown = UnsafeMutablePointer<Unmanaged<Box>>.allocate(capacity: capacity * 2)
            grown.moveInitialize(from: references, count: count)
            references.deallocate()
            references = grown
            capacity *= 2
        }
        let box = Box(body)
        (references + count).initialize(to: Unmanaged.passUnretained(box))
        boxes.append(box)
        names.append(name)
        self.publishes.append(publishes)
    }

    /// Forgets the last `number` functions (a registration that failed).
    func removeLast(_ number: Int) {
        boxes.removeLast(number)
        names.removeLast(number)
        publishes.removeLast(number)
    }

    func removeAll() {
        boxes.removeAll()
        names.removeAll()
        publishes.removeAll()
    }

    /// Runs function `index` (which the caller checked is below `count`).
    @inline(__always)
    func call(_ index: Int, _ call: inout HostCall) throws(HostCallError) {
        let outcome = references[index]._withUnsafeGuaranteedRef { box in
            Result { () throws(HostCallError) in try box.body(&call) }
        }
        try outcome.get()
    }
}
