import Host
import Hummingbird
import Marketplace
import Platform
import Sandbox

/// `POST /api/strategies/{id}/optimize` (202 and a sweep), `GET
/// /api/optimizations[/{id}]`: parameter sweeps over a strategy's declared
/// parameters, the API's form of `lunar optimize` (docs/optimize.md).
struct OptimizationRoutes {
    let gateway: Gateway

    func add(to group: APIRoutes) {
        group.post("strategies/:id/optimize",
                   "Start a parameter sweep (grid or random, optional walk-forward; at most 200 backtests), ranked by the objective",
                   body: OptimizeBody.self) { _, context, body in
            let strategy = try await gateway.ownStrategy(StrategyID(context.id("id", "strategy")), in: context)
            let (version, source, schema) = try await gateway.runnableVersion(body.versionId, of: strategy)
            let dataset = body.settings.dataset ?? gateway.backtests.defaultDataset
            guard let known = try await gateway.backtests.dataset(named: dataset, owner: strategy.authorID) else {
                throw APIError(status: 404, code: "not_found", message: "no such dataset",
                               details: [APIError.Detail(field: "dataset", issue: "names no bundled dataset and none of yours")])
            }
            let request = try body.request(settings: try body.settings.settings(dataset: dataset, symbol: known.symbol))
            let job = try await gateway.platform.optimizations.submit(owner: strategy.authorID, strategy: strategy.id, version: version,
                                                                      source: source, schema: schema, request: request)
            return Accepted(body: OptimizationView(job))
        }
        group.get("optimizations", "My parameter sweeps (kept in memory: the last 10; a restart ends them)") { _, context in
            gateway.platform.optimizations.jobs(of: try context.requireIdentity().user.id).map(OptimizationView.init)
        }
        group.get("optimizations/:id", "A sweep: progress, then the ranked trials with their metrics (or the walk-forward windows)") { _, context in
            let owner = try context.requireIdentity().user.id
            guard let job = gateway.platform.optimizations.job(try context.id("id", "optimization"), owner: owner) else {
                throw APIError.notFound("optimization")
            }
            return OptimizationView(job)
        }
    }
}

extension Gateway {
    /// The strategy's version `id` (default: its latest accepted one) with its source and schema; 409 when it was rejected.
    func runnableVersion(_ id: Int64?, of strategy: Strategy) async throws -> (VersionID, String, StrategySchema) {
        let (owner, strategyID) = (strategy.authorID, strategy.id)
        let versions = try await store.read { try $0.versions(of: strategyID, by: owner) }
        let chosen = id.map { id in versions.first { $0.id.rawValue == id } } ?? versions.last { $0.status == .accepted }
        guard let version = chosen else { throw APIError.notFound("version") }
        guard version.status == .accepted, let schema = version.schema else {
            throw APIError(status: 409, code: "version_rejected", message: "version \(version.number) did not pass validation")
        }
        let versionID = version.id
        return (versionID, try await store.read { try $0.source(of: versionID, by: owner) }, schema)
    }
}

/// `POST /api/strategies/{id}/optimize`: what to sweep and how, plus the
/// backtest settings of `POST /api/strategies/{id}/backtest` (same fields,
/// same defaults) that every run shares.
struct OptimizeBody: RequestBody {
    /// `{"min": 5, "max": 30, "step": 5}` (inclusive, like a parameter's
    /// declared `min`/`max`) or `{"values": [20, 40, 60]}`.
    struct Range: Codable, Sendable {
        var min: Double?
        var max: Double?
        var step: Double?
        var values: [LuaValue]?
    }
    struct WalkForward: Codable, Sendable {
        var windows: Double
        var inSample: Double?
    }

    var versionId: Int64?
    var ranges: [String: Range]
    var search: String?
    var trials: Double?
    var objective: String?
    var walkForward: WalkForward?
    var top: Double?
    var settings: BacktestBody

    enum CodingKeys: String, CodingKey { case versionId, ranges, search, trials, objective, walkForward, top }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        versionId = try container.decodeIfPresent(Int64.self, forKey: .versionId)
        ranges = try container.decode([String: Range].self, forKey: .ranges)
        search = try container.decodeIfPresent(String.self, forKey: .search)
        trials = try container.decodeIfPresent(Double.self, forKey: .trials)
        objective = try container.decodeIfPresent(String.self, forKey: .objective)
        walkForward = try container.decodeIfPresent(WalkForward.self, forKey: .walkForward)
        top = try container.decodeIfPresent(Double.self, forKey: .top)
        settings = try BacktestBody(from: decoder)
        settings.versionId = nil
    }

    static var schema: JSONSchema {
        let number = JSONSchema.number()
        let range = JSONSchema.object(required: [:], optional: ["min": number, "max": number, "step": .number(minimum: 0),
                                                                "values": .array(of: .any, maxItems: ParameterSpace.maximumValuesPerParameter)],
                                      closed: true)
        guard case .object(_, var optional, _) = BacktestBody.schema.removing("parameters") else { return BacktestBody.schema }
        optional["search"] = .oneOfStrings(["grid", "random"])
        optional["trials"] = .integer(minimum: 1, maximum: Int64(OptimizationJobs.maximumRuns))
        optional["objective"] = .oneOfStrings(OptimizationObjective.allCases.map(\.rawValue))
        optional["walkForward"] = .object(required: ["windows": .integer(minimum: 1, maximum: 20)],
                                          optional: ["inSample": .number(minimum: 0.5, maximum: 0.9)], closed: true)
        optional["top"] = .integer(minimum: 1, maximum: Int64(OptimizationJobs.maximumRuns))
        return .body(["ranges": .dictionary(of: range)], optional: optional)
    }

    /// The sweep asked for, each field checked (a refusal names it).
    func request(settings: BacktestSettings) throws -> OptimizationJobs.Request {
        var parsed: [String: ParameterRange] = [:]
        for (name, range) in ranges {
            let field = "ranges.\(name)"
            switch (range.min, range.max, range.step, range.values) {
            case (let min?, let max?, let step?, nil):
                guard [min, max, step].allSatisfy(\.isFinite) else { throw APIError.invalid(field, "min, max and step must be finite numbers") }
                parsed[name] = .stepped(from: min, to: max, step: step)
            case (nil, nil, nil, let values?):
                parsed[name] = .values(values)
            default:
                throw APIError.invalid(field, "must be {\"min\", \"max\", \"step\"} or {\"values\": [...]}")
            }
        }
        let searchName = search ?? "grid"
        let space: ParameterSpace.Search
        switch searchName {
        case "grid": space = .grid
        case "random":
            let count = try trials.map { (value) throws(BacktestSettingsError) in
                try BacktestBody.whole(value, field: "trials", in: 1...Int64(OptimizationJobs.maximumRuns))
            } ?? 50
            space = .random(count: Int(count), seed: settings.seed)
        default: throw APIError.invalid("search", "must be grid or random")
        }
        if trials != nil, searchName == "grid" { throw APIError.invalid("trials", "applies to a random search only") }
        guard let objective = OptimizationObjective(rawValue: objective ?? "sharpe") else {
            throw APIError.invalid("objective", "must be one of \(OptimizationObjective.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        let plan: WalkForwardPlan?
        do {
            plan = try walkForward.map { (body) throws -> WalkForwardPlan in
                let windows = try BacktestBody.whole(body.windows, field: "walkForward.windows", in: 1...20)
                return try WalkForwardPlan(windows: Int(windows), inSampleFraction: body.inSample ?? 0.7)
            }
        } catch let issues as SchemaIssues {
            throw APIError.invalid("walkForward", issues.issues.map(\.message).joined(separator: "; "))
        }
        let top = try top.map { (value) throws(BacktestSettingsError) in
            try BacktestBody.whole(value, field: "top", in: 1...Int64(OptimizationJobs.maximumRuns))
        } ?? 20
        return OptimizationJobs.Request(ranges: parsed, search: space, objective: objective, walkForward: plan, settings: settings, top: Int(top))
    }
}

/// A sweep as the API shows it.
struct OptimizationView: Codable, ResponseEncodableBody {
    struct Trial: Codable, Sendable {
        var rank: Int
        var parameters: [String: LuaValue]
        /// The objective's value; absent when undefined (a flat curve's Sharpe) or when the run failed.
        var score: Double?
        var metrics: BacktestMetricsView?
        var error: String?
    }
    struct Period: Codable, Sendable {
        var from: Timestamp
        var to: Timestamp
    }
    struct Window: Codable, Sendable {
        var inSample: Period
        var outOfSample: Period
        /// The in-sample winner; absent when no run scored.
        var best: Trial?
        var outOfSampleMetrics: BacktestMetricsView?
        var outOfSampleScore: Double?
        var outOfSampleError: String?
    }

    var id: Int64
    var strategyId: Int64
    var versionId: Int64
    var status: String
    var objective: String
    var search: String
    /// Backtests in the sweep and how many have finished.
    var runs: Int
    var runsDone: Int
    var progress: Double
    var createdAt: Timestamp
    var finishedAt: Timestamp?
    var error: String?
    var config: BacktestConfigView
    var failedRuns: Int
    var trials: [Trial]?
    var windows: [Window]?

    init(_ job: OptimizationJobs.Job) {
        id = job.id
        strategyId = job.strategyID.rawValue
        versionId = job.versionID.rawValue
        status = job.status.rawValue
        objective = job.request.objective.rawValue
        search = switch job.request.search { case .grid: "grid"; case .random: "random" }
        runs = job.runs
        runsDone = min(job.runsDone, job.runs)
        progress = job.runs == 0 ? 1 : Double(runsDone) / Double(job.runs)
        createdAt = Timestamp(job.createdAt)
        finishedAt = job.finishedAt.map(Timestamp.init)
        error = job.failure
        config = BacktestConfigView(job.effectiveSettings)
        failedRuns = job.failedRuns
        if job.status == .completed || job.status == .failed {
            if let windows = job.windows {
                self.windows = windows.map { window in
                    Window(inSample: Period(from: Timestamp(window.inSample.lowerBound), to: Timestamp(window.inSample.upperBound)),
                           outOfSample: Period(from: Timestamp(window.outOfSample.lowerBound), to: Timestamp(window.outOfSample.upperBound)),
                           best: window.best.map { Self.trial($0, rank: 1) }, outOfSampleMetrics: window.outOfSampleMetrics.map(BacktestMetricsView.init),
                           outOfSampleScore: window.outOfSampleScore.flatMap { $0.isFinite ? $0.reportedStatistic : nil }, outOfSampleError: window.outOfSampleFailure)
                }
            } else {
                trials = job.trials.enumerated().map { Self.trial($1, rank: $0 + 1) }
            }
        }
    }

    static func trial(_ trial: OptimizationTrial, rank: Int) -> Trial {
        Trial(rank: rank, parameters: trial.parameters, score: trial.score.flatMap { $0.isFinite ? $0.reportedStatistic : nil },
              metrics: trial.metrics.map(BacktestMetricsView.init), error: trial.failure)
    }
}

extension OptimizationView: SchemaDescribed {
    static let schemaName = "Optimization"
    static var schema: JSONSchema {
        let trial = JSONSchema.component(name: "OptimizationTrial", schema: .record(
            ["rank": .integer(minimum: 1), "parameters": .parameters],
            optional: ["score": .number(), "metrics": .ref(BacktestMetricsView.self), "error": .text]))
        let period = JSONSchema.record(["from": .timestamp, "to": .timestamp])
        let window = JSONSchema.component(name: "WalkForwardWindow", schema: .record(
            ["inSample": period, "outOfSample": period],
            optional: ["best": trial, "outOfSampleMetrics": .ref(BacktestMetricsView.self), "outOfSampleScore": .number(), "outOfSampleError": .text]))
        return .record(["id": .id, "strategyId": .id, "versionId": .id, "status": .oneOfStrings(["queued", "running", "completed", "failed"]),
                        "objective": .oneOfStrings(OptimizationObjective.allCases.map(\.rawValue)), "search": .oneOfStrings(["grid", "random"]),
                        "runs": .integer(minimum: 0), "runsDone": .integer(minimum: 0), "progress": .number(minimum: 0, maximum: 1),
                        "createdAt": .timestamp, "config": .ref(BacktestConfigView.self), "failedRuns": .integer(minimum: 0)],
                       optional: ["finishedAt": .timestamp, "error": .text, "trials": .array(of: trial), "windows": .array(of: window)])
    }
}
