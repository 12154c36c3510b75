import Host
import Hummingbird
import Marketplace
import Platform
import Sandbox

/// `POST /api/strategies/{id}/backtest` (202 and a job), `GET /api/backtests[/{id}]`, and
/// `GET /api/backtests/{id}/report` (`BacktestReportResponse`).
struct BacktestRoutes {
    let gateway: Gateway

    func add(to group: APIRoutes) {
        group.post("strategies/:id/backtest", "Start a backtest job", body: BacktestBody.self) { request, context, body in
            let strategy = try await gateway.ownStrategy(StrategyID(context.id("id", "strategy")), in: context)
            let (versionID, source, schema) = try await gateway.runnableVersion(body.versionId, of: strategy)
            return try await submit(body, owner: strategy.authorID, strategy: strategy.id, version: versionID, source: source, schema: schema)
        }
        // A listing's live version, run for anyone who can see the listing
        // (before or after buying it): the job is theirs, the code never leaves the worker.
        group.post("marketplace/listings/:id/backtest",
                   "Backtest a listing's live version with my settings, before or after buying it (the job is mine; the code is never shown)",
                   body: ListingBacktestBody.self) { _, context, listingBody in
            let user = try context.requireIdentity().user.id, body = listingBody.body
            let listing = ListingID(try context.id("id", "listing"))
            let runnable = try await gateway.store.read { try $0.runnableListing(listing, by: user) }
            return try await submit(body, owner: user, strategy: runnable.strategyID, version: runnable.versionID,
                                    source: runnable.source, schema: runnable.schema)
        }
        group.get("backtests", "My backtest jobs") { _, context in
            try await gateway.backtests.jobs(of: try context.requireIdentity().user.id).map { BacktestView($0, withResult: false) }
        }
        group.on(.get, "backtests/:id/report", "The self-contained HTML report of a finished job (409 while it runs; partial when it failed)",
                 response: BacktestReportResponse.documentation) { _, context in
            let owner = try context.requireIdentity().user.id
            guard let job = try await gateway.backtests.job(try context.id("id", "backtest"), owner: owner) else {
                throw APIError.notFound("backtest")
            }
            return try BacktestReportResponse.response(for: job)
        }
        group.get("backtests/:id", "A job: progress, then metrics, trades and equity curve") { _, context in
            let owner = try context.requireIdentity().user.id
            guard let job = try await gateway.backtests.job(try context.id("id", "backtest"), owner: owner) else {
                throw APIError.notFound("backtest")
            }
            return BacktestView(job, withResult: true)
        }
    }

    /// Checks the body's parameters and settings and queues the job for `owner`.
    private func submit(_ body: BacktestBody, owner: UserID, strategy: StrategyID, version: VersionID, source: String,
                        schema: StrategySchema) async throws -> Accepted<BacktestView> {
        let parameters = try schema.resolve(body.parameters ?? [:])
        let dataset = body.dataset ?? gateway.backtests.defaultDataset
        // Another user's dataset reads as absent, as on /api/datasets/{name}.
        guard let known = try await gateway.backtests.dataset(named: dataset, owner: owner) else {
            throw APIError(status: 404, code: "not_found", message: "no such dataset",
                           details: [APIError.Detail(field: "dataset", issue: "names no bundled dataset and none of yours")])
        }
        let settings = try body.settings(dataset: dataset, symbol: known.symbol)
        let job = try await gateway.backtests.submit(owner: owner, strategy: strategy, version: version,
                                                     source: source, parameters: parameters, settings: settings)
        return Accepted(body: BacktestView(job, withResult: false))
    }
}

/// A listing backtest's body: a backtest's settings and parameters; the
/// version is the listing's live one, so `versionId` is not a field.
struct ListingBacktestBody: RequestBody {
    var body: BacktestBody
    init(from decoder: any Decoder) throws { body = try BacktestBody(from: decoder) }
    static var schema: JSONSchema { BacktestBody.schema.removing("versionId") }
}
