/// One symbol's `PriceSeries` and the running state of every indicator
/// requested on it, answering for the current (last appended) bar.
///
/// **State.** The first request for an indicator with given parameters creates
/// its state, seeded from the bars the buffer holds at that moment; from then
/// on every `append` updates it in O(1). States live for the cache's life and
/// are updated in creation order, so answers depend only on the bars and on
/// the sequence of requests.
///
/// **Late first requests.** EMA, RSI, ATR and MACD states replay the held bars
/// oldest first through the same code the appends run. Until the buffer first
/// wraps it holds every bar ever appended, so a state created late is bit-for-bit
/// the state an early request would have had. After the buffer wraps a late
/// state starts from the oldest held bar instead of the first bar ever; the
/// difference decays by (1 - alpha) per bar (EMA) or (1 - 1/period) (Wilder).
/// Window indicators (SMA, stdev, Bollinger, highest, lowest, ROC) depend only on
/// the last `period` bars, which are always held: highest, lowest and ROC are
/// exact; SMA-family states agree within rounding, and bit for bit after the
/// next exact recompute (see `recomputeInterval`).
///
/// **Costs.** Queries are O(1) (a small hash-table lookup). Creating a state is
/// O(bars held). At most `maximumIndicators` distinct states may exist, since
/// each adds work to every append.
public struct IndicatorCache: Sendable {
    /// Window sums are rebuilt exactly whenever `series.appendedCount` is a
    /// multiple of this, bounding floating-point drift (cost: O(period) every
    /// 1,024 appends per window).
    public static let recomputeInterval = 1_024
    /// The default limit on distinct indicator states per symbol.
    public static let defaultMaximumIndicators = 64

    /// The bars held.
    public private(set) var series: PriceSeries
    /// Distinct indicator states allowed; one more throws `tooManyIndicators`.
    public let maximumIndicators: Int

    private var slots: IndicatorSlots
    private var windows: [RollingWindowSums] = []
    private var emas: [EMAState] = []
    private var strengths: [RelativeStrengthState] = []
    private var trueRanges: [AverageTrueRangeState] = []
    private var convergences: [MACDState] = []
    private var extremes: [RollingExtreme] = []

    /// An empty cache over a series of `capacity` bars.
    public init(capacity: Int = PriceSeries.defaultCapacity, maximumIndicators: Int = defaultMaximumIndicators) {
        series = PriceSeries(capacity: capacity)
        self.maximumIndicators = maximumIndicators
        slots = IndicatorSlots(limit: maximumIndicators)
    }

    /// The series capacity, which bounds most periods.
    public var capacity: Int { series.capacity }

    /// Distinct indicator states created so far.
    public var indicatorCount: Int { slots.count }

    /// Appends one bar and advances every state. O(number of states), no
    /// allocation once the series is created.
    public mutating func append(time: Double, open: Double, high: Double, low: Double, close: Double, volume: Double) {
        let bar = BarSample(time: time, open: open, high: high, low: low, close: close, volume: volume)
        let index = series.appendedCount
        // Before the series stores the bar: windows read the value leaving them.
        for position in windows.indices { windows[position].slide(to: bar, over: series) }
        for position in emas.indices { emas[position].feed(bar) }
        for position in strengths.indices { strengths[position].feed(bar) }
        for position in trueRanges.indices { trueRanges[position].feed(bar) }
        for position in convergences.indices { convergences[position].feed(bar) }
        for position in extremes.indices { extremes[position].push(bar[extremes[position].field], index: index) }
        series.append(time: time, open: open, high: high, low: low, close: close, volume: volume)
        if series.appendedCount % Self.recomputeInterval == 0 {
            for position in windows.indices { windows[position].recompute(from: series) }
        }
    }

    // MARK: - Queries (current bar; nil until enough history)

    /// Simple moving average of `field` over `period` bars. Warm-up: `period` bars.
    public mutating func sma(period: Int, field: PriceField = .close) throws(IndicatorError) -> Double? {
        try IndicatorRequest.sma(period: period, field: field).validate(capacity: capacity)
        return windows[try windowIndex(field, period)].mean
    }

    /// Population standard deviation of `field` over `period` bars. Warm-up: `period` bars.
    public mutating func stdev(period: Int, field: PriceField = .close) throws(IndicatorError) -> Double? {
        try IndicatorRequest.stdev(period: period, field: field).validate(capacity: capacity)
        return windows[try windowIndex(field, period)].standardDeviation
    }

    /// Bollinger bands: SMA ± k population standard deviations. Warm-up: `period` bars.
    public mutating func bollinger(
        period: Int = 20, k: Double = 2, field: PriceField = .close
    ) throws(IndicatorError) -> (upper: Double, middle: Double, lower: Double)? {
        try IndicatorRequest.bollinger(period: period, k: k, field: field).validate(capacity: capacity)
        let window = windows[try windowIndex(field, period)]
        guard let middle = window.mean, let deviation = window.standardDeviation else { return nil }
        return (middle + k * deviation, middle, middle - k * deviation)
    }

    /// Exponential moving average of `field`. Warm-up: `period` bars.
    public mutating func ema(period: Int, field: PriceField = .close) throws(IndicatorError) -> Double? {
        try IndicatorRequest.ema(period: period, field: field).validate(capacity: capacity)
        let key = StateKey.ema(field, period)
        guard let position = slots.position(of: key) else {
            try slots.register(key, at: emas.count)
            emas.append(EMAState(field: field, period: period, history: series))
            return emas[emas.count - 1].average.current
        }
        return emas[position].average.current
    }

    /// Wilder's RSI of closes, 0...100. Warm-up: `period + 1` bars.
    public mutating func rsi(period: Int = 14) throws(IndicatorError) -> Double? {
        try IndicatorRequest.rsi(period: period).validate(capacity: capacity)
        let key = StateKey.rsi(period)
        guard let position = slots.position(of: key) else {
            try slots.register(key, at: strengths.count)
            strengths.append(RelativeStrengthState(period: period, history: series))
            return strengths[strengths.count - 1].current
        }
        return strengths[position].current
    }

    /// Wilder's average true range. Warm-up: `period + 1` bars.
    public mutating func atr(period: Int = 14) throws(IndicatorError) -> Double? {
        try IndicatorRequest.atr(period: period).validate(capacity: capacity)
        let key = StateKey.atr(period)
        guard let position = slots.position(of: key) else {
            try slots.register(key, at: trueRanges.count)
            trueRanges.append(AverageTrueRangeState(period: period, history: series))
            return trueRanges[trueRanges.count - 1].current
        }
        return trueRanges[position].current
    }

    /// MACD of closes. Warm-up: `slow + signal - 1` bars.
    public mutating func macd(
        fast: Int = 12, slow: Int = 26, signal: Int = 9
    ) throws(IndicatorError) -> (macd: Double, signal: Double, histogram: Double)? {
        try IndicatorRequest.macd(fast: fast, slow: slow, signal: signal).validate(capacity: capacity)
        let key = StateKey.macd(fast: fast, slow: slow, signal: signal)
        guard let position = slots.position(of: key) else {
            try slots.register(key, at: convergences.count)
            convergences.append(MACDState(fast: fast, slow: slow, signal: signal, history: series))
            return convergences[convergences.count - 1].current
        }
        return convergences[position].current
    }

    /// Highest `field` over `period` bars. Warm-up: `period` bars.
    public mutating func highest(period: Int, field: PriceField = .high) throws(IndicatorError) -> Double? {
        try IndicatorRequest.highest(period: period, field: field).validate(capacity: capacity)
        return try extreme(.highest(field, period), field: field, period: period, keepsMaximum: true)
    }

    /// Lowest `field` over `period` bars. Warm-up: `period` bars.
    public mutating func lowest(period: Int, field: PriceField = .low) throws(IndicatorError) -> Double? {
        try IndicatorRequest.lowest(period: period, field: field).validate(capacity: capacity)
        return try extreme(.lowest(field, period), field: field, period: period, keepsMaximum: false)
    }

    /// Rate of change in percent, `100 * (x - x[period ago]) / x[period ago]`.
    /// Read straight from the buffer, so it needs no state. Warm-up:
    /// `period + 1` bars; nil when the old value is 0.
    public func roc(period: Int, field: PriceField = .close) throws(IndicatorError) -> Double? {
        try IndicatorRequest.roc(period: period, field: field).validate(capacity: capacity)
        guard series.count > period else { return nil }
        let past = series[field, period]
        guard past != 0 else { return nil }
        return (series[field, 0] - past) / past * 100
    }

    /// Any indicator by request: the entry point the Lua bridge uses.
    public mutating func value(_ request: IndicatorRequest) throws(IndicatorError) -> IndicatorValue? {
        switch request {
        case let .sma(period, field): return try sma(period: period, field: field).map(IndicatorValue.number)
        case let .ema(period, field): return try ema(period: period, field: field).map(IndicatorValue.number)
        case let .rsi(period): return try rsi(period: period).map(IndicatorValue.number)
        case let .atr(period): return try atr(period: period).map(IndicatorValue.number)
        case let .stdev(period, field): return try stdev(period: period, field: field).map(IndicatorValue.number)
        case let .roc(period, field): return try roc(period: period, field: field).map(IndicatorValue.number)
        case let .highest(period, field): return try highest(period: period, field: field).map(IndicatorValue.number)
        case let .lowest(period, field): return try lowest(period: period, field: field).map(IndicatorValue.number)
        case let .macd(fast, slow, signal):
            guard let result = try macd(fast: fast, slow: slow, signal: signal) else { return nil }
            return .macd(macd: result.macd, signal: result.signal, histogram: result.histogram)
        case let .bollinger(period, k, field):
            guard let bands = try bollinger(period: period, k: k, field: field) else { return nil }
            return .bands(upper: bands.upper, middle: bands.middle, lower: bands.lower)
        }
    }

    // MARK: - State registry

    private mutating func windowIndex(_ field: PriceField, _ period: Int) throws(IndicatorError) -> Int {
        let key = StateKey.window(field, period)
        if let position = slots.position(of: key) { return position }
        try slots.register(key, at: windows.count)
        windows.append(RollingWindowSums(field: field, period: period, history: series))
        return windows.count - 1
    }

    private mutating func extreme(
        _ key: StateKey, field: PriceField, period: Int, keepsMaximum: Bool
    ) throws(IndicatorError) -> Double? {
        let position: Int
        if let existing = slots.position(of: key) {
            position = existing
        } else {
            try slots.register(key, at: extremes.count)
            extremes.append(RollingExtreme(field: field, period: period, keepsMaximum: keepsMaximum, history: series))
            position = extremes.count - 1
        }
        return series.count >= period ? extremes[position].current : nil
    }
}
