import CSandbox

/// A host function's answer for one set of arguments, kept by the host in C
/// memory the sandbox owns, so a script's call with those arguments is
/// answered by the C trampoline without converting arguments or entering
/// Swift (the cost of a plain `lua_CFunction` call).
///
/// The host creates one with `Sandbox.publishedResult(...)`, typically the
/// first time the function's body answers a key, and from then on keeps it
/// equal to what the body would answer (`Sandbox.publish(...)`) whenever
/// that changes. Keys are the function, a scope and up to three numeric
/// arguments; calls with any other arguments still run the body. Entries
/// count against the memory quota and are limited to
/// `PublishedResult.limit` per sandbox; `Sandbox.reset()` drops them (a
/// handle from before is then ignored).
public struct PublishedResult: Sendable, Equatable {
    /// How calls of a host function look up published answers.
    public enum Mode: Sendable, Equatable {
        /// Never published: every call runs the body.
        case none
        /// Keyed by the numeric arguments only (e.g. `ctx.now()`).
        case unscoped
        /// Keyed also by a scope: the one named by a trailing string
        /// argument (`Sandbox.namePublishedScope`), else the current one
        /// (`Sandbox.setPublishedScope`), e.g. `ta.sma(20)` and
        /// `ta.sma(20, "BTCUSD")` on a symbol's series.
        case scoped

        var cValue: Int32 {
            switch self {
            case .none: Int32(LSB_PUBLISH_NONE)
            case .unscoped: Int32(LSB_PUBLISH_UNSCOPED)
            case .scoped: Int32(LSB_PUBLISH_SCOPED)
            }
        }
    }

    /// Entries allowed per sandbox; past it, calls simply keep running the body.
    public static let limit = Int(LSB_PUBLISHED_LIMIT)
    /// Numeric arguments a key may hold.
    public static let maximumArguments = Int(LSB_PUBLISHED_ARGUMENTS)
    /// Scope names allowed per sandbox, and their longest length in bytes.
    public static let scopeNameLimit = Int(LSB_SCOPE_NAME_LIMIT)
    public static let scopeNameBytes = Int(LSB_SCOPE_NAME_BYTES)
    /// Table answers: fields per table, bytes of its one string field, keys
    /// per sandbox and bytes per key.
    public static let tableFieldLimit = Int(LSB_PUBLISHED_FIELDS)
    public static let tableTextBytes = Int(LSB_PUBLISHED_TEXT_BYTES)
    public static let tableKeyLimit = Int(LSB_PUBLISHED_KEY_LIMIT)
    public static let tableKeyBytes = Int(LSB_PUBLISHED_KEY_BYTES)

    let entry: Int32
    let generation: UInt64
}

/// A host function that may have published results, resolved once by name.
public struct PublishedFunction: Sendable, Equatable {
    let index: Int32
}

/// A field name of published table answers (`Sandbox.publishedKey(_:)`).
public struct PublishedKey: Sendable, Equatable {
    let index: Int32
}
