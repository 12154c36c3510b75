/// Bracket orders: an entry with a take-profit limit and a stop-loss stop
/// that protect whatever the entry fills, one-cancels-other.
extension PaperExchange {
    /// Makes an entry and its exit legs working. The legs must be on the
    /// opposite side of the same symbol, good till canceled, the take-profit
    /// a `.limit` and the stop-loss a `.stop` or `.stopLimit`; their sizing
    /// is ignored. Returns `.orderUpdated` for the entry (with `childIDs`:
    /// take-profit, then stop-loss) and each leg (with `parentID` and
    /// quantity zero), all accepted or all rejected.
    ///
    /// Legs are dormant until the entry fills; each entry fill adds its
    /// quantity to both legs, and they become live from the next market event
    /// (on bars, a stop-loss is also checked against the rest of the bar the
    /// entry filled in, a take-profit is not: the conservative reading). A
    /// partial fill of one leg takes the same quantity off the other; when a
    /// leg fills completely the other leg and any unfilled rest of the entry
    /// are canceled (`ocoCanceled`). An entry that ends with no fill cancels
    /// its legs (`parentCanceled`).
    public mutating func submitBracket(entry: Order, takeProfit: Order?, stopLoss: Order?,
                                       now: Int64) -> [ExchangeEvent] {
        guard entry.status == .accepted else { return [] }
        var entry = entry
        entry.childIDs = [takeProfit?.id, stopLoss?.id].compactMap { $0 }
        entry.parentID = nil
        // The stop-loss goes first: within one bar it is matched before the take-profit.
        var legs: [(Order, WorkingOrder.Role)] = []
        if var stopLoss { stopLoss.parentID = entry.id; stopLoss.quantity = .zero; legs.append((stopLoss, .stopLoss)) }
        if var takeProfit { takeProfit.parentID = entry.id; takeProfit.quantity = .zero; legs.append((takeProfit, .takeProfit)) }

        // Reported in argument order: entry, take-profit, stop-loss.
        let reported = [entry] + legs.reversed().map(\.0)
        if let reason = refusal(of: entry) ?? bracketRefusal(entry: entry, legs: legs) {
            return reported.map { .orderUpdated(Self.rejected($0, reason, now)) }
        }
        insert(entry, role: legs.isEmpty ? .plain : .entry, now: now)
        for (leg, role) in legs { insert(leg, role: role, now: now) }
        return reported.map { .orderUpdated($0) }
    }

    private func bracketRefusal(entry: Order, legs: [(Order, WorkingOrder.Role)]) -> OrderReason? {
        var ids: Set<OrderID> = [entry.id]
        for (leg, role) in legs {
            func invalid(_ message: String) -> OrderReason {
                .exchange(.invalidBracket, "leg \(leg.id): \(message)")
            }
            guard leg.status == .accepted, leg.filledQuantity == .zero else { return invalid("is not freshly accepted") }
            guard ids.insert(leg.id).inserted, locations[leg.id] == nil else { return invalid("id is not unique") }
            guard leg.symbol == entry.symbol else { return invalid("symbol differs from the entry's") }
            guard leg.side == entry.side.opposite else { return invalid("must be on the side opposite the entry") }
            guard leg.timeInForce == .gtc else { return invalid("must be good till canceled") }
            if let problem = Self.priceProblem(leg.type) { return invalid(problem) }
            switch (role, leg.type) {
            case (.takeProfit, .limit), (.stopLoss, .stop), (.stopLoss, .stopLimit): break
            default: return invalid("a take-profit must be a limit and a stop-loss a stop or stop-limit")
            }
        }
        return nil
    }

    /// Bracket consequences of order `index` having filled `filled` in this
    /// event. Returns the index of a stop-loss leg this entry fill armed.
    mutating func settleBracket(_ instrument: Int, _ index: Int, filled: Quantity, time: Int64,
                                into events: inout [ExchangeEvent]) -> Int? {
        let role = working[instrument][index].role
        switch role {
        case .plain:
            return nil
        case .entry:
            let entryID = working[instrument][index].order.id
            var armedStopLoss: Int?
            for leg in working[instrument].indices where isLiveLeg(instrument, leg, of: entryID) {
                if !working[instrument][leg].armed {
                    working[instrument][leg].armed = true
                    working[instrument][leg].armedSequence = eventSequence
                    working[instrument][leg].eligibleFrom = time
                    if working[instrument][leg].role == .stopLoss { armedStopLoss = leg }
                }
                working[instrument][leg].order.quantity += filled
                working[instrument][leg].order.updatedAt = time
                events.append(.orderUpdated(working[instrument][leg].order))
            }
            return armedStopLoss
        case .takeProfit, .stopLoss:
            let leg = working[instrument][index].order
            guard let entryID = leg.parentID else { return nil }
            let closed = leg.status == .filled
            for other in working[instrument].indices where other != index && isLiveLeg(instrument, other, of: entryID) {
                if closed {
                    // Canceled as it stood, so its event shows what was left unfilled.
                    terminate(instrument, other, .canceled, .exchange(
                        .ocoCanceled, "the other leg \(leg.id) filled"), time: time, into: &events)
                } else {
                    working[instrument][other].order.quantity -= filled
                    working[instrument][other].order.updatedAt = time
                    // Both legs cannot fill in one event: the first to go
                    // (the stop-loss, within a bar) is assumed to have come first.
                    working[instrument][other].armedSequence = eventSequence
                    events.append(.orderUpdated(working[instrument][other].order))
                }
            }
            if closed, let entry = working[instrument].firstIndex(where: { $0.order.id == entryID }) {
                terminate(instrument, entry, .canceled, .exchange(
                    .ocoCanceled, "leg \(leg.id) closed the bracket"), time: time, into: &events)
            }
            return nil
        }
    }
}
