extension PaperExchange {
    /// Cancel/replace in place: the order keeps its id, fills and matching
    /// priority and takes a new total `quantity` (nil: unchanged; setting it
    /// fixes a notional or equity-fraction size to this quantity) and/or a
    /// new `type` (nil: unchanged). A stop keeps its triggered state only if
    /// its trigger price is unchanged. The replaced order is matched from the
    /// next market event on, as if just submitted at `now`.
    ///
    /// Fails with `unknownOrder` when `id` is not working and `invalidReplace`
    /// when the quantity is not above what has filled, a price is not
    /// positive, or the change is a bracket leg's quantity (legs follow
    /// their entry's fills) or type kind (a take-profit stays a limit, a
    /// stop-loss a stop or stop-limit). Changing nothing succeeds with no events.
    public mutating func replace(_ id: OrderID, quantity: Quantity?, type: OrderType?,
                                 now: Int64) -> Result<[ExchangeEvent], ExchangeError> {
        guard let instrument = locations[id],
              let index = working[instrument].firstIndex(where: { $0.order.id == id }) else {
            return .failure(ExchangeError(.exchange(.unknownOrder, "order \(id) is not working")))
        }
        guard quantity != nil || type != nil else { return .success([]) }
        let current = working[instrument][index]
        func invalid(_ message: String) -> Result<[ExchangeEvent], ExchangeError> {
            .failure(ExchangeError(.exchange(.invalidReplace, "order \(id): \(message)")))
        }
        if let quantity {
            if current.role.isLeg { return invalid("a bracket leg's quantity follows its entry's fills") }
            if quantity <= current.order.filledQuantity {
                return invalid("quantity \(quantity.lots) lots is not above the \(current.order.filledQuantity.lots) filled")
            }
        }
        if let type {
            if let problem = Self.priceProblem(type) { return invalid(problem) }
            switch (current.role, type) {
            case (.takeProfit, .limit), (.stopLoss, .stop), (.stopLoss, .stopLimit), (.plain, _), (.entry, _): break
            default: return invalid("a take-profit must stay a limit and a stop-loss a stop or stop-limit")
            }
        }

        var order = current.order
        if let quantity {
            order.quantity = quantity
            order.sizing = .quantity(quantity)
        }
        if let type {
            order.triggered = order.triggered && Self.trigger(of: type) == Self.trigger(of: order.type)
            order.type = type
        }
        order.updatedAt = now
        working[instrument][index].order = order
        working[instrument][index].armedSequence = eventSequence
        working[instrument][index].eligibleFrom = now
        return .success([.orderUpdated(order)])
    }

    static func trigger(of type: OrderType) -> Price? {
        switch type {
        case .market, .limit: nil
        case .stop(let trigger), .stopLimit(let trigger, _): trigger
        }
    }
}
