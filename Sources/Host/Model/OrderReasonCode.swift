/// Every stable machine code an order can be refused, canceled or expired
/// with (`OrderReason.code`): the risk gate's denials, the paper exchange's
/// reasons and the kernel's own, in one place so no two parts can mint the
/// same word for different things. The raw values are the wire, JSON and API
/// strings; changing one breaks clients and stored checkpoints.
public enum OrderReasonCode: String, Sendable, CaseIterable, Codable, CustomStringConvertible {
    // MARK: - Risk gate (in the order the engine checks them)

    /// The order's quantity is zero or negative.
    case invalidQuantity
    /// The order's symbol is not the instrument's.
    case instrumentMismatch
    /// A kill switch covering the deployment is engaged at level `halt`.
    case killSwitch
    /// A kill switch covering the deployment is engaged at level
    /// `reduceOnly` and the order would not reduce a position.
    case killSwitchReduceOnly
    /// The deployment's trading state is `halted`.
    case halted
    /// The deployment's trading state is `reducing` and the order would not reduce.
    case reducing
    /// The time is outside a trading window.
    case outsideTradingWindow
    /// The order's quantity exceeds the per-order limit.
    case maxOrderQuantity
    /// The order's notional exceeds the per-order limit.
    case maxOrderNotional
    /// A check (or sizing a notional or equity order) needs a last price and there is none.
    case noReferencePrice
    /// The limit price is too far from the last price.
    case priceCollar
    /// The position would exceed its limit.
    case maxPosition
    /// The account's gross exposure would exceed its limit.
    case maxGrossExposure
    /// A cash account's cash, or a margin account's equity × leverage, does
    /// not cover the order (with its fees and the open orders); or a cash
    /// account would sell short.
    case insufficientBuyingPower
    /// Too many orders are working.
    case maxOpenOrders
    /// The order-rate bucket is empty.
    case orderRate
    /// The session's loss reached the daily loss limit (also used for orders
    /// refused later in the session because of it).
    case dailyLoss

    // MARK: - Paper exchange

    /// The order names a symbol the exchange was not configured with.
    case unknownInstrument
    /// An order with this id is already working.
    case duplicateOrderID
    /// A non-positive quantity, price, notional or fraction, or an order that
    /// is not freshly accepted.
    case invalidOrder
    /// A bracket whose legs do not fit its entry (side, symbol, type, time in force).
    case invalidBracket
    /// An equity-fraction order sized below the instrument's minimum at its fill price.
    case insufficientEquity
    /// A notional-sized order whose notional buys less than the minimum at its fill price.
    case notionalTooSmall
    /// The unfilled rest of an immediate-or-cancel order.
    case iocUnfilled
    /// A fill-or-kill order that could not fill completely at its first opportunity.
    case fokUnfilled
    /// A DAY order at the first event of a later UTC day.
    case dayExpired
    /// The other side of a one-cancels-other pair, or the unfilled rest of a
    /// bracket entry whose exit leg has closed the bracket.
    case ocoCanceled
    /// A bracket leg whose entry ended without filling anything.
    case parentCanceled
    /// `cancel` or `replace` of an id that is not working.
    case unknownOrder
    /// A replace the order cannot take (quantity at or below what has filled,
    /// a bracket leg's quantity, an invalid price, a price the type has not).
    case invalidReplace

    // MARK: - Order router (the instrument grid and the deployment's symbols)

    /// The symbol is not one the deployment trades.
    case unknownSymbol
    /// The quantity is below the instrument's minimum (or rounds to zero lots).
    case quantityTooSmall
    /// A quantity field is not a positive finite number within the instrument's range.
    case quantityOutOfRange
    /// A price field is not a positive finite number within the instrument's range.
    case priceOutOfRange
    /// A notional is out of range, or the order's notional exceeds the instrument's maximum.
    case notionalOutOfRange
    /// A price that rounds to zero ticks.
    case invalidPrice
    /// A reduce-only order with no opposite position to reduce.
    case reduceOnlyWouldIncrease

    // MARK: - Deployment and its owner

    /// A protective exit canceled because the position it protected was closed.
    case closedPosition
    /// The strategy canceled the order.
    case canceledByStrategy
    /// The deployment's owner canceled the order by a manual command.
    case canceledByOwner
    /// A square-off canceled the order.
    case squareOff
    /// A manual close found no open position.
    case noPosition
    /// The deployment stopped with the order working.
    case deploymentStopped
    /// The deployment faulted with the order working.
    case deploymentFaulted

    /// The raw value: string interpolation gives the wire string.
    public var description: String { rawValue }
}
