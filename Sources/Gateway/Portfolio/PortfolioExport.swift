import Foundation
import Host
import Hummingbird
import Marketplace
import Platform

/// `GET /api/portfolio/export` (docs/api.md, "Portfolio export"): the open
/// positions, closed trades, fills and equity points of every deployment of
/// the user in a period of market time, as one JSON document or one CSV
/// table per part. Each row carries its `deploymentId` and the same fields
/// (and units) as the REST view it comes from.
struct PortfolioExport {
    let gateway: Gateway

    enum Part: String, CaseIterable { case positions, trades, fills, equity }
    /// Rows one part may hold; a longer one asks for a shorter period.
    static let maximumRows = 100_000

    static let documentation = ResponseDocumentation(status: 200, schema: .ref(PortfolioExportView.self))

    func export(_ request: Request, context: GatewayContext, holdings: [PortfolioRoutes.Holding]) async throws -> Response {
        let format = try request.query("format") { ["json", "csv"].contains($0) ? $0 : nil } ?? "json"
        let window = try EquityWindow(request)
        if format == "json" {
            guard request.uri.queryParameters.get("part") == nil else { throw APIError.invalid("part", "applies to format=csv only") }
            var view = PortfolioExportView(from: window.from == .min ? nil : Timestamp(window.from), to: window.to == .max ? nil : Timestamp(window.to))
            for part in Part.allCases { try await collect(part, holdings, window, into: &view) }
            return try view.response(from: request, context: context)
        }
        guard let part = try request.query("part", { Part(rawValue: $0) }) else {
            throw APIError.invalid("part", "is required with format=csv: one of positions, trades, fills, equity")
        }
        var view = PortfolioExportView(from: nil, to: nil)
        try await collect(part, holdings, window, into: &view)
        let rows: [[String: Any]] = try {
            switch part {
            case .positions: try Self.flatten(view.positions)
            case .trades: try Self.flatten(view.trades)
            case .fills: try Self.flatten(view.fills)
            case .equity: try Self.flatten(view.equity)
            }
        }()
        var headers: HTTPFields = [.contentType: "text/csv; charset=utf-8", .cacheControl: "private, no-store"]
        headers[.contentDisposition] = "attachment; filename=\"portfolio-\(part.rawValue).csv\""
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: Self.csv(rows, columns: Self.columns[part]!))))
    }

    private func collect(_ part: Part, _ holdings: [PortfolioRoutes.Holding], _ window: EquityWindow,
                         into view: inout PortfolioExportView) async throws {
        let platform = gateway.platform
        for holding in holdings {
            let id = holding.deployment.id, raw = id.rawValue
            let instruments = InstrumentResolver(account: holding.snapshot.instruments, tape: gateway.tape)
            switch part {
            case .positions:
                view.positions += holding.snapshot.positions.map { position in
                    ExportRow(deploymentId: raw, item: PositionView(position, instruments(position.symbol), mark: holding.snapshot.marks[position.symbol]))
                }
            case .trades:
                guard let checkpoint = try await platform.savedCheckpoint(id) else { continue }
                let trades = try await platform.closedTrades(id, like: checkpoint)
                for (index, trade) in trades.enumerated() where trade.exitTime >= window.from && trade.exitTime <= window.to {
                    view.trades.append(ExportRow(deploymentId: raw, item: ClosedTradeView(trade, id: Int64(index + 1), instruments(trade.symbol))))
                }
            case .fills:
                if holding.running { _ = try await platform.settledJournal(of: id) }
                let items = try await gateway.store.read { try $0.journalFills(of: id) }
                for item in items {
                    guard let fill = try? JSONDecoder().decode(Fill.self, from: item.record.body),
                          fill.time >= window.from, fill.time <= window.to else { continue }
                    view.fills.append(ExportRow(deploymentId: raw, item: FillView(fill, id: item.record.id, instruments(fill.symbol))))
                }
            case .equity:
                if holding.running { _ = try await platform.settledJournal(of: id) }
                let points = try await gateway.store.read { try $0.equityHistory(of: id, from: window.from, to: window.to) }
                view.equity += points.map { ExportRow(deploymentId: raw, item: EquityPointView($0)) }
            }
            guard view.count(part) <= Self.maximumRows else {
                throw APIError.invalid("from", "the period holds more than \(Self.maximumRows) \(part.rawValue): choose a shorter one with from and to")
            }
        }
    }

    /// The CSV columns of each part: `deploymentId`, then the view's fields.
    static let columns: [Part: [String]] = [
        .positions: ["deploymentId", "symbol", "side", "quantity", "averagePrice", "markPrice", "costBasis", "marketValue", "unrealizedPnL",
                     "realizedPnL", "fees", "currency"],
        .trades: ["deploymentId", "id", "symbol", "side", "quantity", "entryTime", "exitTime", "durationSeconds", "entryPrice", "exitPrice",
                  "pnl", "fees", "netPnL", "currency"],
        .fills: ["deploymentId", "id", "orderId", "symbol", "side", "quantity", "price", "notional", "fee", "currency", "tag", "time"],
        .equity: ["deploymentId", "time", "resolution", "equity", "equityLow", "equityHigh", "cash", "grossExposure", "netExposure",
                  "realizedPnL", "unrealizedPnL", "fills"],
    ]

    /// Each row's item fields with its deployment id beside them, as the JSON export writes them.
    static func flatten<Item: Encodable>(_ rows: [ExportRow<Item>]) throws -> [[String: Any]] {
        let encoder = JSONEncoder()
        return try rows.map { row in
            var fields = try JSONSerialization.jsonObject(with: encoder.encode(row.item)) as? [String: Any] ?? [:]
            fields["deploymentId"] = row.deploymentId
            return fields
        }
    }

    /// RFC 4180: a header line, CRLF line ends, fields with a comma, quote or line break quoted.
    static func csv(_ rows: [[String: Any]], columns: [String]) -> String {
        func field(_ value: Any?) -> String {
            let text: String = switch value {
            case nil, is NSNull: ""
            case let number as NSNumber: number.stringValue
            case let string as String: string
            default: "\(value!)"
            }
            guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return text }
            return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
        }
        var lines = [columns.joined(separator: ",")]
        for row in rows { lines.append(columns.map { field(row[$0]) }.joined(separator: ",")) }
        return lines.joined(separator: "\r\n") + "\r\n"
    }
}

/// An exported item with the deployment it belongs to.
struct ExportRow<Item: Codable & Sendable>: Codable, Sendable {
    var deploymentId: Int64
    var item: Item
}

struct PortfolioExportView: Codable, Sendable, ResponseEncodableBody {
    var currency = APIUnits.currency
    /// The period asked for (absent: from the first, or to the last).
    var from: Timestamp?
    var to: Timestamp?
    var positions: [ExportRow<PositionView>] = []
    var trades: [ExportRow<ClosedTradeView>] = []
    var fills: [ExportRow<FillView>] = []
    var equity: [ExportRow<EquityPointView>] = []

    init(from: Timestamp?, to: Timestamp?) {
        self.from = from
        self.to = to
    }

    func count(_ part: PortfolioExport.Part) -> Int {
        switch part {
        case .positions: positions.count
        case .trades: trades.count
        case .fills: fills.count
        case .equity: equity.count
        }
    }
}

extension PortfolioExportView: SchemaDescribed {
    static let schemaName = "PortfolioExport"
    static var schema: JSONSchema {
        func rows<Item: SchemaDescribed>(_ type: Item.Type) -> JSONSchema {
            .array(of: .record(["deploymentId": .id, "item": .ref(type)]), maxItems: PortfolioExport.maximumRows)
        }
        return .record(["currency": .currency, "positions": rows(PositionView.self), "trades": rows(ClosedTradeView.self),
                        "fills": rows(FillView.self), "equity": rows(EquityPointView.self)],
                       optional: ["from": .timestamp, "to": .timestamp])
    }
}
