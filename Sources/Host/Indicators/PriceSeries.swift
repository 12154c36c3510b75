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
    /// `storage[c * stride ..< (c + 1) * stride]`.
    private var storage: [Double]
    /// The column length allocated so far. It starts small and doubles up to
    /// `capacity` as bars arrive, so thousands of idle deployments do not each
    /// hold a full buffer; once full it equals `capacity` and never changes.
    private var stride: Int
    /// The slot the next append writes.
    private var nextSlot = 0

    /// An empty series holding at most `capacity` bars (at least 2, so that
    /// every indicator accepts some period).
    public init(capacity: Int = PriceSeries.defaultCapacity) {
        precondition(capacity >= 2, "a PriceSeries needs a capacity of at least 2, got \(capacity)")
        self.capacity = capacity
        stride = min(capacity, 64)
        storage = [Double](repeating: 0, count: stride * 6)
    }

    /// True before the first append.
    public var isEmpty: Bool { count == 0 }

    /// Appends one bar, overwriting the oldest when full. O(1), allocation-free.
    public mutating func append(time: Double, open: Double, high: Double, low: Double, close: Double, volume: Double) {
        let slot = nextSlot
        if slot == stride && stride < capacity { grow() }
        let stride = stride
        storage.withUnsafeMutableBufferPointer { columns in
            columns[slot] = time
            columns[stride + slot] = open
            columns[2 * stride + slot] = high
            columns[3 * stride + slot] = low
            columns[4 * stride + slot] = close
            columns[5 * stride + slot] = volume
        }
        nextSlot = slot + 1 == capacity ? 0 : slot + 1
        if count < capacity { count += 1 }
        appendedCount += 1
    }

    /// Doubles the column length (only before the ring first wraps, when the
    /// bars sit in slots 0..<count in order).
    private mutating func grow() {
        let newStride = min(capacity, stride * 2)
        var grown = [Double](repeating: 0, count: newStride * 6)
        for column in 0..<6 {
            for slot in 0..<count { grown[column * newStride + slot] = storage[column * stride + slot] }
        }
        storage = grown
        stride = newStride
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
        storage[field.column * stride + slot(barsAgo: barsAgo)]
    }

    /// The whole bar appended `barsAgo` bars ago; `barsAgo` must be in `0..<count`.
    func bar(barsAgo: Int) -> BarSample {
        let slot = slot(barsAgo: barsAgo)
        return BarSample(
            time: storage[slot], open: storage[stride + slot], high: storage[2 * stride + slot],
            low: storage[3 * stride + slot], close: storage[4 * stride + slot],
            volume: storage[5 * stride + slot]
        )
    }

    @inline(__always)
    private func slot(barsAgo: Int) -> Int {
        assert(barsAgo >= 0 && barsAgo < count, "bar \(barsAgo) ago is not held (count \(count))")
        let slot = nextSlot - 1 - barsAgo
        return slot < 0 ? slot + capacity : slot
    }
}
