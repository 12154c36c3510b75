import Foundation
import Host
import Hummingbird
import Marketplace
import Platform

/// `GET /api/deployments/{id}/equity` and `/trades`: a deployment's account
/// over market time (docs/api.md, "Equity history and trades").
struct EquityRoutes {
    let gateway: Gateway

    /// Points a curve holds at most, and by default.
    static let maximumPoints = 5_000
    static let defaultPoints = 500

    func add(to group: APIRoutes) {
        group.get("deployments/:id/equity",
                  "Equity history (?from=&to= ISO-8601 market times, ?points=2..5000, default 500): each point the last sample of its bucket with the bucket's low and high")
        { request, context in
            let deployment = try await gateway.ownDeployment(context)
            let window = try EquityWindow(request)
            _ = try await gateway.platform.settledJournal(of: deployment.id)
            let stored = try await gateway.store.read { try $0.equityHistory(of: deployment.id, from: window.from, to: window.to) }
            return EquityCurveView(deploymentId: deployment.id.rawValue, points: StoredEquityPoint.downsample(stored, to: window.points))
        }
        group.get("deployments/:id/trades",
                  "Closed round trips (entry, exit, side, size, P&L, fees, duration), newest first (?limit=1..500, ?cursor=)") { request, context in
            let deployment = try await gateway.ownDeployment(context)
            let page = try PageRequest(request, kind: "trades")
            _ = try await gateway.platform.settledJournal(of: deployment.id)
            guard let checkpoint = try await gateway.platform.savedCheckpoint(deployment.id) else {
                return PageView<ClosedTradeView>(items: [], nextCursor: nil)
            }
            let trades = try await gateway.platform.closedTrades(deployment.id, like: checkpoint)
            let instruments = InstrumentResolver(account: checkpoint.portfolio.instruments, tape: gateway.tape)
            // Keys are 1-based places in the closed-trade list, which only grows.
            let end = min(trades.count, Int(clamping: (page.before ?? Int64(trades.count) + 1) - 1))
            let keys = stride(from: Int64(end), to: max(0, Int64(end - page.limit - 1)), by: -1)
            let rows = keys.map { key in ClosedTradeView(trades[Int(key) - 1], id: key, instruments(trades[Int(key) - 1].symbol)) }
            let (items, next) = page.page(rows, kind: "trades") { $0.id }
            return PageView(items: items, nextCursor: next)
        }
    }
}

/// `?from=&to=&points=` of a history read.
struct EquityWindow {
    var from: Int64
    var to: Int64
    var points: Int

    init(from: Int64, to: Int64, points: Int) {
        self.from = from
        self.to = to
        self.points = points
    }

    init(_ request: Request, defaultPoints: Int = EquityRoutes.defaultPoints) throws {
        from = try request.query("from", APIUnits.parseTime) ?? .min
        to = try request.query("to", APIUnits.parseTime) ?? .max
        guard from <= to else { throw APIError.invalid("to", "must not be before from") }
        points = try request.query("points") { Int($0) }.map { try Check.number($0, "points", in: 2...EquityRoutes.maximumPoints) }
            ?? defaultPoints
    }
}

/// One point of an equity curve (REST and the WebSocket `equity` channel).
struct EquityPointView: Codable, Sendable {
    /// Market time of the point (the last sample in its bucket).
    var time: Timestamp
    /// Seconds the point stands for: 0 for one sample, else its bucket's width.
    var resolution: Int64
    var equity: String
    var equityLow: String
    var equityHigh: String
    var cash: String
    var grossExposure: String
    var netExposure: String
    var realizedPnL: String
    var unrealizedPnL: String
    /// Fills since the account opened, as of this point.
    var fills: Int64

    init(_ point: StoredEquityPoint) {
        time = Timestamp(point.time)
        resolution = point.resolution
        equity = APIUnits.money(Money(units: point.equity))
        equityLow = APIUnits.money(Money(units: point.equityLow))
        equityHigh = APIUnits.money(Money(units: point.equityHigh))
        cash = APIUnits.money(Money(units: point.cash))
        grossExposure = APIUnits.money(Money(units: point.grossExposure))
        netExposure = APIUnits.money(Money(units: point.netExposure))
        realizedPnL = APIUnits.money(Money(units: point.realizedPnL))
        unrealizedPnL = APIUnits.money(Money(units: point.unrealizedPnL))
        fills = point.fills
    }

    init(_ sample: EquitySample) { self.init(StoredEquityPoint(sample)) }
}

struct EquityCurveView: Codable, Sendable, ResponseEncodableBody {
    var deploymentId: Int64
    var currency = APIUnits.currency
    var points: [EquityPointView]

    init(deploymentId: Int64, points: [StoredEquityPoint]) {
        self.deploymentId = deploymentId
        self.points = points.map(EquityPointView.init)
    }
}

/// A closed round trip of a deployment.
struct ClosedTradeView: Codable, Sendable, ResponseEncodableBody, PageItem {
    static let pageKey = "trades"
    /// 1 for the deployment's first closed trade, counting up.
    var id: Int64
    var symbol: String
    /// `long` or `short`.
    var side: String
    var quantity: String
    var entryTime: Timestamp
    var exitTime: Timestamp
    var durationSeconds: Int64
    var entryPrice: String
    var exitPrice: String
    /// Before fees.
    var pnl: String
    var fees: String
    var netPnL: String
    var currency = APIUnits.currency

    init(_ trade: ClosedTrade, id: Int64, _ instrument: Instrument) {
        self.id = id
        symbol = trade.symbol
        side = trade.side == .buy ? "long" : "short"
        quantity = APIUnits.quantity(trade.quantity, instrument)
        entryTime = Timestamp(trade.entryTime)
        exitTime = Timestamp(trade.exitTime)
        durationSeconds = trade.exitTime - trade.entryTime
        entryPrice = APIUnits.price(trade.entryPrice, instrument)
        exitPrice = APIUnits.price(trade.exitPrice, instrument)
        pnl = APIUnits.money(trade.pnl)
        fees = APIUnits.money(trade.fees)
        netPnL = APIUnits.money(trade.netPnL)
    }
}

extension EquityPointView: SchemaDescribed {
    static let schemaName = "EquityPoint"
    static var schema: JSONSchema {
        .record(["time": .timestamp, "resolution": .integer(minimum: 0), "equity": .exact, "equityLow": .exact, "equityHigh": .exact,
                 "cash": .exact, "grossExposure": .exact, "netExposure": .exact, "realizedPnL": .exact, "unrealizedPnL": .exact,
                 "fills": .integer(minimum: 0)])
    }
}

extension EquityCurveView: SchemaDescribed {
    static let schemaName = "EquityCurve"
    static var schema: JSONSchema {
        .record(["deploymentId": .id, "currency": .currency, "points": .array(of: .ref(EquityPointView.self), maxItems: EquityRoutes.maximumPoints)])
    }
}

extension ClosedTradeView: SchemaDescribed {
    static let schemaName = "ClosedTrade"
    static var schema: JSONSchema {
        .record(["id": .id, "symbol": .text, "side": .oneOfStrings(["long", "short"]), "quantity": .exact, "entryTime": .timestamp,
                 "exitTime": .timestamp, "durationSeconds": .integer(minimum: 0), "entryPrice": .exact, "exitPrice": .exact, "pnl": .exact,
                 "fees": .exact, "netPnL": .exact, "currency": .currency])
    }
}
