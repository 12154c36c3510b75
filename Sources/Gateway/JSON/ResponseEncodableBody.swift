import Hummingbird

/// A JSON response body. Hummingbird encodes it with the context's encoder;
/// its schema documents every route that returns it (`APIRoutes`).
protocol ResponseEncodableBody: ResponseEncodable, Sendable, SchemaDescribed, DocumentedResponse {}

/// A JSON body sent with a status other than 200.
struct Created<Body: ResponseEncodable & Sendable>: ResponseGenerator {
    var status: HTTPResponse.Status = .created
    var body: Body
    func response(from request: Request, context: some RequestContext) throws -> Response {
        var response = try body.response(from: request, context: context)
        response.status = status
        return response
    }
}

/// A JSON body sent with 202: a job accepted and queued.
struct Accepted<Body: ResponseEncodable & Sendable>: ResponseGenerator {
    var body: Body
    func response(from request: Request, context: some RequestContext) throws -> Response {
        var response = try body.response(from: request, context: context)
        response.status = .accepted
        return response
    }
}
