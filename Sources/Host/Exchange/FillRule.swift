/// Where an order fills against one market event, before slippage and sizing.
struct FillDecision: Equatable {
    /// The price it fills at (nil: no fill in this event).
    var price: Price?
    /// Market-like fills (market orders and stops) take slippage; limit-like
    /// fills (limits and stop-limits) do not.
    var aggressive = false
    /// The event traded through the order's trigger.
    var triggers = false

    static let none = FillDecision(price: nil)
}

/// The price rules of docs/fills.md, as pure functions of an order and a
/// price range that opens at `open` and spans `low...high`. A bar is such a
/// range; a trade at p is the range [p, p]; a book is priced at its touch.
enum FillRule {
    static func evaluate(_ type: OrderType, side: Side, triggered: Bool,
                         open: Price, high: Price, low: Price) -> FillDecision {
        switch type {
        case .market:
            return FillDecision(price: open, aggressive: true)
        case .limit(let limit):
            return limitFill(limit, side: side, open: open, high: high, low: low)
        case .stop(let trigger):
            if triggered { return FillDecision(price: open, aggressive: true) }
            if side == .buy ? open >= trigger : open <= trigger {
                // Gapped through the trigger: the first price available is the open.
                return FillDecision(price: open, aggressive: true, triggers: true)
            }
            if side == .buy ? high >= trigger : low <= trigger {
                return FillDecision(price: trigger, aggressive: true, triggers: true)
            }
            return .none
        case .stopLimit(let trigger, let limit):
            if triggered { return limitFill(limit, side: side, open: open, high: high, low: low) }
            if side == .buy ? open >= trigger : open <= trigger {
                // Triggered at the open: the whole range follows the trigger,
                // so the order is an ordinary limit for all of it.
                var decision = limitFill(limit, side: side, open: open, high: high, low: low)
                decision.triggers = true
                return decision
            }
            guard side == .buy ? high >= trigger : low <= trigger else { return .none }
            // Triggered inside the range at the trigger price. The path after
            // it is unknown, so it fills only if the trigger price itself
            // satisfies the limit, at the trigger price; otherwise it rests
            // as a limit from the next event.
            let marketable = side == .buy ? limit >= trigger : limit <= trigger
            return FillDecision(price: marketable ? trigger : nil, triggers: true)
        }
    }

    /// Buy: open at or below the limit fills at the open (price improvement),
    /// else a low at or below it fills at the limit. Sell mirrored.
    @inline(__always)
    static func limitFill(_ limit: Price, side: Side, open: Price, high: Price, low: Price) -> FillDecision {
        switch side {
        case .buy:
            if open <= limit { return FillDecision(price: open) }
            if low <= limit { return FillDecision(price: limit) }
        case .sell:
            if open >= limit { return FillDecision(price: open) }
            if high >= limit { return FillDecision(price: limit) }
        }
        return .none
    }
}
