import Hummingbird

extension GatewayContext {
    /// A positive integer id from the path, or 404 (a malformed id names nothing).
    func id(_ name: String, _ entity: String) throws -> Int64 {
        guard let text = parameters.get(name), let value = Int64(text), value > 0 else { throw APIError.notFound(entity) }
        return value
    }
}
