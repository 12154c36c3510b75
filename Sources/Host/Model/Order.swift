/// Buy or sell.
public enum Side: String, Sendable, Hashable, Codable {
    case buy, sell
    public var sign: Int64 { self == .buy ? 1 : -1 }
    public var opposite: Side { self == .buy ? .sell : .buy }
}

/// How an order executes.
public enum OrderType: Sendable, Hashable, Codable {
    case market
    case limit(Price)
    /// Becomes a market order once the trigger trades (buy: at or above; sell: at or below).
    case stop(trigger: Price)
    /// Becomes a limit order at `limit` once the trigger trades.
    case stopLimit(trigger: Price, limit: Price)

    public var name: String {
        switch self {
        case .market: "market"
        case .limit: "limit"
        case .stop: "stop"
        case .stopLimit: "stop_limit"
        }
    }

    /// The price a risk collar checks (nil for market orders).
    public var referencePrice: Price? {
        switch self {
        case .market: nil
        case .limit(let price): price
        case .stop(let trigger): trigger
        case .stopLimit(_, let limit): limit
        }
    }
}

/// How long an order stays working.
public enum TimeInForce: String, Sendable, Hashable, Codable {
    /// Good till canceled.
    case gtc = "GTC"
    /// Immediate or cancel: fill what is possible at once, cancel the rest.
    case ioc = "IOC"
    /// Fill or kill: fill entirely at once or cancel.
    case fok = "FOK"
    /// Expires at the end of the UTC day it was placed in.
    case day = "DAY"
}

/// How an order's size was given. Units are resolved when the order is
/// accepted; an equity fraction is resolved at the fill price.
public enum OrderSizing: Sendable, Hashable, Codable {
    case quantity(Quantity)
    /// Spend (buy) or raise (sell) this much quote currency.
    case notional(Money)
    /// This fraction (0 < f ≤ 1) of equity, sized at the fill price with the
    /// commission included, so an all-in order does not overdraw cash.
    case equityFraction(Double)
}

/// Where an order stands. Transitions are checked by `OrderStatus.canMove(to:)`.
public enum OrderStatus: String, Sendable, Hashable, Codable {
    /// Passed the risk gate, resting or waiting for its trigger.
    case accepted = "ACCEPTED"
    case partiallyFilled = "PARTIALLY_FILLED"
    case filled = "FILLED"
    case canceled = "CANCELED"
    /// Refused by the risk gate or the exchange; never reached the book.
    case rejected = "REJECTED"
    /// Its time in force ran out.
    case expired = "EXPIRED"

    public var isTerminal: Bool {
        switch self {
        case .filled, .canceled, .rejected, .expired: true
        case .accepted, .partiallyFilled: false
        }
    }

    /// The order lifecycle as a state machine: terminal states are final, and
    /// fills only move forward.
    public func canMove(to next: OrderStatus) -> Bool {
        switch (self, next) {
        case (.accepted, .partiallyFilled), (.accepted, .filled), (.accepted, .canceled),
             (.accepted, .expired), (.accepted, .rejected):
            true
        case (.partiallyFilled, .partiallyFilled), (.partiallyFilled, .filled),
             (.partiallyFilled, .canceled), (.partiallyFilled, .expired):
            true
        default:
            false
        }
    }
}

/// Identifies an order within one deployment; increasing, so resubmission
/// after a restart is idempotent.
public typealias OrderID = Int64

/// A working or finished order.
public struct Order: Sendable, Hashable, Codable {
    public var id: OrderID
    public var symbol: String
    public var side: Side
    public var type: OrderType
    public var timeInForce: TimeInForce
    /// The quantity asked for; for an equity-fraction order, zero until it is
    /// sized at its fill.
    public var quantity: Quantity
    public var sizing: OrderSizing
    public var filledQuantity: Quantity
    /// Notional of all fills so far (exact), for the average fill price.
    public var filledNotional: Money
    public var status: OrderStatus
    /// Only reduces an existing position; never opens or flips one.
    public var reduceOnly: Bool
    /// The strategy's own label.
    public var tag: String?
    /// For bracket legs: the entry order they belong to.
    public var parentID: OrderID?
    /// For a bracket entry: its take-profit and stop-loss legs (one-cancels-other).
    public var childIDs: [OrderID]
    /// Whether a stop's trigger has traded.
    public var triggered: Bool
    public var createdAt: Int64
    public var updatedAt: Int64
    /// Why it was rejected, canceled or expired.
    public var reason: OrderReason?

    public init(
        id: OrderID, symbol: String, side: Side, type: OrderType, timeInForce: TimeInForce = .gtc,
        sizing: OrderSizing, quantity: Quantity, reduceOnly: Bool = false, tag: String? = nil,
        parentID: OrderID? = nil, createdAt: Int64
    ) {
        self.id = id
        self.symbol = symbol
        self.side = side
        self.type = type
        self.timeInForce = timeInForce
        self.sizing = sizing
        self.quantity = quantity
        self.filledQuantity = .zero
        self.filledNotional = .zero
        self.status = .accepted
        self.reduceOnly = reduceOnly
        self.tag = tag
        self.parentID = parentID
        self.childIDs = []
        self.triggered = false
        self.createdAt = createdAt
        self.updatedAt = createdAt
        self.reason = nil
    }

    public var remainingQuantity: Quantity { quantity - filledQuantity }
}

/// A machine-readable reason attached to a rejected, canceled or expired order.
public struct OrderReason: Error, Sendable, Hashable, Codable, CustomStringConvertible {
    /// Stable code, e.g. `maxOrderNotional`, `killSwitch`; encoded as its
    /// raw string, so JSON and wire bytes are those of the plain string.
    public var code: OrderReasonCode
    /// Human-readable explanation naming the value and the limit.
    public var message: String
    /// The limit that fired, when one did (as text, exact).
    public var limit: String?

    /// A reason with `code`, a message naming the value, and the limit that fired.
    public init(code: OrderReasonCode, message: String, limit: String? = nil) {
        self.code = code
        self.message = message
        self.limit = limit
    }

    /// "code: message".
    public var description: String { "\(code.rawValue): \(message)" }
}

/// One execution of (part of) an order.
public struct Fill: Sendable, Hashable, Codable {
    public var orderID: OrderID
    public var symbol: String
    public var side: Side
    public var quantity: Quantity
    public var price: Price
    /// Commission charged for this fill.
    public var fee: Money
    /// price × quantity, exact (the one rounding of the numeric model).
    public var notional: Money
    public var time: Int64
    public var tag: String?

    public init(orderID: OrderID, symbol: String, side: Side, quantity: Quantity, price: Price,
                fee: Money, notional: Money, time: Int64, tag: String? = nil) {
        self.orderID = orderID
        self.symbol = symbol
        self.side = side
        self.quantity = quantity
        self.price = price
        self.fee = fee
        self.notional = notional
        self.time = time
        self.tag = tag
    }
}

extension Order {
    /// The average price of its fills on the tick grid (half to even); nil before the first fill.
    public func averagePrice(_ instrument: Instrument) -> Price? {
        ExactDivision.averagePrice(notional: filledNotional, lots: filledQuantity.lots, instrument: instrument)
    }
}
