import Synchronization

/// The host's own compiled form of scripts it has already compiled in this
/// process, so loading the same script again (thousands of deployments of one
/// strategy) skips the parser. Only bytes produced by `lua_dump` of source
/// this process compiled are stored: user-supplied bytecode is never loaded.
final class CompiledChunkCache: Sendable {
    /// Exact bytes, not `String`s: String equality is Unicode canonical
    /// equivalence, and two scripts that differ only in normalisation must
    /// never share compiled code.
    struct Key: Hashable, Sendable {
        let source: [UInt8]
        let chunkName: [UInt8]
    }

    static let shared = CompiledChunkCache(maximumBytes: 64 << 20)

    private struct State {
        var entries: [Key: [UInt8]] = [:]
        var order: [Key] = []
        var bytes = 0
    }

    private let maximumBytes: Int
    private let state = Mutex(State())

    init(maximumBytes: Int) {
        self.maximumBytes = maximumBytes
    }

    func lookup(_ key: Key) -> [UInt8]? {
        state.withLock { $0.entries[key] }
    }

    /// Stores a compiled chunk, evicting the oldest entries past the budget.
    func store(_ key: Key, _ compiled: [UInt8]) {
        let cost = compiled.count + key.source.count
        guard cost <= maximumBytes / 4 else { return }
        state.withLock { state in
            guard state.entries[key] == nil else { return }
            state.entries[key] = compiled
            state.order.append(key)
            state.bytes += cost
            while state.bytes > maximumBytes, !state.order.isEmpty {
                let oldest = state.order.removeFirst()
                if let evicted = state.entries.removeValue(forKey: oldest) {
                    state.bytes -= evicted.count + oldest.source.count
                }
            }
        }
    }
}
