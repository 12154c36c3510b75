import Foundation

/// The OpenAPI 3.1 document, built from the `RouteCatalog` the routes filled.
enum OpenAPIDocument {
    static let errorStatuses: [Int: String] = [
        400: "Malformed request (or a JSON key twice: duplicate_key)", 401: "Missing, invalid or expired token (WWW-Authenticate)",
        403: "Role or account status forbids it, or a cookie-authenticated write from a foreign origin (csrf_rejected)",
        404: "No such resource (or not yours)", 409: "Conflicts with the current state", 413: "Body too large",
        415: "Body not sent as Content-Type: application/json", 431: "Request head (target and header fields) too large",
        422: "Validation failed (details name the fields)", 429: "Rate limited or locked out (Retry-After)", 500: "Server failure",
    ]

    static func json(_ operations: [RouteCatalog.Operation], version: String) -> Data {
        var components: [String: Any] = [:]
        let error = JSONSchema.ref(ErrorResponse.self).rendered(components: &components)
        var paths: [String: [String: Any]] = [:]
        for operation in operations {
            var success: [String: Any] = ["description": "Success"]
            if let schema = operation.response.schema {
                success["content"] = [operation.response.mediaType: ["schema": schema.rendered(components: &components)]]
            }
            var responses: [String: Any] = ["\(operation.response.status)": success]
            for (status, description) in errorStatuses {
                responses["\(status)"] = ["description": description, "content": ["application/json": ["schema": error]]]
            }
            var entry: [String: Any] = ["summary": operation.summary, "tags": [operation.tag],
                                        "operationId": "\(operation.method)\(operation.path.replacingOccurrences(of: "/", with: "_"))",
                                        "responses": responses]
            switch operation.access {
            case .anyone, .signature: entry["security"] = [] as [Any]
            case .user, .admin: entry["security"] = [["bearer": [] as [String]], ["cookie": [] as [String]]]
            }
            let parameters = operation.path.split(separator: "/").filter { $0.hasPrefix("{") }.map { segment -> [String: Any] in
                ["name": String(segment.dropFirst().dropLast()), "in": "path", "required": true, "schema": ["type": "string"]]
            }
            if !parameters.isEmpty { entry["parameters"] = parameters }
            if let body = operation.bodySchema {
                entry["requestBody"] = ["required": true, "content": ["application/json": ["schema": body.rendered(components: &components)]]]
            }
            paths[operation.path, default: [:]][operation.method] = entry
        }
        let document: [String: Any] = [
            "openapi": "3.1.0",
            "info": ["title": "Lunar API", "version": version,
                     "description": "Sandboxed Lua trading strategies: auth, strategies, backtests, deployments, marketplace. See docs/api.md."],
            "paths": paths,
            "components": [
                "securitySchemes": ["bearer": ["type": "http", "scheme": "bearer", "bearerFormat": "JWT"],
                                    "cookie": ["type": "apiKey", "in": "cookie", "name": "access_token"]],
                "schemas": components,
            ],
        ]
        return (try? JSONSerialization.data(withJSONObject: document, options: [.sortedKeys])) ?? Data("{}".utf8)
    }

    /// A readable reference page: the same table, as HTML.
    static func html(_ operations: [RouteCatalog.Operation], version: String) -> String {
        func escape(_ text: String) -> String {
            text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
        }
        var rows = ""
        var tag = ""
        // Grouped by tag, in the order the tags are first registered.
        let tags = operations.reduce(into: [String]()) { if !$0.contains($1.tag) { $0.append($1.tag) } }
        for operation in tags.flatMap({ tag in operations.filter { $0.tag == tag } }) {
            if operation.tag != tag {
                tag = operation.tag
                rows += "<tr><th colspan=4>\(escape(tag))</th></tr>\n"
            }
            let body = operation.bodyFields.map { "<code>{" + $0.joined(separator: ", ") + "}</code>" } ?? ""
            rows += "<tr><td><b>\(operation.method.uppercased())</b> <code>\(escape(operation.path))</code></td>"
                + "<td>\(escape(operation.summary))</td><td>\(operation.access.rawValue)</td><td>\(body)</td></tr>\n"
        }
        return """
            <!doctype html><html><head><meta charset="utf-8"><title>Lunar API \(version)</title>
            <style>body{font:14px system-ui,sans-serif;margin:2em;max-width:70em}td,th{padding:4px 8px;border-bottom:1px solid #ddd;text-align:left}
            th{background:#f3f3f3}code{font-size:13px}</style></head><body>
            <h1>Lunar API \(version)</h1>
            <p>JSON over HTTP; errors are <code>{"error": {"code", "message", "details", "requestId"}}</code>.
            Authenticate with <code>Authorization: Bearer &lt;accessToken&gt;</code> from <code>POST /api/auth/login</code>.
            Machine-readable: <a href="/api/openapi.json">/api/openapi.json</a> (OpenAPI 3.1). WebSocket: <code>GET /ws</code>
            (see docs/api.md).</p>
            <table>\(rows)</table></body></html>
            """
    }
}
