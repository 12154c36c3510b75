/// Identifies one indicator state. SMA, stdev and Bollinger of one field and
/// period share a window.
enum StateKey: Hashable, Sendable {
    case window(PriceField, Int)
    case ema(PriceField, Int)
    case rsi(Int)
    case atr(Int)
    case macd(fast: Int, slow: Int, signal: Int)
    case highest(PriceField, Int)
    case lowest(PriceField, Int)

    /// A cheap, deterministic mix of the parameters: keys are looked up on
    /// every query, where SipHash (Dictionary's hasher) cost more than the
    /// indicator itself.
    @inline(__always)
    var mixed: UInt64 {
        let (kind, field, a, b, c): (UInt64, UInt64, Int, Int, Int) =
            switch self {
            case let .window(field, period): (1, UInt64(field.column), period, 0, 0)
            case let .ema(field, period): (2, UInt64(field.column), period, 0, 0)
            case let .rsi(period): (3, 0, period, 0, 0)
            case let .atr(period): (4, 0, period, 0, 0)
            case let .macd(fast, slow, signal): (5, 0, fast, slow, signal)
            case let .highest(field, period): (6, UInt64(field.column), period, 0, 0)
            case let .lowest(field, period): (7, UInt64(field.column), period, 0, 0)
            }
        var hash = (kind << 3 | field) &* 0x9E37_79B9_7F4A_7C15
        hash = (hash ^ UInt64(bitPattern: Int64(a))) &* 0xBF58_476D_1CE4_E5B9
        hash = (hash ^ UInt64(bitPattern: Int64(b))) &* 0x94D0_49BB_1331_11EB
        hash = (hash ^ UInt64(bitPattern: Int64(c))) &* 0x9E37_79B9_7F4A_7C15
        return hash ^ (hash >> 29)
    }
}

/// Where each indicator state lives: an open-addressing hash table from
/// `StateKey` to the state's position in its kind's array. Sized once for
/// `limit` keys (load factor at most 1/2), so it never grows or rehashes.
struct IndicatorSlots: Sendable {
    let limit: Int
    private var keys: [StateKey] = []
    private var positions: [Int] = []
    /// Indices into `keys`, -1 for an empty bucket.
    private var buckets: [Int32]
    private let mask: Int

    init(limit: Int) {
        precondition(limit >= 0 && limit < Int(Int32.max) / 2, "indicator limit out of range: \(limit)")
        self.limit = limit
        var size = 8
        while size < 2 * limit { size *= 2 }
        buckets = [Int32](repeating: -1, count: size)
        mask = size - 1
    }

    /// Keys registered so far.
    var count: Int { keys.count }

    /// The position registered for `key`, if any.
    @inline(__always)
    func position(of key: StateKey) -> Int? {
        var bucket = Int(truncatingIfNeeded: key.mixed) & mask
        while true {
            let entry = Int(buckets[bucket])
            if entry < 0 { return nil }
            if keys[entry] == key { return positions[entry] }
            bucket = (bucket + 1) & mask
        }
    }

    /// Registers a new `key` (not yet present) at `position`, or throws when
    /// `limit` keys exist already.
    mutating func register(_ key: StateKey, at position: Int) throws(IndicatorError) {
        guard keys.count < limit else { throw .tooManyIndicators(limit: limit) }
        var bucket = Int(truncatingIfNeeded: key.mixed) & mask
        while buckets[bucket] >= 0 { bucket = (bucket + 1) & mask }
        buckets[bucket] = Int32(keys.count)
        keys.append(key)
        positions.append(position)
    }
}
