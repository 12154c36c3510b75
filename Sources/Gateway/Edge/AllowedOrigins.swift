import Foundation
import Synchronization

/// The origins a cookie-authenticated write may come from
/// (`GatewayConfiguration.allowedOrigins`). Unconfigured, it is this server
/// itself: `http://<host>:<port>`, `http://localhost:<port>` and
/// `http://127.0.0.1:<port>`, with the port the server actually bound (port
/// 0 picks one at start). Origins compare as `scheme://host[:port]`,
/// lowercased, with the scheme's default port left out.
final class AllowedOrigins: Sendable {
    private let configured: Set<String>
    private let host: String
    private let port: Mutex<Int>

    init(configuration: GatewayConfiguration) {
        configured = Set(configuration.allowedOrigins.compactMap(Self.normalize))
        host = configuration.host
        port = Mutex(configuration.port)
    }

    /// The port the listener bound (what an unconfigured list names).
    func serverStarted(port bound: Int) {
        port.withLock { if $0 == 0 { $0 = bound } }
    }

    /// The origins in force now.
    var origins: Set<String> {
        guard configured.isEmpty else { return configured }
        let port = self.port.withLock { $0 }
        return Set([host, "localhost", "127.0.0.1"].compactMap { Self.normalize("http://\($0):\(port)") })
    }

    /// Whether `origin` (an `Origin` value, or a `Referer` URL whose origin
    /// counts) is allowed. `null` and anything unparsable are not.
    func allows(_ origin: String) -> Bool {
        guard let normalized = Self.normalize(origin) else { return false }
        return origins.contains(normalized)
    }

    /// `scheme://host[:port]` of a URL or origin, or nil when it has no
    /// http(s) scheme and host.
    static func normalize(_ text: String) -> String? {
        guard let url = URLComponents(string: text.trimmingCharacters(in: .whitespaces)),
              let scheme = url.scheme?.lowercased(), scheme == "http" || scheme == "https",
              let host = url.host?.lowercased(), !host.isEmpty else { return nil }
        let bracketed = host.contains(":") && !host.hasPrefix("[") ? "[\(host)]" : host
        let defaultPort = scheme == "https" ? 443 : 80
        guard let port = url.port, port != defaultPort else { return "\(scheme)://\(bracketed)" }
        return "\(scheme)://\(bracketed):\(port)"
    }
}
