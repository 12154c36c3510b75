extension OrderReason {
    /// A reason with one of the exchange's codes.
    static func exchange(_ code: OrderReasonCode, _ message: String, limit: String? = nil) -> OrderReason {
        OrderReason(code: code, message: message, limit: limit)
    }
}

/// A request the exchange refused outright (no order changed), carrying the
/// same stable reason an order would; `replace` fails with it.
public struct ExchangeError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Why, with one of the exchange's codes (`OrderReasonCode`).
    public var reason: OrderReason
    /// The stable code, `reason.code`.
    public var code: OrderReasonCode { reason.code }
    /// An error for `reason`.
    public init(_ reason: OrderReason) { self.reason = reason }
    /// "code: message".
    public var description: String { reason.description }
}
