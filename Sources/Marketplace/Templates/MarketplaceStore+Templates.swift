import Foundation
import Host
import Sandbox

extension MarketplaceStore {
    /// Loads every `*.json` manifest in `directory` (scripts from
    /// `strategiesDirectory`), validates each script like an upload, and
    /// upserts them as builtin templates. Call at server start. Any bad
    /// manifest fails the whole load, naming the file and field, and
    /// changes nothing.
    @discardableResult
    public func loadTemplates(from directory: URL, strategiesDirectory: URL) throws(StoreError) -> [Template] {
        let files: [URL]
        do {
            files = try FileManager.default.contentsOfDirectory(at: directory, includingPropertiesForKeys: nil)
                .filter { $0.pathExtension == "json" }.sorted { $0.lastPathComponent < $1.lastPathComponent }
        } catch {
            throw StoreError.invalid(field: "templates", rule: "must be a readable directory (\(directory.path))")
        }
        var prepared: [(TemplateManifest, String, StrategySchema)] = []
        for file in files {
            let name = file.lastPathComponent
            let manifest: TemplateManifest
            do { manifest = try JSONDecoder().decode(TemplateManifest.self, from: Data(contentsOf: file)) } catch {
                throw StoreError.invalid(field: name, rule: "must be a template manifest: \(error)")
            }
            guard let script = manifest.strategy, !script.contains("/"),
                  let source = try? String(contentsOf: strategiesDirectory.appendingPathComponent(script), encoding: .utf8) else {
                throw StoreError.invalid(field: "\(name): strategy", rule: "must name a readable file in \(strategiesDirectory.lastPathComponent)/")
            }
            prepared.append((manifest, source, try checkTemplate(manifest, source: source, context: "\(name): ")))
        }
        let now = self.now
        return try pool.write { (connection) throws(StoreError) -> [Template] in
            var loaded: [Template] = []
            for (manifest, source, schema) in prepared {
                try Self.upsertTemplate(manifest, source: source, schema: schema, builtin: true, creator: nil, now: now, connection)
                loaded.append(try Self.fetchTemplate(manifest.id, connection)!)
            }
            return loaded
        }
    }

    /// Creates or replaces a non-builtin template (admins), audited.
    public func saveTemplate(_ manifest: TemplateManifest, source: String, by actorID: UserID) throws(StoreError) -> Template {
        let now = self.now
        try pool.read { (connection) throws(StoreError) in try Actor.load(actorID, connection, now: now).requireModerator("create a template") }
        let schema = try checkTemplate(manifest, source: source, context: "")
        return try pool.write { (connection) throws(StoreError) -> Template in
            try Actor.load(actorID, connection, now: now).requireModerator("create a template")
            if try connection.integer("SELECT COUNT(*) FROM templates WHERE id = ? AND builtin = 1", [manifest.id]) > 0 {
                throw StoreError.forbidden(action: "replace a template", reason: "builtin templates come from templates/")
            }
            try Self.upsertTemplate(manifest, source: source, schema: schema, builtin: false, creator: actorID, now: now, connection)
            try Self.appendAudit(connection, actor: actorID, action: "template.save", target: .template(manifest.id), reason: manifest.title, now: now)
            return try Self.fetchTemplate(manifest.id, connection)!
        }
    }

    /// Deletes a non-builtin template (admins), audited, with its search
    /// entry and favorites. Refused while any deployment was made from it:
    /// a deployment runs its template's script, so deleting that would strand
    /// it (delete those deployments first).
    public func deleteTemplate(_ id: String, reason: String, by actorID: UserID) throws(StoreError) {
        let now = self.now
        try pool.write { (connection) throws(StoreError) in
            try Actor.load(actorID, connection, now: now).requireModerator("delete a template")
            guard let builtin = try connection.row("SELECT builtin FROM templates WHERE id = ?", [id], { $0.bool(0) }) else {
                throw StoreError.notFound(entity: "template", id: id)
            }
            if builtin { throw StoreError.forbidden(action: "delete a template", reason: "builtin templates come from templates/") }
            let users = try connection.integer("SELECT COUNT(*) FROM deployments WHERE template_id = ?", [id])
            if users > 0 { throw StoreError.inUse(entity: "template", id: id, count: Int(users), users: "deployment(s)") }
            try connection.run("DELETE FROM template_search WHERE template_id = ?", [id])
            try connection.run("DELETE FROM favorites WHERE target_kind = 'template' AND target_id = ?", [id])
            try connection.run("DELETE FROM templates WHERE id = ?", [id])
            try Self.appendAudit(connection, actor: actorID, action: "template.delete", target: .template(id), reason: reason, now: now)
        }
    }

    /// Validates a manifest and its script; returns the script's schema.
    private func checkTemplate(_ manifest: TemplateManifest, source: String, context: String) throws(StoreError) -> StrategySchema {
        guard (2...64).contains(manifest.id.count),
              manifest.id.allSatisfy({ $0.isASCII && ($0.isLowercase || $0.isNumber || $0 == "_" || $0 == "-") }) else {
            throw StoreError.invalid(field: "\(context)id", rule: "must be 2 to 64 lowercase letters, digits, '_' or '-'")
        }
        _ = try InputRules.text(manifest.title, field: "\(context)title", length: 3...120)
        _ = try InputRules.text(manifest.description, field: "\(context)description", length: 10...5_000)
        _ = try Category.parse(manifest.category)
        try RiskRules.validate(manifest.risk, field: "\(context)risk")
        let (schema, report) = configuration.validator.validate(source: source)
        guard let schema, report.passed else {
            throw StoreError.invalid(field: "\(context)strategy", rule: "must pass validation: \(report.issues.joined(separator: "; "))")
        }
        do { _ = try schema.resolve(manifest.parameters) } catch {
            throw StoreError.invalid(field: "\(context)\(error.issues.first?.field ?? "parameters")", rule: error.description)
        }
        return schema
    }

    private static func upsertTemplate(_ manifest: TemplateManifest, source: String, schema: StrategySchema, builtin: Bool,
                                       creator: UserID?, now: Int64, _ connection: Connection) throws(StoreError) {
        try connection.run("""
            INSERT INTO templates (id, title, description, category, source, schema_json, parameters_json, risk_json, builtin,
                                   created_by, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (id) DO UPDATE SET title = excluded.title, description = excluded.description, category = excluded.category,
                source = excluded.source, schema_json = excluded.schema_json, parameters_json = excluded.parameters_json,
                risk_json = excluded.risk_json, updated_at = excluded.updated_at
            """, [manifest.id, manifest.title, manifest.description, manifest.category, source, try JSONCoding.encode(schema),
                  try JSONCoding.encode(manifest.parameters), try JSONCoding.encode(manifest.risk), builtin, creator, now, now])
        try connection.run("DELETE FROM template_search WHERE template_id = ?", [manifest.id])
        try connection.run("INSERT INTO template_search (template_id, title, description, category) VALUES (?, ?, ?, ?)",
                           [manifest.id, manifest.title, manifest.description, manifest.category])
    }

    static let templateColumns = "id, title, description, category, schema_json, parameters_json, risk_json, builtin"

    static func template(_ row: Row) throws(StoreError) -> Template {
        Template(id: row.text(0), title: row.text(1), description: row.text(2), category: Category(rawValue: row.text(3)) ?? .other,
                 schema: try JSONCoding.decode(StrategySchema.self, row.text(4)),
                 parameters: try JSONCoding.decode([String: LuaValue].self, row.text(5)),
                 risk: try JSONCoding.decode(RiskLimits.self, row.text(6)), builtin: row.bool(7))
    }

    static func fetchTemplate(_ id: String, _ connection: Connection) throws(StoreError) -> Template? {
        try connection.row("SELECT \(templateColumns) FROM templates WHERE id = ?", [id], template)
    }

    /// One template.
    public func template(_ id: String) throws(StoreError) -> Template {
        guard let template = try pool.read({ (connection) throws(StoreError) in try Self.fetchTemplate(id, connection) }) else {
            throw StoreError.notFound(entity: "template", id: id)
        }
        return template
    }

    /// Templates, by id; optionally one category, optionally matching `text` (FTS5, ranked by relevance).
    public func templates(matching text: String? = nil, category: String? = nil) throws(StoreError) -> [Template] {
        let category = try category.map { (name) throws(StoreError) in try Category.parse(name).rawValue }
        let query = try text.map { (raw) throws(StoreError) in try SearchQuery.ftsExpression(raw) }
        return try pool.read { (connection) throws(StoreError) in
            if let query {
                return try connection.rows("""
                    SELECT \(Self.templateColumns.split(separator: ",").map { "t.\($0.trimmingCharacters(in: .whitespaces))" }.joined(separator: ", "))
                    FROM template_search s JOIN templates t ON t.id = s.template_id
                    WHERE template_search MATCH ? AND (? IS NULL OR t.category = ?) ORDER BY bm25(template_search), t.id
                    """, [query, category, category], Self.template)
            }
            return try connection.rows("SELECT \(Self.templateColumns) FROM templates WHERE (? IS NULL OR category = ?) ORDER BY id",
                                       [category, category], Self.template)
        }
    }
}
