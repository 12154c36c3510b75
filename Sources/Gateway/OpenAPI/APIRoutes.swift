import Hummingbird

/// Where every `/api` route is registered, once: each registration adds the
/// route to Hummingbird's router and its operation (path, summary, access,
/// request body type, response type) to the `RouteCatalog` that the OpenAPI
/// document, the `/docs` page and the strict-JSON field lists come from. The
/// request body a handler receives is decoded here from the type the route
/// documents, and the response schema is the type the handler returns, so a
/// route cannot drift from its documentation.
struct APIRoutes {
    let group: RouterGroup<GatewayContext>
    /// The OpenAPI path prefix of `group`: `/api/admin`.
    let prefix: String
    let tag: String
    let access: RouteCatalog.Access
    let catalog: RouteCatalog

    /// The routes under a sub-path, optionally with another tag or access.
    func group(_ path: String = "", tag: String? = nil, access: RouteCatalog.Access? = nil) -> APIRoutes {
        APIRoutes(group: path.isEmpty ? group.group() : group.group(RouterPath(path)), prefix: path.isEmpty ? prefix : prefix + "/" + path,
                  tag: tag ?? self.tag, access: access ?? self.access, catalog: catalog)
    }

    /// The same routes under another tag (one file's routes may belong to two sections).
    func tagged(_ tag: String) -> APIRoutes {
        APIRoutes(group: group, prefix: prefix, tag: tag, access: access, catalog: catalog)
    }

    /// Middleware for the routes registered after this call.
    @discardableResult func add(middleware: any MiddlewareProtocol<Request, Response, GatewayContext>) -> APIRoutes {
        group.add(middleware: middleware)
        return self
    }

    // MARK: Routes without a body

    func get<Reply: DocumentedResponse>(_ path: String, _ summary: String,
                                        _ handler: @escaping @Sendable (Request, GatewayContext) async throws -> Reply) {
        on(.get, path, summary, body: nil, response: Reply.documentation, handler)
    }

    func post<Reply: DocumentedResponse>(_ path: String, _ summary: String,
                                         _ handler: @escaping @Sendable (Request, GatewayContext) async throws -> Reply) {
        on(.post, path, summary, body: nil, response: Reply.documentation, handler)
    }

    func delete<Reply: DocumentedResponse>(_ path: String, _ summary: String,
                                           _ handler: @escaping @Sendable (Request, GatewayContext) async throws -> Reply) {
        on(.delete, path, summary, body: nil, response: Reply.documentation, handler)
    }

    // MARK: Routes with a strict JSON body

    func post<Body: RequestBody, Reply: DocumentedResponse>(
        _ path: String, _ summary: String, body: Body.Type, maximumBytes: Int? = nil,
        _ handler: @escaping @Sendable (Request, GatewayContext, Body) async throws -> Reply) {
        on(.post, path, summary, body: Body.self, response: Reply.documentation) { request, context in
            try await handler(request, context, try await request.decodeStrict(Body.self, context: context, maximumBytes: maximumBytes))
        }
    }

    func put<Body: RequestBody, Reply: DocumentedResponse>(
        _ path: String, _ summary: String, body: Body.Type,
        _ handler: @escaping @Sendable (Request, GatewayContext, Body) async throws -> Reply) {
        on(.put, path, summary, body: Body.self, response: Reply.documentation) { request, context in
            try await handler(request, context, try await request.decodeStrict(Body.self, context: context))
        }
    }

    // MARK: Routes that build their own `Response` (cookies, status chosen at run time)

    /// A route whose handler returns a hand-built `Response`; `response` documents it.
    func on<Body: RequestBody>(_ method: HTTPRequest.Method, _ path: String, _ summary: String, body: Body.Type,
                               response: ResponseDocumentation,
                               _ handler: @escaping @Sendable (Request, GatewayContext, Body) async throws -> Response) {
        on(method, path, summary, body: Body.self, response: response) { request, context in
            try await handler(request, context, try await request.decodeStrict(Body.self, context: context))
        }
    }

    func on(_ method: HTTPRequest.Method, _ path: String, _ summary: String, response: ResponseDocumentation,
            _ handler: @escaping @Sendable (Request, GatewayContext) async throws -> Response) {
        on(method, path, summary, body: nil, response: response, handler)
    }

    private func on<Reply: ResponseGenerator>(_ method: HTTPRequest.Method, _ path: String, _ summary: String,
                                              body: (any RequestBody.Type)?, response: ResponseDocumentation,
                                              _ handler: @escaping @Sendable (Request, GatewayContext) async throws -> Reply) {
        group.on(RouterPath(path), method: method, use: handler)
        let openAPIPath = ([prefix] + path.split(separator: "/").map { $0.hasPrefix(":") ? "{\($0.dropFirst())}" : String($0) })
            .joined(separator: "/")
        catalog.add(.init(method: method.rawValue.lowercased(), path: openAPIPath, tag: tag, summary: summary, access: access,
                          bodyFields: body.map { $0.fields.sorted() }, bodySchema: body.map { $0.schema }, response: response))
    }
}

/// What a route answers on success, for the OpenAPI document.
struct ResponseDocumentation: Sendable {
    var status: Int
    /// The body's schema; nil for no body (204).
    var schema: JSONSchema?
    var mediaType = "application/json"

    static func json(_ schema: JSONSchema, status: Int = 200) -> ResponseDocumentation {
        ResponseDocumentation(status: status, schema: schema)
    }

    static let noContent = ResponseDocumentation(status: 204, schema: nil)
}

/// A handler's return type that documents itself: its status and schema.
protocol DocumentedResponse: ResponseGenerator {
    static var documentation: ResponseDocumentation { get }
}

extension ResponseEncodableBody {
    static var documentation: ResponseDocumentation { .json(.ref(Self.self)) }
}

extension Array: DocumentedResponse where Element: ResponseEncodableBody {
    static var documentation: ResponseDocumentation { .json(.list(Element.self)) }
}

extension Created: DocumentedResponse where Body: DocumentedResponse {
    static var documentation: ResponseDocumentation {
        var documentation = Body.documentation
        documentation.status = 201
        return documentation
    }
}

extension Accepted: DocumentedResponse where Body: DocumentedResponse {
    static var documentation: ResponseDocumentation {
        var documentation = Body.documentation
        documentation.status = 202
        return documentation
    }
}

/// `204 No Content`.
struct NoContent: DocumentedResponse {
    static let documentation = ResponseDocumentation.noContent
    func response(from request: Request, context: some RequestContext) throws -> Response { Response(status: .noContent) }
}
