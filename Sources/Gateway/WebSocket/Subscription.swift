import Foundation

/// One channel a WebSocket client can subscribe to: market channels per
/// symbol, deployment channels per own deployment, and `deployments`: the
/// status changes of every deployment of the signed-in user.
struct Subscription: Hashable, Sendable {
    enum Channel: String, CaseIterable, Sendable {
        case ticks, candles, book
        case orders, fills, positions, logs, deployment, equity
        case deployments
        /// The signed-in user's alerts, raised and resolved.
        case alerts

        var isMarket: Bool { self == .ticks || self == .candles || self == .book }
    }

    var channel: Channel
    /// A symbol (market channels) or a deployment id.
    var key: String

    var name: String { "\(channel.rawValue):\(key)" }
}

/// A client's message: `{"type": "subscribe"|"unsubscribe", "channel": ..., "symbol"|"deploymentId": ...}`.
struct ClientMessage: Decodable {
    var type: String
    var channel: String?
    var symbol: String?
    var deploymentId: Int64?
}

/// What the server sends: `{"type": ..., "channel": ..., "data": ...}`.
struct ServerEvent<Data: Encodable>: Encodable {
    var type: String
    var channel: String?
    var data: Data?
}

struct ErrorData: Encodable {
    var code: String
    var message: String
}

enum WebSocketJSON {
    static func encode(_ value: some Encodable) -> String {
        (try? String(decoding: JSONEncoder().encode(value), as: UTF8.self)) ?? #"{"type":"error"}"#
    }
    static func error(_ code: String, _ message: String) -> String {
        encode(ServerEvent(type: "error", channel: nil, data: ErrorData(code: code, message: message)))
    }
}
