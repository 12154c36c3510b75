/// The pre-trade risk gate of one deployment: every order passes `check`
/// before it may reach the exchange, and a refused order never does.
///
/// A plain value with no I/O: time and the account come from the caller, so a
/// backtest and live trading run the same code and a replay gives the same
/// decisions. Owned and called by the deployment's kernel (one thread at a
/// time); only the `KillSwitchBoard` is shared across threads. The accept path
/// of `check` does not allocate. The checks and their order are documented in
/// docs/risk.md and in `RiskEngine+Checks.swift`.
public struct RiskEngine: Sendable {
    public let deploymentID: String
    public let ownerID: String
    /// The shared emergency stops.
    public let killSwitches: KillSwitchBoard

    /// The deployment's, owner's and global limits as set; the engine
    /// enforces them with `RiskDefaults` filled in (`applied`). Replacing them
    /// keeps the order-rate buckets whose rate did not change; others start full.
    public var limits: LayeredRiskLimits {
        didSet {
            applied = limits.applyingDefaults()
            effective = EffectiveRiskLimits(applied)
            rateBuckets.update(applied)
            lastSymbolLimits = nil
            symbolLimits = [:]
        }
    }

    /// `limits` with the defaults filled in: what is enforced.
    public private(set) var applied: LayeredRiskLimits
    var effective: EffectiveRiskLimits
    var rateBuckets: LayeredTokenBuckets
    /// Resolved quantity limits per symbol. Filling an entry allocates, so
    /// the accept path is allocation-free from a symbol's second order on;
    /// `lastSymbolLimits` spares the hash when one symbol trades in a row.
    var symbolLimits: [String: SymbolRiskLimits] = [:]
    var lastSymbolLimits: SymbolRiskLimits?

    /// What the operator set; `state` adds the daily-loss halt on top.
    private var operatorState: TradingState = .active

    /// The denial of the daily-loss breach that halted this session, if any.
    /// Cleared when a new UTC day starts a new session.
    public internal(set) var lossHalt: OrderReason?
    /// Whether `evaluateLoss` has reported `lossHalt` to the caller.
    var lossHaltReported = false

    /// The current session's UTC day (days since the Unix epoch).
    var sessionDay: Int64?
    /// When the current session ends (the next UTC midnight), so most calls
    /// skip the division; `Int64.min` before the first session.
    var sessionEndNanoseconds = Int64.min
    /// The account's realized + unrealized P&L when the session started.
    var sessionBaseline: Int128 = 0

    private var denialHistory: BoundedHistory<RiskDenialRecord>
    /// How many denials `denials` keeps.
    public var denialHistoryLimit: Int { denialHistory.limit }
    /// Every denial since the engine was created, including those that fell
    /// out of `denials`.
    public private(set) var denialCount = 0

    public init(
        deploymentID: String, ownerID: String, limits: LayeredRiskLimits = LayeredRiskLimits(),
        killSwitches: KillSwitchBoard, denialHistoryLimit: Int = 1_000
    ) {
        self.deploymentID = deploymentID
        self.ownerID = ownerID
        self.killSwitches = killSwitches
        self.limits = limits
        self.applied = limits.applyingDefaults()
        self.effective = EffectiveRiskLimits(applied)
        self.rateBuckets = LayeredTokenBuckets(applied)
        denialHistory = BoundedHistory(limit: denialHistoryLimit)
    }

    /// The trading state orders are checked against: the operator's setting,
    /// raised to `reducing` while a daily-loss halt lasts. Setting it sets the
    /// operator's part; it cannot lift a loss halt (see `liftLossHalt()`).
    public var state: TradingState {
        @inline(__always) get { lossHalt == nil ? operatorState : max(operatorState, .reducing) }
        set { operatorState = newValue }
    }

    /// Checks `order` against every limit, in the documented order, and
    /// returns the first denial. An accepted order takes one token from each
    /// order-rate bucket; a denied one is recorded in `denials`.
    public mutating func check(_ order: Order, instrument: Instrument, account: some RiskAccount) -> RiskDecision {
        let now = account.nowNanoseconds
        startSessionIfNewDay(now: now, account: account)
        if let reason = firstDenial(order, instrument: instrument, account: account, now: now) {
            recordDenial(RiskDenialRecord(timeNanoseconds: now, orderID: order.id, symbol: order.symbol, reason: reason))
            return .deny(reason)
        }
        if effective.hasOrderRate { rateBuckets.take() }
        return .accept
    }

    /// Call after every fill and mark. Returns `.halt` once when the session's
    /// loss reaches the daily loss limit (also when `check` noticed the breach
    /// first): the caller must then cancel all open orders of the deployment.
    public mutating func evaluateLoss(account: some RiskAccount) -> RiskAction? {
        startSessionIfNewDay(now: account.nowNanoseconds, account: account)
        if lossHalt == nil { haltIfLossLimitReached(account: account) }
        guard let lossHalt, !lossHaltReported else { return nil }
        lossHaltReported = true
        return .halt(lossHalt)
    }

    /// Operator override: lifts a daily-loss halt before the next session.
    /// Raise the limit first, or the next check or evaluation halts again.
    public mutating func liftLossHalt() {
        lossHalt = nil
        lossHaltReported = false
    }

    /// Realized + unrealized P&L since the session started.
    public func sessionPnL(account: some RiskAccount) -> Money {
        Money(units: Int64(clamping: totalPnL(account) - sessionBaseline))
    }

    /// When the current session (UTC day) started, nanoseconds since the epoch.
    public var sessionStartNanoseconds: Int64? { sessionDay.map { $0 * RiskTime.nanosecondsPerDay } }

    /// The latest denials, oldest first, at most `denialHistoryLimit`.
    public var denials: [RiskDenialRecord] { denialHistory.elements }

    // MARK: - Session and daily loss

    @inline(__always)
    func totalPnL(_ account: some RiskAccount) -> Int128 {
        Int128(account.realizedPnL.units) + Int128(account.unrealizedPnL.units)
    }

    /// A new UTC day starts a new session: the P&L baseline is taken from the
    /// account as it is now, and a daily-loss halt ends. A clock that goes
    /// back to an earlier day does not start one.
    @inline(__always)
    mutating func startSessionIfNewDay(now: Int64, account: some RiskAccount) {
        if now < sessionEndNanoseconds { return }
        let day = RiskTime.floorDivide(now, RiskTime.nanosecondsPerDay)
        sessionDay = day
        sessionEndNanoseconds = (day + 1) * RiskTime.nanosecondsPerDay
        sessionBaseline = totalPnL(account)
        lossHalt = nil
        lossHaltReported = false
    }

    /// Halts the session (state `reducing`, `lossHalt` set, action pending)
    /// when its P&L is at or below minus the daily loss limit.
    mutating func haltIfLossLimitReached(account: some RiskAccount) {
        guard let limit = effective.dailyLossLimit else { return }
        let pnl = totalPnL(account) - sessionBaseline
        guard pnl <= -Int128(limit.value.units) else { return }
        lossHalt = RiskDenials.dailyLoss(pnl: Money(units: Int64(clamping: pnl)), limit: limit)
        lossHaltReported = false
    }

    private mutating func recordDenial(_ record: RiskDenialRecord) {
        denialCount += 1
        denialHistory.append(record)
    }
}
