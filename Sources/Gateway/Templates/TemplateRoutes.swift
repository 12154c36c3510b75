import Foundation
import Hummingbird
import Host
import Marketplace
import Sandbox

/// `/api/templates`: the bundled and admin-made strategies anyone may
/// deploy (`POST /templates/{id}/deploy` lives with the deployments).
struct TemplateRoutes {
    let gateway: Gateway

    struct TemplateView: Codable, ResponseEncodableBody {
        var id: String
        var title: String
        var description: String
        var category: String
        /// The values a deployment starts from.
        var parameters: [String: LuaValue]
        /// What the script declares: types, defaults, ranges, choices.
        var parameterSchema: [ParameterView]
        var risk: RiskLimitsView
        var builtin: Bool
        init(_ template: Template) {
            id = template.id
            title = template.title
            description = template.description
            category = template.category.rawValue
            parameters = template.parameters
            parameterSchema = ParameterView.list(template.schema)
            risk = RiskLimitsView(template.risk)
            builtin = template.builtin
        }
    }

    struct TemplateBody: RequestBody {
        var manifest: Manifest
        var source: String
    }

    /// A template manifest in the API's units (risk money as decimal strings).
    struct Manifest: Codable, Sendable {
        var id: String
        var title: String
        var description: String
        var category: String
        var strategy: String?
        var parameters: [String: LuaValue]
        var risk: RiskLimitsView

        func manifest() throws -> TemplateManifest {
            TemplateManifest(id: id, title: title, description: description, category: category, strategy: strategy,
                             parameters: parameters, risk: try risk.limits(field: "manifest.risk"))
        }
    }

    func add(to group: APIRoutes, admin: APIRoutes) {
        let store = gateway.store
        group.get("templates", "Templates (?q, ?category)") { request, _ in
            let query = try request.query("q") { $0 }, category = try request.query("category") { $0 }
            return try await store.read { try $0.templates(matching: query, category: category) }.map(TemplateView.init)
        }
        group.on(.get, "templates/categories", "Categories", response: .json(.array(of: .category))) { _, _ in
            try JSONResponse.make(Category.allCases.map(\.rawValue))
        }
        group.get("templates/:id", "A template") { _, context in
            guard let id = context.parameters.get("id") else { throw APIError.notFound("template") }
            return TemplateView(try await store.read { try $0.template(id) })
        }
        group.post("templates/:id/favorite", "Favorite a template") { _, context in
            let target = FavoriteTarget.template(context.parameters.get("id") ?? ""), user = try context.requireIdentity().user.id
            try await store.write { try $0.addFavorite(target, by: user) }
            return NoContent()
        }
        group.delete("templates/:id/favorite", "Unfavorite a template") { _, context in
            let target = FavoriteTarget.template(context.parameters.get("id") ?? ""), user = try context.requireIdentity().user.id
            try await store.write { try $0.removeFavorite(target, by: user) }
            return NoContent()
        }
        // Create or replace (the store upserts by manifest id).
        admin.post("templates", "Create or replace a template", body: TemplateBody.self) { request, context, body in
            let user = try context.requireIdentity().user
            let manifest = try body.manifest.manifest()
            return Created(body: TemplateView(try await gateway.sandboxJobs.run(for: user.id) { try store.saveTemplate(manifest, source: body.source, by: user.id) }))
        }
        // Update: the same upsert, with the id from the path (the body's must match).
        admin.put("templates/:id", "Update a template (not builtin)", body: TemplateBody.self) { request, context, body in
            let user = try context.requireIdentity().user
            guard let id = context.parameters.get("id"), (try? await store.read({ try $0.template(id) })) != nil else {
                throw APIError.notFound("template")
            }
            guard body.manifest.id == id else { throw APIError.invalid("manifest.id", "must be the template id of the path ('\(id)')") }
            let manifest = try body.manifest.manifest()
            return TemplateView(try await gateway.sandboxJobs.run(for: user.id) { try store.saveTemplate(manifest, source: body.source, by: user.id) })
        }
        // Builtin templates and templates with deployments are refused (403, 409).
        admin.delete("templates/:id", "Delete a template (not builtin; 409 while deployments use it)") { _, context in
            let user = try context.requireIdentity().user
            guard let id = context.parameters.get("id") else { throw APIError.notFound("template") }
            try await store.write { try $0.deleteTemplate(id, reason: "deleted by \(user.username)", by: user.id) }
            return NoContent()
        }
    }
}
