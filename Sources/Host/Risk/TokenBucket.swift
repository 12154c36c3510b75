/// An order-rate token bucket on the caller's clock, in exact integers.
///
/// One token is `refillIntervalSeconds × 10^9` units and every nanosecond adds
/// `refillTokens` units, so refill is exact for any rate: no floating point,
/// no drift over a long backtest.
struct TokenBucket: Sendable, Equatable {
    let limit: OrderRateLimit
    private let unitsPerToken: Int128
    private let capacityUnits: Int128
    private var level: Int128
    /// When the level was last brought up to date; nil before the first order.
    private var updatedAt: Int64?

    init(_ limit: OrderRateLimit) {
        self.limit = limit
        unitsPerToken = Int128(limit.refillIntervalSeconds) * Int128(RiskTime.nanosecondsPerSecond)
        capacityUnits = Int128(limit.capacity) * unitsPerToken
        level = capacityUnits
    }

    /// Adds what accrued since the last update. A clock that goes backwards
    /// adds nothing and does not move the bucket's time back.
    @inline(__always)
    mutating func refill(at now: Int64) {
        guard let updatedAt else {
            self.updatedAt = now
            return
        }
        guard now > updatedAt else { return }
        let accrued = Int128(now - updatedAt) * Int128(limit.refillTokens)
        level = min(capacityUnits, level + accrued)
        self.updatedAt = now
    }

    var hasToken: Bool { level >= unitsPerToken }

    /// Whole tokens available (for messages and tests).
    var tokens: Int { Int(level / unitsPerToken) }

    mutating func take() { level -= unitsPerToken }
}

/// One bucket per layer that sets an order rate: an order needs a token from
/// every one of them, which is what "the tightest rate" means when rates
/// differ in both capacity and refill.
struct LayeredTokenBuckets: Sendable {
    var deployment: TokenBucket?
    var owner: TokenBucket?
    var global: TokenBucket?

    init(_ limits: LayeredRiskLimits) {
        deployment = limits.deployment.orderRate.map(TokenBucket.init)
        owner = limits.owner.orderRate.map(TokenBucket.init)
        global = limits.global.orderRate.map(TokenBucket.init)
    }

    /// New limits keep the state of a bucket whose rate did not change.
    mutating func update(_ limits: LayeredRiskLimits) {
        if deployment?.limit != limits.deployment.orderRate { deployment = limits.deployment.orderRate.map(TokenBucket.init) }
        if owner?.limit != limits.owner.orderRate { owner = limits.owner.orderRate.map(TokenBucket.init) }
        if global?.limit != limits.global.orderRate { global = limits.global.orderRate.map(TokenBucket.init) }
    }

    /// Refills every bucket and returns the first layer (deployment, owner,
    /// global) whose bucket has no token left, or nil when the order may pass.
    /// Returns only the layer: a small result keeps this off the stack.
    @inline(__always)
    mutating func refillAndFindEmpty(at now: Int64) -> RiskLayer? {
        var empty: RiskLayer?
        if deployment != nil {
            deployment!.refill(at: now)
            if !deployment!.hasToken { empty = .deployment }
        }
        if owner != nil {
            owner!.refill(at: now)
            if empty == nil, !owner!.hasToken { empty = .owner }
        }
        if global != nil {
            global!.refill(at: now)
            if empty == nil, !global!.hasToken { empty = .global }
        }
        return empty
    }

    /// Takes one token from every bucket (after the order was accepted).
    @inline(__always)
    mutating func take() {
        deployment?.take()
        owner?.take()
        global?.take()
    }
}
