/// A bounded history of one symbol's bars as Doubles, newest last.
///
/// A ring buffer of `capacity` bars: once full, each append overwrites the
/// oldest bar. Storage is allocated once in `init`, so `append` is O(1) and
/// never allocates. Bars are addressed by how many bars ago they were
/// appended (0 is the current bar) or by their absolute index
/// (`appendedCount - 1` is the current bar; the first bar ever is 0).
///
/// Values must be finite: a NaN or infinity would poison every running state
/// fed from it. The Lua bridge converts exact fixed-point prices, which always are.
public struct PriceSeries: Sendable {
    /// The capacity used when none is given: 5,000 bars.
    public static let defaultCapacity = 5_000

    /// The most bars kept; also the largest period most indicators accept.
    public let capacity: Int
    /// Bars currently held: `min(appendedCount, capacity)`.
    public private(set) var count = 0
    /// Bars ever appended, including those the ring has since overwritten.
    public private(set) var appendedCount = 0

    /// Column-major: column c (0 time, then `PriceField.column`) occupies
    /// `storage[c * capacity ..< (c + 1) * capacity]`.
    private var storage: [Double]
    /// The slot the next append writes.
    private var nextSlot = 0

    /// An empty series holding at most `capacity` bars (at least 2, so that
    /// every indicator accepts some period).
    public init(capacity: Int = PriceSeries.defaultCapacity) {
        precondition(capacity >= 2, "a PriceSeries needs a capacity of at least 2, got \(capacity)")
        self.capacity = capacity
        storage = [Double](repeating: 0, count: capacity * 6)
    }

    /// True before the first append.
    public var isEmpty: Bool { count == 0 }

    /// Appends one bar, overwriting the oldest when full. O(1), allocation-free.
    public mutating func append(time: Double, open: Double, high: Double, low: Double, close: Double, volume: Double) {
        let slot = nextSlot
        let capacity = capacity
        storage.withUnsafeMutableBufferPointer { columns in
            columns[slot] = time
            columns[capacity + slot] = open
            columns[2 * capacity + slot] = high
            columns[3 * capacity + slot] = low
            columns[4 * capacity + slot] = close
            columns[5 * capacity + slot] = volume
        }
        nextSlot = slot + 1 == capacity ? 0 : slot + 1
        if count < capacity { count += 1 }
        appendedCount += 1
    }

    /// `field` of the bar appended `barsAgo` bars ago (0 is the current bar),
    /// or nil when that bar is not (or no longer) held.
    public func value(_ field: PriceField, barsAgo: Int = 0) -> Double? {
        guard barsAgo >= 0, barsAgo < count else { return nil }
        return self[field, barsAgo]
    }

    /// The time of the bar appended `barsAgo` bars ago, or nil when not held.
    public func time(barsAgo: Int = 0) -> Double? {
        guard barsAgo >= 0, barsAgo < count else { return nil }
        return storage[slot(barsAgo: barsAgo)]
    }

    /// Unchecked read for the indicator states; `barsAgo` must be in `0..<count`.
    @inline(__always)
    subscript(field: PriceField, barsAgo: Int) -> Double {
        storage[field.column * capacity + slot(barsAgo: barsAgo)]
    }

    /// The whole bar appended `barsAgo` bars ago; `barsAgo` must be in `0..<count`.
    func bar(barsAgo: Int) -> BarSample {
        let slot = slot(barsAgo: barsAgo)
        return BarSample(
            time: storage[slot], open: storage[capacity + slot], high: storage[2 * capacity + slot],
            low: storage[3 * capacity + slot], close: storage[4 * capacity + slot],
            volume: storage[5 * capacity + slot]
        )
    }

    @inline(__always)
    private func slot(barsAgo: Int) -> Int {
        assert(barsAgo >= 0 && barsAgo < count, "bar \(barsAgo) ago is not held (count \(count))")
        let slot = nextSlot - 1 - barsAgo
        return slot < 0 ? slot + capacity : slot
    }
}
