/// The stable codes the paper exchange puts in `OrderReason.code`.
public enum ExchangeReason {
    /// The order names a symbol the exchange was not configured with.
    public static let unknownInstrument = "unknownInstrument"
    /// An order with this id is already working.
    public static let duplicateOrderID = "duplicateOrderID"
    /// A non-positive quantity, price, notional or fraction, or an order that
    /// is not freshly accepted.
    public static let invalidOrder = "invalidOrder"
    /// A bracket whose legs do not fit its entry (side, symbol, type, time in force).
    public static let invalidBracket = "invalidBracket"
    /// An equity-fraction order sized below the instrument's minimum at its fill price.
    public static let insufficientEquity = "insufficientEquity"
    /// A notional-sized order whose notional buys less than the minimum at its fill price.
    public static let notionalTooSmall = "notionalTooSmall"
    /// The unfilled rest of an immediate-or-cancel order.
    public static let iocUnfilled = "iocUnfilled"
    /// A fill-or-kill order that could not fill completely at its first opportunity.
    public static let fokUnfilled = "fokUnfilled"
    /// A DAY order at the first event of a later UTC day.
    public static let dayExpired = "dayExpired"
    /// The other side of a one-cancels-other pair, or the unfilled rest of a
    /// bracket entry whose exit leg has closed the bracket.
    public static let ocoCanceled = "ocoCanceled"
    /// A bracket leg whose entry ended without filling anything.
    public static let parentCanceled = "parentCanceled"
    /// `cancel` or `replace` of an id that is not working.
    public static let unknownOrder = "unknownOrder"
    /// A replace the order cannot take (quantity at or below what has filled,
    /// a bracket leg's quantity, an invalid price).
    public static let invalidReplace = "invalidReplace"
}

extension OrderReason {
    /// A reason with one of the exchange's codes.
    static func exchange(_ code: String, _ message: String, limit: String? = nil) -> OrderReason {
        OrderReason(code: code, message: message, limit: limit)
    }
}

/// A request the exchange refused outright (no order changed), carrying the
/// same stable reason an order would; `replace` fails with it.
public struct ExchangeError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Why, with one of the `ExchangeReason` codes.
    public var reason: OrderReason
    /// The stable code, `reason.code`.
    public var code: String { reason.code }
    /// An error for `reason`.
    public init(_ reason: OrderReason) { self.reason = reason }
    /// "code: message".
    public var description: String { reason.description }
}
