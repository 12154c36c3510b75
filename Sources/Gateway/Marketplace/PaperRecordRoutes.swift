import Hummingbird
import Host
import Marketplace
import Platform

/// A listing's verified paper record: `PUT /api/marketplace/listings/{id}/paper-record`
/// (`{"deploymentId": n}`, the author's running paper deployment of the live
/// version) and `DELETE` to remove it; the listing page shows it as
/// `paperRecord`, from the deployment's saved account and journal.
struct PaperRecordBody: RequestBody {
    var deploymentId: Int64
}

struct PaperRecordView: Codable, Sendable, ResponseEncodableBody {
    var deploymentId: Int64
    var versionId: Int64
    /// The deployment's status: `running`, `halted`, `stopped` or `faulted`.
    var status: String
    /// When the deployment was created and when it was attached (wall clock).
    var since: Timestamp
    var attachedAt: Timestamp
    /// Market time of the saved account the figures come from (null before its first save).
    var asOfTime: Timestamp?
    var currency: String
    var startingCash: String?
    var equity: String?
    /// Equity over starting cash, less one.
    var totalReturn: Double?
    var realizedPnL: String?
    /// The largest fall of equity measured at each closed trade's exit
    /// (realized P&L net of fees), as a fraction of the peak before it.
    var maxDrawdown: Double?
    /// Closed trades and fills so far.
    var trades: Int
    var fills: Int

    init(_ record: PaperRecord, checkpoint: HostCheckpoint?, closedTrades: [ClosedTrade]) {
        deploymentId = record.deploymentID.rawValue
        versionId = record.versionID.rawValue
        status = record.deploymentStatus
        since = Timestamp(record.deploymentCreatedAt)
        attachedAt = Timestamp(record.attachedAt)
        currency = APIUnits.currency
        trades = closedTrades.count
        fills = checkpoint?.fillCount ?? 0
        guard let checkpoint else { return }
        let portfolio = checkpoint.portfolio
        asOfTime = Timestamp(checkpoint.time)
        startingCash = APIUnits.money(portfolio.initialCash)
        equity = APIUnits.money(portfolio.equity)
        realizedPnL = APIUnits.money(portfolio.realizedPnL)
        if portfolio.initialCash.units > 0 {
            totalReturn = Double(portfolio.equity.units - portfolio.initialCash.units) / Double(portfolio.initialCash.units)
        }
        maxDrawdown = Self.closedTradeDrawdown(start: portfolio.initialCash, trades: closedTrades)
    }

    /// Peak-to-trough of `start` plus the cumulative net P&L of the trades in exit order.
    static func closedTradeDrawdown(start: Money, trades: [ClosedTrade]) -> Double? {
        guard start.units > 0 else { return nil }
        var equity = start.units, peak = start.units, deepest = 0.0
        for trade in trades.sorted(by: { $0.exitTime < $1.exitTime }) {
            equity += trade.netPnL.units
            peak = max(peak, equity)
            if peak > 0 { deepest = max(deepest, Double(peak - equity) / Double(peak)) }
        }
        return deepest
    }
}

extension PaperRecordView: SchemaDescribed {
    static let schemaName = "PaperRecord"
    static var schema: JSONSchema {
        .record(["deploymentId": .id, "versionId": .id, "status": .oneOfStrings(["stopped", "running", "halted", "faulted"]),
                 "since": .timestamp, "attachedAt": .timestamp, "currency": .currency, "trades": .integer(minimum: 0),
                 "fills": .integer(minimum: 0)],
                optional: ["asOfTime": .timestamp, "startingCash": .exact, "equity": .exact, "totalReturn": .number(),
                           "realizedPnL": .exact, "maxDrawdown": .number(minimum: 0, maximum: 1)])
    }
}

extension PaperRecordBody {
    static var schema: JSONSchema { .body(["deploymentId": .id]) }
}

struct PaperRecordRoutes {
    let gateway: Gateway

    func add(to market: APIRoutes) {
        let store = gateway.store
        market.put("listings/:id/paper-record",
                   "Attach my running paper deployment of the live version as the listing's verified paper record",
                   body: PaperRecordBody.self) { request, context, body in
            let user = try context.requireIdentity().user.id
            let listing = ListingID(try context.id("id", "listing"))
            let record = try await store.write { try $0.attachPaperRecord(DeploymentID(body.deploymentId), to: listing, by: user) }
            return try await gateway.paperRecordView(record)
        }
        market.delete("listings/:id/paper-record", "Remove the listing's paper record") { _, context in
            let user = try context.requireIdentity().user.id
            let listing = ListingID(try context.id("id", "listing"))
            try await store.write { try $0.detachPaperRecord(from: listing, by: user) }
            return NoContent()
        }
    }
}

extension Gateway {
    /// The record's figures: the deployment's saved account (at most a second
    /// old while it runs) and the round trips its journaled fills close.
    func paperRecordView(_ record: PaperRecord) async throws -> PaperRecordView {
        let checkpoint = try await platform.savedCheckpoint(record.deploymentID)
        var trades: [ClosedTrade] = []
        if let checkpoint { trades = try await platform.closedTrades(record.deploymentID, like: checkpoint) }
        return PaperRecordView(record, checkpoint: checkpoint, closedTrades: trades)
    }
}
