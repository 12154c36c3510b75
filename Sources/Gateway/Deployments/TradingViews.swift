import Foundation
import Host
import Platform

/// Orders, fills, positions and accounts in the API's units
/// (`APIUnits`): prices and quantities in the instrument's precision,
/// money with 8 decimals and its currency, market times as ISO-8601.
/// The same views go out over REST and the WebSocket.

/// A reason an order was rejected, canceled or expired: a stable code
/// (`docs/risk.md`), a message naming the value, the limit that fired.
struct OrderReasonView: Codable, Sendable {
    var code: String
    var message: String
    var limit: String?

    init(_ reason: OrderReason) {
        code = reason.code.rawValue
        message = reason.message
        limit = reason.limit
    }
}

struct OrderView: Codable, Sendable, ResponseEncodableBody, PageItem {
    static let pageKey = "orders"
    var id: Int64
    var symbol: String
    var side: String
    /// `market`, `limit`, `stop` or `stop_limit`.
    var type: String
    /// `gtc`, `ioc`, `fok` or `day`.
    var timeInForce: String
    /// `accepted`, `partially_filled`, `filled`, `canceled`, `rejected` or `expired`.
    var status: String
    /// How the size was given: `quantity`, `notional` or `equity_fraction`.
    var sizing: String
    /// The quantity asked for (for an equity fraction: "0" until it is sized at its fill).
    var quantity: String
    var filledQuantity: String
    /// The limit price (`limit`, `stop_limit`).
    var price: String?
    /// The trigger price (`stop`, `stop_limit`).
    var trigger: String?
    /// The average price of its fills, once it has one.
    var averagePrice: String?
    /// The amount asked for with `notional` sizing.
    var notional: String?
    /// The fraction of equity asked for with `equity_fraction` sizing.
    var equityFraction: Double?
    var currency: String
    var reduceOnly: Bool
    var triggered: Bool
    var tag: String?
    var parentId: Int64?
    var childIds: [Int64]
    var reason: OrderReasonView?
    /// Market times (the feed's clock).
    var createdTime: Timestamp
    var updatedTime: Timestamp

    init(_ order: Order, _ instrument: Instrument) {
        id = order.id
        symbol = order.symbol
        side = order.side.rawValue
        type = order.type.name
        timeInForce = order.timeInForce.rawValue.lowercased()
        status = order.status.apiName
        quantity = APIUnits.quantity(order.quantity, instrument)
        filledQuantity = APIUnits.quantity(order.filledQuantity, instrument)
        switch order.type {
        case .market: break
        case .limit(let limit): price = APIUnits.price(limit, instrument)
        case .stop(let stop): trigger = APIUnits.price(stop, instrument)
        case .stopLimit(let stop, let limit):
            trigger = APIUnits.price(stop, instrument)
            price = APIUnits.price(limit, instrument)
        }
        averagePrice = order.averagePrice(instrument).map { APIUnits.price($0, instrument) }
        switch order.sizing {
        case .quantity: sizing = "quantity"
        case .notional(let amount): (sizing, notional) = ("notional", APIUnits.money(amount))
        case .equityFraction(let fraction): (sizing, equityFraction) = ("equity_fraction", fraction)
        }
        currency = APIUnits.currency
        reduceOnly = order.reduceOnly
        triggered = order.triggered
        tag = order.tag
        parentId = order.parentID
        childIds = order.childIDs
        reason = order.reason.map(OrderReasonView.init)
        createdTime = Timestamp(order.createdAt)
        updatedTime = Timestamp(order.updatedAt)
    }
}

extension OrderStatus {
    /// The API's name: lower-case snake_case (`partially_filled`).
    var apiName: String { rawValue.lowercased() }
}

struct FillView: Codable, Sendable, ResponseEncodableBody, PageItem {
    static let pageKey = "fills"
    /// Stable within the deployment (the journal's key).
    var id: String
    var orderId: Int64
    var symbol: String
    var side: String
    var quantity: String
    var price: String
    /// price × quantity, exact.
    var notional: String
    var fee: String
    var currency: String
    var tag: String?
    /// Market time of the execution.
    var time: Timestamp

    init(_ fill: Fill, id: String, _ instrument: Instrument) {
        self.id = id
        orderId = fill.orderID
        symbol = fill.symbol
        side = fill.side.rawValue
        quantity = APIUnits.quantity(fill.quantity, instrument)
        price = APIUnits.price(fill.price, instrument)
        notional = APIUnits.money(fill.notional)
        fee = APIUnits.money(fill.fee)
        currency = APIUnits.currency
        tag = fill.tag
        time = Timestamp(fill.time)
    }
}

struct PositionView: Codable, Sendable, ResponseEncodableBody {
    var symbol: String
    /// `long` or `short`.
    var side: String
    /// Signed: negative when short.
    var quantity: String
    var averagePrice: String?
    /// The last price the position was marked at (null before the first).
    var markPrice: String?
    var costBasis: String
    var marketValue: String
    var unrealizedPnL: String
    var realizedPnL: String
    var fees: String
    var currency: String

    init(_ position: Position, _ instrument: Instrument, mark: Price?) {
        let record = PositionRecord(position, instrument: instrument, mark: mark)
        symbol = position.symbol
        side = position.quantity.lots < 0 ? "short" : "long"
        quantity = record.quantity
        averagePrice = record.averagePrice
        markPrice = record.mark
        costBasis = APIUnits.money(record.costBasis)
        marketValue = APIUnits.money(record.marketValue)
        unrealizedPnL = APIUnits.money(record.unrealizedPnL)
        realizedPnL = APIUnits.money(record.realizedPnL)
        fees = APIUnits.money(record.fees)
        currency = APIUnits.currency
    }
}

/// A deployment's account: live while it runs, as its last checkpoint
/// left it once stopped (`running` says which).
struct AccountView: Codable, Sendable, ResponseEncodableBody {
    var running: Bool
    /// `ready`, `running`, `halted`, `faulted` or `stopped` (the host's view).
    var status: String
    var currency: String
    var cash: String
    var equity: String
    var realizedPnL: String
    var unrealizedPnL: String
    var fees: String
    var openOrders: Int
    var fills: Int
    var positions: [PositionView]

    init(_ snapshot: DeploymentSnapshot, running: Bool, instruments: InstrumentResolver) {
        self.running = running
        status = snapshot.status.apiName
        currency = APIUnits.currency
        cash = APIUnits.money(snapshot.cash)
        equity = APIUnits.money(snapshot.equity)
        realizedPnL = APIUnits.money(snapshot.realizedPnL)
        unrealizedPnL = APIUnits.money(snapshot.unrealizedPnL)
        fees = APIUnits.money(snapshot.fees)
        openOrders = snapshot.openOrders.count
        fills = snapshot.fillCount
        positions = snapshot.positions.map { PositionView($0, instruments($0.symbol), mark: snapshot.marks[$0.symbol]) }
    }
}

extension DeploymentStatus {
    /// `ready`, `running`, `halted`, `faulted` or `stopped`.
    var apiName: String {
        switch self {
        case .ready: "ready"
        case .running: "running"
        case .halted: "halted"
        case .faulted: "faulted"
        case .stopped: "stopped"
        }
    }
}

/// The instrument whose precision formats a symbol's values: the account's
/// own, else the feed's, else the Host's default (2 price and 8 quantity
/// decimals). A running deployment's account holds the feed's instruments
/// (it is launched with them), so for one the feed's alone will do.
struct InstrumentResolver: Sendable {
    var account: [Instrument] = []
    var tape: MarketTape?

    func callAsFunction(_ symbol: String) -> Instrument {
        account.first { $0.symbol == symbol } ?? tape?.instrument(symbol) ?? Instrument(symbol: symbol)
    }
}
