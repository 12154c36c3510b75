import Hummingbird
import Marketplace
import Platform

/// `POST /api/datasets` (a CSV of bars, checked whole), `GET /api/datasets`
/// (the bundled datasets and mine), `GET` and `DELETE /api/datasets/{name}`.
/// Another user's dataset reads as absent: 404.
struct DatasetRoutes {
    let gateway: Gateway

    func add(to group: APIRoutes) {
        group.post("datasets", "Upload a CSV of bars as my dataset (20 MiB, 500,000 rows, 5 per user)", body: DatasetBody.self,
                   maximumBytes: BacktestJobs.DatasetLimits.maximumBytes) { _, context, body in
            let owner = try context.requireIdentity().user.id
            let dataset = try await gateway.backtests.uploadDataset(owner: owner, name: body.name, symbol: body.symbol, csv: body.csv)
            return Created(body: DatasetView(dataset))
        }
        group.get("datasets", "Datasets a backtest can name: the bundled ones and mine") { _, context in
            try await gateway.backtests.datasets(of: try context.requireIdentity().user.id).map(DatasetView.init)
        }
        group.get("datasets/:name", "A bundled dataset or mine") { _, context in
            let owner = try context.requireIdentity().user.id
            guard let dataset = try await gateway.backtests.dataset(named: try name(context), owner: owner) else {
                throw APIError.notFound("dataset")
            }
            return DatasetView(dataset)
        }
        group.delete("datasets/:name", "Delete my dataset") { _, context in
            let owner = try context.requireIdentity().user.id
            guard try await gateway.backtests.deleteDataset(named: try name(context), owner: owner) else {
                throw APIError.notFound("dataset")
            }
            return NoContent()
        }
    }

    private func name(_ context: GatewayContext) throws -> String {
        guard let name = context.parameters.get("name") else { throw APIError.notFound("dataset") }
        return name
    }
}

/// `POST /api/datasets`: a name, the CSV text (header
/// `time,open,high,low,close,volume`), and optionally the symbol backtests
/// trade it as (default BTCUSD).
struct DatasetBody: RequestBody {
    var name: String
    var csv: String
    var symbol: String?

    static var schema: JSONSchema {
        .body(["name": .string(minLength: 1, maxLength: 64, pattern: "^[A-Za-z0-9][A-Za-z0-9._-]*$"), "csv": .text],
              optional: ["symbol": .string(minLength: 1, maxLength: 32)])
    }
}
