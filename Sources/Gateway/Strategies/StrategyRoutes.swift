import Hummingbird
import Marketplace
import Platform

/// `/api/strategies`: a user's own scripts and their immutable versions.
/// Uploads are validated in the Sandbox (compile, schema, a smoke backtest)
/// as sandbox jobs (`SandboxJobQueue`; worker processes in `lunar serve`),
/// never on the event loops; a rejected version is kept and answered with 422
/// and every reason (compile errors carry the line).
struct StrategyRoutes {
    let gateway: Gateway

    func add(to group: APIRoutes) {
        let store = gateway.store
        group.post("strategies", "Create a strategy", body: CreateStrategyBody.self) { request, context, body in
            let user = try context.requireIdentity().user
            return Created(body: StrategyView(try await store.write { try $0.createStrategy(name: body.name, by: user.id) }))
        }
        group.get("strategies", "My strategies") { _, context in
            let user = try context.requireIdentity().user
            return try await store.read { try $0.strategies(of: user.id, by: user.id) }.map(StrategyView.init)
        }
        group.get("strategies/:id", "One of my strategies") { _, context in
            StrategyView(try await gateway.ownStrategy(StrategyID(context.id("id", "strategy")), in: context))
        }
        group.post("strategies/:id/versions",
                   "Upload a version (validated in the sandbox; 422 with reasons)", body: UploadVersionBody.self) { request, context, body in
            let strategy = try await gateway.ownStrategy(StrategyID(context.id("id", "strategy")), in: context)
            _ = try Check.text(body.source, "source", length: 1...200_000)
            let owner = strategy.authorID
            // Validation runs the script (in a worker process in `lunar
            // serve`): admitted by the sandbox job queue, off the event loops.
            let version = try await gateway.sandboxJobs.run(for: try context.requireIdentity().user.id) {
                try store.uploadVersion(of: strategy.id, source: body.source, changelog: body.changelog ?? "", by: owner)
            }
            guard version.status == .accepted else {
                throw APIError(status: 422, code: "version_rejected",
                               message: "version \(version.number) (id \(version.id)) failed validation and is stored as rejected",
                               details: version.report.issues.map { APIError.Detail(field: Self.field(of: $0), issue: $0) })
            }
            return Created(body: VersionView(version))
        }
        group.get("strategies/:id/versions", "Versions of my strategy") { _, context in
            let strategy = try await gateway.ownStrategy(StrategyID(context.id("id", "strategy")), in: context)
            return try await store.read { try $0.versions(of: strategy.id, by: strategy.authorID) }.map(VersionView.init)
        }
        group.get("strategies/:id/versions/:version/source", "A version's source") { _, context in
            let strategy = try await gateway.ownStrategy(StrategyID(context.id("id", "strategy")), in: context)
            let version = try await gateway.version(VersionID(context.id("version", "version")), of: strategy)
            return SourceView(versionId: version.id.rawValue,
                              source: try await store.read { try $0.source(of: version.id, by: strategy.authorID) })
        }
    }

    /// "compile: [string \"strategy.lua\"]:3: ..." → "source" with the line in the issue.
    static func field(of issue: String) -> String {
        if issue.hasPrefix("schema") { return "schema" }
        if issue.hasPrefix("backtest") { return "backtest" }
        return "source"
    }
}

extension Gateway {
    /// One of the caller's own strategies (moderators: anyone's), else 404.
    /// The caller's own strategy, else 404.
    func ownStrategy(_ id: StrategyID, in context: GatewayContext) async throws -> Strategy {
        let user = try context.requireIdentity().user
        return try Self.own(id, among: try await store.read { try $0.strategies(of: user.id, by: user.id) })
    }

    private static func own(_ id: StrategyID, among strategies: [Strategy]) throws -> Strategy {
        guard let strategy = strategies.first(where: { $0.id == id }) else { throw APIError.notFound("strategy") }
        return strategy
    }

    func version(_ id: VersionID, of strategy: Strategy) async throws -> StrategyVersion {
        let versions = try await store.read { try $0.versions(of: strategy.id, by: strategy.authorID) }
        guard let version = versions.first(where: { $0.id == id }) else {
            throw APIError.notFound("version")
        }
        return version
    }
}

