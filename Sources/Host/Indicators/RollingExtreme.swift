/// The highest or lowest value of one field over the last `period` bars: a
/// monotonic deque, the state behind `highest` and `lowest`.
///
/// The deque holds (bar index, value) pairs from oldest to newest whose values
/// strictly decrease (for the highest; increase for the lowest), so its front
/// is the answer. Each append expires the front if it left the window, drops
/// every back entry the new value dominates, then pushes: amortized O(1).
/// Values are copied into the deque, so it never reads overwritten slots of
/// the series. Exact (no arithmetic), so creation time never changes answers.
struct RollingExtreme: Sendable {
    let field: PriceField
    let period: Int
    let keepsMaximum: Bool
    /// Ring storage of `period` entries; live entries are `head ..< head + count`.
    private var indices: [Int]
    private var values: [Double]
    private var head = 0
    private var count = 0

    /// Seeds with the last `min(bars held, period)` bars of `history`.
    init(field: PriceField, period: Int, keepsMaximum: Bool, history: PriceSeries) {
        self.field = field
        self.period = period
        self.keepsMaximum = keepsMaximum
        indices = [Int](repeating: 0, count: period)
        values = [Double](repeating: 0, count: period)
        let newestIndex = history.appendedCount - 1
        for barsAgo in stride(from: min(history.count, period) - 1, through: 0, by: -1) {
            push(history[field, barsAgo], index: newestIndex - barsAgo)
        }
    }

    /// Adds the bar with absolute index `index` (one more than the last pushed).
    @inline(__always)
    mutating func push(_ value: Double, index: Int) {
        while count > 0, indices[head] <= index - period {
            head = head + 1 == period ? 0 : head + 1
            count -= 1
        }
        while count > 0 {
            let back = wrap(head + count - 1)
            let dominated = keepsMaximum ? values[back] <= value : values[back] >= value
            guard dominated else { break }
            count -= 1
        }
        let slot = wrap(head + count)
        indices[slot] = index
        values[slot] = value
        count += 1
    }

    /// The extreme of the bars pushed within the window; the caller checks
    /// that the series holds at least `period` bars.
    @inline(__always)
    var current: Double { values[head] }

    @inline(__always)
    private func wrap(_ position: Int) -> Int {
        position >= period ? position - period : position
    }
}
