import Host

/// SplitMix64: a small seeded generator, so every test sees the same bars.
struct SeededGenerator: RandomNumberGenerator {
    private var state: UInt64
    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Uniform in [0, 1).
    mutating func unit() -> Double { Double(next() >> 11) * 0x1p-53 }
}

/// A bar as the tests keep it, all of history in an array.
struct TestBar: Equatable {
    var time, open, high, low, close, volume: Double

    subscript(field: PriceField) -> Double {
        switch field {
        case .open: open
        case .high: high
        case .low: low
        case .close: close
        case .volume: volume
        }
    }
}

enum TestBars {
    /// A random walk from `start`: each close moves by up to ±`step`, highs and
    /// lows extend past open and close, volume in 0..<1000 (some exact zeros).
    static func randomWalk(count: Int, seed: UInt64, start: Double = 100, step: Double = 1) -> [TestBar] {
        var random = SeededGenerator(seed: seed)
        var bars: [TestBar] = []
        bars.reserveCapacity(count)
        var close = start
        for index in 0..<count {
            let open = close
            close = max(1, close + (random.unit() * 2 - 1) * step)
            let high = max(open, close) + random.unit() * step
            let low = min(open, close) - random.unit() * step
            let volume = random.unit() < 0.05 ? 0 : (random.unit() * 1000).rounded()
            bars.append(TestBar(time: Double(index * 60), open: open, high: high, low: low, close: close, volume: volume))
        }
        return bars
    }
}

extension IndicatorCache {
    mutating func append(_ bar: TestBar) {
        append(time: bar.time, open: bar.open, high: bar.high, low: bar.low, close: bar.close, volume: bar.volume)
    }
}

/// True when `actual` is within `relative` of `expected` (with an absolute
/// floor of `relative` for values near zero), or both are nil.
func isClose(_ actual: Double?, _ expected: Double?, relative: Double = 1e-9) -> Bool {
    switch (actual, expected) {
    case (nil, nil): return true
    case let (actual?, expected?): return abs(actual - expected) <= relative * max(1, abs(expected))
    default: return false
    }
}

/// Bit-for-bit equality of optional doubles.
func isIdentical(_ lhs: Double?, _ rhs: Double?) -> Bool {
    lhs?.bitPattern == rhs?.bitPattern
}
