/// What the paper exchange reports. Every change to an order yields exactly
/// one event carrying the order after the change: a fill yields `.filled`
/// (never an extra `.orderUpdated`); acceptance, a trigger, a resize of a
/// bracket leg, a replace, a cancel, an expiry or a rejection yield
/// `.orderUpdated`.
public enum ExchangeEvent: Sendable, Equatable {
    /// The order changed without filling (its new status, quantity, type,
    /// trigger or reason).
    case orderUpdated(Order)
    /// One execution, with its fee, and the order after it.
    case filled(Fill, Order)

    /// The order the event is about, after the change.
    public var order: Order {
        switch self {
        case .orderUpdated(let order), .filled(_, let order): order
        }
    }

    /// The fill, for `.filled` events.
    public var fill: Fill? {
        if case .filled(let fill, _) = self { return fill }
        return nil
    }
}
